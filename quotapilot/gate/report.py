"""Presenting a check: JSON for tools, GitHub annotations and job summary, a table for people."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from quotapilot.domain import Finding, FindingKind
from quotapilot.gate.check import _NO_KEY, CheckResult


def _num(value: float | None) -> float | int | None:
    if value is None or (isinstance(value, float) and math.isinf(value)):
        return None
    return int(value) if float(value).is_integer() else round(value, 6)


def finding_json(finding: Finding) -> dict[str, Any]:
    keyed = finding.key is not _NO_KEY
    out: dict[str, Any] = {
        "kind": str(finding.kind),
        "severity": str(finding.severity),
        "provider": finding.key.provider if keyed else None,
        "service": finding.key.service if keyed else None,
        "code": finding.key.code if keyed else None,
        "region": finding.key.region if keyed else None,
        "limit": _num(finding.limit),
        "usage": _num(finding.usage),
        "demand": _num(finding.demand),
        "message": finding.message,
        "policy": finding.policy,
    }
    if finding.kind is FindingKind.REGRESSION:
        # an unlimited load-test quota prints as null, like an unlimited serving one
        out["baseline_limit"] = _num(finding.baseline_limit)
    if finding.shortfall is not None:
        out["shortfall"] = _num(finding.shortfall)
    if finding.remedy is not None:
        out["desired_limit"] = _num(finding.remedy.desired_limit)
        out["command"] = finding.remedy.command
    return out


def quota_rows(result: CheckResult) -> list[dict[str, Any]]:
    rows = []
    for key, fact in sorted(result.facts.items(), key=lambda item: str(item[0])):
        rows.append(
            {
                "quota": str(key),
                "name": fact.name,
                "limit": _num(fact.limit),
                "usage": _num(fact.usage),
                "demand": _num(fact.demand),
                "headroom": _num(fact.headroom(result.buffer)),
                "baseline_limit": _num(fact.baseline_limit),
                "unknown": fact.unknown,
            }
        )
    return rows


def as_json(result: CheckResult) -> str:
    return json.dumps(
        {
            "passed": result.passed,
            "findings": [finding_json(finding) for finding in result.findings],
            "quotas": quota_rows(result),
        },
        indent=2,
    )


def _escape(text: str) -> str:
    # GitHub workflow-command escaping for data and property values
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def as_github(result: CheckResult, summary_path: str | None = None) -> str:
    """Workflow commands (one annotation per finding); the markdown goes to the job summary."""
    lines = []
    for finding in result.findings:
        level = "error" if finding.blocks else "warning"
        title = f"quota {finding.kind}"
        text = finding.message + (f" | fix: {finding.remedy.command}" if finding.remedy else "")
        lines.append(f"::{level} title={_escape(title)}::{_escape(text)}")
    verdict = "passed" if result.passed else "blocked"
    lines.append(f"quotapilot: {verdict}, {len(result.findings)} finding(s)")
    path = summary_path or os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with Path(path).open("a") as summary:
            summary.write(markdown(result))
    return "\n".join(lines)


def _cell(row: dict[str, Any], column: str) -> str:
    value = row[column]
    if value is not None:
        return str(value)
    if column == "limit" and not row["unknown"]:
        return "unlimited"
    return "?"


def markdown(result: CheckResult) -> str:
    head = "### Quota gate: " + ("passed" if result.passed else "**blocked**") + "\n\n"
    rows = ["| quota | limit | usage | demand | headroom |", "|---|---:|---:|---:|---:|"]
    for row in quota_rows(result):
        cells = [row["quota"]] + [
            "unlimited"
            if row[c] is None and c == "limit"
            else ("?" if row[c] is None else str(row[c]))
            for c in ("limit", "usage", "demand", "headroom")
        ]
        rows.append("| " + " | ".join(cells) + " |")
    found = [
        f"- **{f.kind}** ({f.severity}): {f.message}"
        + (f"\n  `{f.remedy.command}`" if f.remedy else "")
        for f in result.findings
    ]
    return head + "\n".join(rows) + "\n\n" + ("\n".join(found) or "No findings.") + "\n\n"


def print_table(result: CheckResult) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="Quotas this plan touches")
    for column in ("quota", "limit", "usage", "demand", "headroom"):
        table.add_column(column, justify="left" if column == "quota" else "right")
    for row in quota_rows(result):
        headroom = row["headroom"]
        style = "red" if headroom is not None and headroom < 0 else ""
        table.add_row(
            row["quota"],
            _cell(row, "limit"),
            _cell(row, "usage"),
            str(row["demand"]),
            "-"
            if headroom is None
            else f"[{style}]{headroom}[/{style}]"
            if style
            else str(headroom),
        )
    console.print(table)
    for finding in result.findings:
        colour = "red" if finding.blocks else "yellow"
        console.print(
            f"[{colour}]{finding.severity}[/{colour}] {finding.kind}: {finding.message}",
            highlight=False,
        )
        if finding.remedy:
            console.print(f"    fix: {finding.remedy.command}", highlight=False, soft_wrap=True)
    console.print("[green]passed[/green]" if result.passed else "[red]blocked[/red]")

"""Presenting ``request``'s outcome to people: a table, or GitHub annotations plus a job
summary (the JSON form is :meth:`IncreaseRequest.to_json`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from quotapilot.exceptions import InputError
from quotapilot.pipeline.requests import GOOD, IncreaseRequest

_COLUMNS = ("quota", "current", "desired", "method", "$/month", "approval", "status", "id")


def _row(request: IncreaseRequest) -> list[str]:
    current = "unlimited" if request.current_limit is None else f"{request.current_limit:g}"
    return [
        request.label,
        current,
        f"{request.desired_limit:g}",
        str(request.method),
        f"{request.estimated_monthly_cost:,.2f}",
        request.approval,
        str(request.status),
        request.request_id,
    ]


def requests_table(
    requests: Sequence[IncreaseRequest], unresolved: Sequence[tuple[str, str]]
) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"{len(requests)} increase request(s)")
    for column in _COLUMNS:
        table.add_column(column)
    for request in requests:
        table.add_row(*_row(request))
    console.print(table)
    for request in requests:
        if request.message:
            console.print(f"{request.label}: {request.message}", highlight=False, soft_wrap=True)
    for kind, message in unresolved:
        console.print(f"[red]not requestable[/red] {kind}: {message}", highlight=False)


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def requests_github(
    requests: Sequence[IncreaseRequest],
    unresolved: Sequence[tuple[str, str]],
    summary_path: str | None = None,
) -> str:
    """One annotation per request (an error for what blocks), the table in the job summary."""
    lines = []
    for request in requests:
        level = "notice" if request.status in GOOD else "error"
        text = f"{request.label}: {request.status}" + (
            f" - {request.message}" if request.message else ""
        )
        lines.append(f"::{level} title=quota request::{_escape(text)}")
    for kind, message in unresolved:
        lines.append(f"::error title=quota {kind}::{_escape(message + ' (no request can fix it)')}")
    path = summary_path or os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        rows = ["| " + " | ".join(_COLUMNS) + " |", "|" + "---|" * len(_COLUMNS)]
        rows += ["| " + " | ".join(_row(r)) + " |" for r in requests]
        try:
            with Path(path).open("a", encoding="utf-8") as summary:
                summary.write("### Quota increase requests\n\n" + "\n".join(rows) + "\n\n")
        except OSError as error:
            raise InputError(
                f"can't append the job summary: {error.strerror or error}",
                path=path,
            ) from None
    return "\n".join(lines)

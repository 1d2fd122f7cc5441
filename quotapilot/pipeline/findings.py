"""The gate's verdict as the pipeline's input: ``quotapilot check --format json``'s report.

Only blocking ``exceeds`` and ``regression`` findings can be fixed by asking the cloud for more;
other blocking findings (a team's ledger allocation, an unknown in strict mode) are returned as
unresolved, so that ``request`` fails closed instead of letting a blocked plan through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quotapilot.domain import PROVIDERS, QuotaKey
from quotapilot.exceptions import InputError
from quotapilot.pipeline.documents import number, read_json, text

REQUESTABLE = ("exceeds", "regression")
_WHAT = "the JSON report of `quotapilot check --format json`"
#: The gate puts the GCP project into its gcloud command; a placeholder is not a project.
_PROJECT = re.compile(r"--project=([a-z][-a-z0-9]{4,28}[a-z0-9])\b")


@dataclass(frozen=True)
class Shortfall:
    """A quota the plan needs more of, and the limit that would let it through."""

    key: QuotaKey
    desired_limit: float
    current_limit: float | None
    usage: float | None = None
    demand: float | None = None
    kinds: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()


@dataclass
class CheckReport:
    passed: bool
    shortfalls: list[Shortfall] = field(default_factory=list)
    #: Blocking findings no quota request can fix, as (kind, message).
    unresolved: list[tuple[str, str]] = field(default_factory=list)


def read_check_report(path: str | Path, *, project: str = "") -> CheckReport:
    """Parse and validate the report; one Shortfall per quota (the largest desired limit)."""
    path = Path(path)
    document = read_json(path, _WHAT)
    if (
        not isinstance(document, dict)
        or not isinstance(document.get("passed"), bool)
        or not isinstance(document.get("findings"), list)
    ):
        raise InputError(f"not {_WHAT} (needs 'passed' and 'findings')", path=str(path))
    report = CheckReport(document["passed"])
    by_key: dict[QuotaKey, Shortfall] = {}
    for index, finding in enumerate(document["findings"]):
        where = {"path": str(path), "entry": f"findings[{index}]"}
        if not isinstance(finding, dict):
            raise InputError("a finding must be an object", **where)
        kind = text(finding.get("kind"), where, "kind")
        severity = text(finding.get("severity"), where, "severity")
        if severity != "block":
            continue
        message = str(finding.get("message") or kind)
        if kind not in REQUESTABLE or finding.get("desired_limit") is None:
            report.unresolved.append((kind, message))
            continue
        shortfall = _shortfall(finding, kind, message, where, project)
        earlier = by_key.get(shortfall.key)
        if earlier is not None:
            # Two findings about one quota (over capacity and behind load test): one request,
            # for the larger limit, since a cloud holds one open request per quota.
            shortfall = Shortfall(
                shortfall.key,
                max(earlier.desired_limit, shortfall.desired_limit),
                earlier.current_limit,
                earlier.usage,
                earlier.demand,
                earlier.kinds + shortfall.kinds,
                earlier.messages + shortfall.messages,
            )
        by_key[shortfall.key] = shortfall
    if not report.passed and not by_key and not report.unresolved:
        raise InputError("says the check did not pass but has no blocking finding", path=str(path))
    report.shortfalls = list(by_key.values())
    return report


def _shortfall(
    finding: dict[str, Any], kind: str, message: str, where: dict[str, str], project: str
) -> Shortfall:
    provider = finding.get("provider")
    if provider not in PROVIDERS:
        raise InputError(f"must be one of {', '.join(PROVIDERS)}", field="provider", **where)
    service = text(finding.get("service"), where, "service")
    code = text(finding.get("code"), where, "code")
    region = text(finding.get("region"), where, "region")
    account = finding.get("account") or ""
    if provider == "gcp" and not account:
        found = _PROJECT.search(str(finding.get("command") or ""))
        account = project or (found.group(1) if found else "")
        if not account:
            raise InputError(
                "a GCP finding needs its project: pass --project", field="command", **where
            )
    desired = number(finding.get("desired_limit"), where, "desired_limit")
    current = number(finding.get("limit"), where, "limit", optional=True)
    for name in ("usage", "demand"):
        number(finding.get(name), where, name, optional=True)
    return Shortfall(
        QuotaKey(provider, service, code, region, str(account)),
        desired,
        current,
        number(finding.get("usage"), where, "usage", optional=True),
        number(finding.get("demand"), where, "demand", optional=True),
        (kind,),
        (message,),
    )

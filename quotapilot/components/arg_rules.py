"""The rules :class:`~quotapilot.components.args.QuotaAutomationArgs` checks its fields by:
each returns None when a value is fine, else what it must be."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pulumi

from quotapilot import envvalues, wiring
from quotapilot.components.fan_out import FanOut

_RATE = re.compile(r"^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ACCOUNT = re.compile(r"^\d{12}$")
_RETENTIONS = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653}


def _schedule(value: Any) -> str | None:
    ok = isinstance(value, str) and _RATE.match(value)
    return None if ok else "an EventBridge rate(...) or cron(...) expression"


def _between(low: int, high: int) -> Callable[[Any], str | None]:
    def rule(value: Any) -> str | None:
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        return None if ok else f"between {low} and {high}"

    return rule


def _matching(check: Callable[[str], Any], what: str) -> Callable[[Any], str | None]:
    def rule(value: Any) -> str | None:
        return None if isinstance(value, str) and check(value) else f"{what} (got {value!r})"

    return rule


RULES: dict[str, Callable[[Any], str | None]] = {
    "environment": lambda v: (
        None
        if isinstance(v, str) and re.fullmatch(r"[a-z][a-z0-9-]{0,20}", v)
        else "lowercase letters, digits and dashes, <= 21"
    ),
    "schedule": _schedule,
    "regression_schedule": _schedule,
    "organization_id": _matching(
        lambda v: not v or re.fullmatch(envvalues.ORGANIZATION_ID, v), "an organisation id (o-...)"
    ),
    "member_role_name": _matching(
        lambda v: re.fullmatch(r"[\w+=,.@-]{1,64}", v), "an IAM role name"
    ),
    "approval_timeout_seconds": _between(300, 7 * 86_400),
    "regression_serving": lambda v: _source(v, allow_empty=False),
    "regression_baseline": lambda v: _source(v, allow_empty=True),
    "regression_baseline_snapshot": lambda v: (
        None if isinstance(v, str) and (not v or Path(v).is_file()) else "a snapshot file"
    ),
    "log_retention_days": lambda v: (
        None
        if isinstance(v, int) and not isinstance(v, bool) and v in _RETENTIONS
        else f"one of {sorted(_RETENTIONS)}"
    ),
    "audit_retention_days": lambda v: (
        None if isinstance(v, int) and v >= 365 else "at least 365: the audit trail is kept a year"
    ),
    "reserved_concurrency": _between(1, 50),
    "memory_mb": _between(128, 10_240),
}
#: Rules for each item of the list fields.
ITEM_RULES: dict[str, Callable[[Any], str | None]] = {
    "accounts": _matching(_ACCOUNT.match, "a 12-digit account id"),
    "regions": _matching(lambda v: re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", v), "a region"),
    "regression_watch": _matching(lambda v: v.startswith(("aws:", "gcp:")), "PROVIDER:..."),
    "alert_emails": _matching(_EMAIL.match, "an email address"),
    "alert_https_endpoints": _matching(lambda v: v.startswith("https://"), "an https:// URL"),
    "alert_sqs_queue_arns": _matching(lambda v: v.startswith("arn:aws:sqs:"), "an SQS queue ARN"),
    "approvers": _matching(lambda v: v.startswith("arn:aws:iam::"), "an IAM principal ARN"),
}


def _source(value: Any, *, allow_empty: bool) -> str | None:
    """A quota source the engine can open in Lambda: live AWS (this account, or a role in
    another), an S3 snapshot, or GCP."""
    if isinstance(value, str) and (
        (allow_empty and not value) or value == "aws" or value.startswith(("aws:", "s3://", "gcp:"))
    ):
        return None
    return "aws, aws:REGION;role=ARN, s3://BUCKET/KEY or gcp:PROJECT"


def problems(name: str, value: Any) -> list[tuple[str, str]]:
    """What is wrong with a field's known parts (outputs are checked when they resolve)."""
    if name == "code":
        return _code_problems(value)
    if name == "fan_out":
        ok = value is None or isinstance(value, FanOut)
        return [] if ok else [(name, "a FanOut (quotapilot.components.FanOut) or None")]
    if name in ITEM_RULES:
        if not isinstance(value, tuple | list):
            return [(name, "a list")]
        items = [v for v in value if not isinstance(v, pulumi.Output)]
        return [(name, why) for why in map(ITEM_RULES[name], items) if why]
    rule = RULES.get(name)
    why = rule(value) if rule and not isinstance(value, pulumi.Output) else None
    return [(name, why)] if why else []


def _code_problems(code: Any) -> list[tuple[str, str]]:
    if not isinstance(code, Mapping):
        return [("code", "a mapping of function name to zip path or archive")]
    return [
        ("code", f"keyed by {', '.join(wiring.ALL_FUNCTIONS)} (got {key!r})")
        for key in code
        if key not in wiring.ALL_FUNCTIONS
    ]

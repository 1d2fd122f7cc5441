"""Typed arguments of the automation stack, validated before anything is created.

Most fields take Pulumi inputs, so a caller can pass another resource's output (a queue's
ARN, an account id from a stack reference). Lists are plain tuples of inputs: the number of
subscriptions, accounts or approvers decides which resources exist, so it must be known at
preview. Known values are checked on construction; outputs are checked when they resolve,
with the same rule and the same message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pulumi

from quotapilot import wiring
from quotapilot.exceptions import ConfigurationError

_RATE = re.compile(r"^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ACCOUNT = re.compile(r"^\d{12}$")
_RETENTIONS = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653}


@dataclass(frozen=True)
class QuotaAutomationArgs:
    """How one environment's automation stack is tuned. Every field has a safe default."""

    #: Environment name (dev, loadtest, prod): tags, alarm names, the engine's audit records.
    environment: str = "dev"
    #: How often the engine collects, forecasts and acts (an EventBridge schedule expression).
    schedule: pulumi.Input[str] = "rate(5 minutes)"
    #: How often the load-test vs serving regression watch runs.
    regression_schedule: pulumi.Input[str] = "rate(1 hour)"
    #: Accounts to watch (the engine assumes ``member_role_name`` in each); empty: this one.
    accounts: tuple[pulumi.Input[str], ...] = ()
    #: Regions to watch; empty: the stack's region.
    regions: tuple[pulumi.Input[str], ...] = ()
    #: The role the engine assumes in member accounts.
    member_role_name: pulumi.Input[str] = "quotapilot-collector"
    #: Quotas the regression watch compares (``aws:SERVICE/CODE@REGION``).
    regression_watch: tuple[pulumi.Input[str], ...] = ()
    #: Where the regression watch reads the serving quotas: ``aws`` (this account).
    regression_serving: pulumi.Input[str] = "aws"
    #: Where it reads the load-test quotas: ``aws:REGION;role=ARN`` (a role in the load-test
    #: account), or ``s3://BUCKET/KEY`` (a snapshot).
    regression_baseline: pulumi.Input[str] = ""
    #: A local snapshot file of the load-test quotas, uploaded to the stack's artifacts bucket
    #: and read from there (instead of ``regression_baseline``).
    regression_baseline_snapshot: str = ""
    #: Email addresses subscribed to alerts (each confirms the subscription).
    alert_emails: tuple[pulumi.Input[str], ...] = ()
    #: HTTPS endpoints subscribed to alerts (chat webhooks, incident tools).
    alert_https_endpoints: tuple[pulumi.Input[str], ...] = ()
    #: SQS queue ARNs subscribed to alerts (raw message delivery).
    alert_sqs_queue_arns: tuple[pulumi.Input[str], ...] = ()
    #: IAM principal ARNs allowed to approve increases through the approval URL.
    approvers: tuple[pulumi.Input[str], ...] = ()
    #: How long an approval may wait before it is denied, in seconds.
    approval_timeout_seconds: pulumi.Input[int] = 86_400
    #: Log retention for every log group the stack creates, in days.
    log_retention_days: pulumi.Input[int] = 90
    #: Reserved concurrency per function: the engine must never starve the account.
    reserved_concurrency: pulumi.Input[int] = 2
    #: Lambda memory per function, MB.
    memory_mb: pulumi.Input[int] = 512
    #: Days the automation log (the audit trail) keeps records (at least a year).
    audit_retention_days: int = 400
    #: Prebuilt deployment packages by function (engine, events, approval), e.g. the zips
    #: `quotapilot package` builds; the others are built from the installed quotapilot.
    code: Mapping[str, str | pulumi.Input[pulumi.Archive]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = [
            (name, why)
            for spec in fields(self)
            for name, why in _problems(spec.name, getattr(self, spec.name))
        ]
        if self.regression_watch and not (
            self.regression_baseline or self.regression_baseline_snapshot
        ):
            # The watch would fail on every run: say so now, not at 3 a.m.
            problems.append(
                (
                    "regression_baseline",
                    "set (a load-test source or regression_baseline_snapshot) when "
                    "regression_watch lists quotas",
                )
            )
        if self.regression_baseline and self.regression_baseline_snapshot:
            problems.append(
                ("regression_baseline", "left empty when regression_baseline_snapshot is set")
            )
        if problems:
            field_name, why = problems[0]
            raise ConfigurationError(
                f"must be {why}",
                field=field_name,
                **({"also": len(problems) - 1} if len(problems) > 1 else {}),
            )

    def checked(self, name: str, value: pulumi.Input[Any] | None = None) -> pulumi.Input[Any]:
        """The field's value (or one item of a list field) ready to pass to a resource; an
        output is checked by the field's rule when it resolves."""
        value = getattr(self, name) if value is None else value
        if not isinstance(value, pulumi.Output):
            return value  # known values were checked on construction
        rule = _ITEM_RULES.get(name) or _RULES.get(name)

        def check(resolved: Any) -> Any:
            why = rule(resolved) if rule else None
            if why:
                raise ConfigurationError(f"must be {why}", field=name)
            return resolved

        return value.apply(check)


# Each rule returns None when the value is fine, else what it must be.
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


_RULES: dict[str, Callable[[Any], str | None]] = {
    "environment": lambda v: (
        None
        if isinstance(v, str) and re.fullmatch(r"[a-z][a-z0-9-]{0,20}", v)
        else "lowercase letters, digits and dashes, <= 21"
    ),
    "schedule": _schedule,
    "regression_schedule": _schedule,
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
_ITEM_RULES: dict[str, Callable[[Any], str | None]] = {
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


def _problems(name: str, value: Any) -> list[tuple[str, str]]:
    """What is wrong with a field's known parts (outputs are checked when they resolve)."""
    if name == "code":
        return _code_problems(value)
    if name in _ITEM_RULES:
        if not isinstance(value, tuple | list):
            return [(name, "a list")]
        items = [v for v in value if not isinstance(v, pulumi.Output)]
        return [(name, why) for why in map(_ITEM_RULES[name], items) if why]
    rule = _RULES.get(name)
    why = rule(value) if rule and not isinstance(value, pulumi.Output) else None
    return [(name, why)] if why else []


def _code_problems(code: Any) -> list[tuple[str, str]]:
    if not isinstance(code, Mapping):
        return [("code", "a mapping of function name to zip path or archive")]
    return [
        ("code", f"keyed by {', '.join(wiring.FUNCTIONS)} (got {key!r})")
        for key in code
        if key not in wiring.FUNCTIONS
    ]

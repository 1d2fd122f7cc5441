"""Typed arguments of the automation stack, validated before anything is created."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quotapilot.exceptions import ConfigurationError

_RATE = re.compile(r"^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class QuotaAutomationArgs:
    """How one environment's automation stack is tuned. Every field has a safe default."""

    #: Environment name (dev, loadtest, prod): tags, alarm names, the engine's audit records.
    environment: str = "dev"
    #: How often the engine collects, forecasts and acts (an EventBridge schedule expression).
    schedule: str = "rate(5 minutes)"
    #: How often the load-test vs serving regression watch runs.
    regression_schedule: str = "rate(1 hour)"
    #: Accounts to watch (the engine assumes ``member_role_name`` in each); empty: this one.
    accounts: tuple[str, ...] = ()
    #: Regions to watch; empty: the stack's region.
    regions: tuple[str, ...] = ()
    #: The role the engine assumes in member accounts.
    member_role_name: str = "quotapilot-collector"
    #: Quotas the regression watch compares (``aws:SERVICE/CODE@REGION``).
    regression_watch: tuple[str, ...] = ()
    #: Email addresses subscribed to alerts (each confirms the subscription).
    alert_emails: tuple[str, ...] = ()
    #: HTTPS endpoints subscribed to alerts (chat webhooks, incident tools).
    alert_https_endpoints: tuple[str, ...] = ()
    #: SQS queue ARNs subscribed to alerts (raw message delivery).
    alert_sqs_queue_arns: tuple[str, ...] = ()
    #: IAM principal ARNs allowed to approve increases through the approval URL.
    approvers: tuple[str, ...] = ()
    #: How long an approval may wait before it is denied, in seconds.
    approval_timeout_seconds: int = 86_400
    #: Log retention for every log group the stack creates, in days.
    log_retention_days: int = 90
    #: Reserved concurrency per function: the engine must never starve the account.
    reserved_concurrency: int = 2
    #: Lambda memory per function, MB.
    memory_mb: int = 512
    #: Days the automation log (the audit trail) keeps records (at least a year).
    audit_retention_days: int = 400
    #: Prebuilt deployment package (zip path) per function name, instead of building one.
    code: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = []
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,20}", self.environment):
            problems.append(("environment", "lowercase letters, digits and dashes, <= 21"))
        for name in ("schedule", "regression_schedule"):
            if not _RATE.match(getattr(self, name)):
                problems.append((name, "an EventBridge rate(...) or cron(...) expression"))
        for account in self.accounts:
            if not _ACCOUNT.match(account):
                problems.append(("accounts", f"{account!r} is not a 12-digit account id"))
        for email in self.alert_emails:
            if not _EMAIL.match(email):
                problems.append(("alert_emails", f"{email!r} is not an email address"))
        for url in self.alert_https_endpoints:
            if not url.startswith("https://"):
                problems.append(("alert_https_endpoints", f"{url!r} is not an https:// URL"))
        for arn in self.alert_sqs_queue_arns:
            if not arn.startswith("arn:aws:sqs:"):
                problems.append(("alert_sqs_queue_arns", f"{arn!r} is not an SQS queue ARN"))
        for approver in self.approvers:
            if not approver.startswith("arn:aws:iam::"):
                problems.append(("approvers", f"{approver!r} is not an IAM principal ARN"))
        if not 300 <= self.approval_timeout_seconds <= 7 * 86_400:
            problems.append(("approval_timeout_seconds", "between 300 and 604800"))
        if self.log_retention_days not in _RETENTIONS:
            problems.append(("log_retention_days", f"one of {sorted(_RETENTIONS)}"))
        if self.audit_retention_days < 365:
            problems.append(
                ("audit_retention_days", "at least 365: the audit trail is kept a year")
            )
        if not 1 <= self.reserved_concurrency <= 50:
            problems.append(("reserved_concurrency", "between 1 and 50"))
        if not 128 <= self.memory_mb <= 10_240:
            problems.append(("memory_mb", "between 128 and 10240"))
        if problems:
            field_name, why = problems[0]
            raise ConfigurationError(
                f"must be {why}",
                field=field_name,
                **({"also": len(problems) - 1} if len(problems) > 1 else {}),
            )


_RETENTIONS = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653}

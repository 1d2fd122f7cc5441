"""Typed arguments of the automation stack, validated before anything is created.

Most fields take Pulumi inputs, so a caller can pass another resource's output (a queue's
ARN, an account id from a stack reference). Lists are plain tuples of inputs: the number of
subscriptions, accounts or approvers decides which resources exist, so it must be known at
preview. Known values are checked on construction; outputs are checked when they resolve,
with the same rule and the same message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import pulumi

from quotapilot.components import arg_rules
from quotapilot.components.fan_out import FanOut
from quotapilot.exceptions import ConfigurationError

#: Alert subscriptions: protocol, and the field listing its endpoints.
_SUBSCRIPTION_FIELDS = (
    ("email", "alert_emails"),
    ("https", "alert_https_endpoints"),
    ("sqs", "alert_sqs_queue_arns"),
)


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
    #: Watch every active account of this AWS organisation (``o-...``) too, listed from AWS
    #: Organizations each run (the stack in the management or a delegated administrator
    #: account); the engine may then assume ``member_role_name`` in accounts of this
    #: organisation only (an ``aws:ResourceOrgID`` condition), not in any account.
    organization_id: str = ""
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
    #: Prebuilt deployment packages by function (engine, events, approval, collector), e.g. the zips
    #: `quotapilot package` builds; the others are built from the installed quotapilot.
    code: Mapping[str, str | pulumi.Input[pulumi.Archive]] = field(default_factory=dict)
    #: Run the cycle as a fan-out (:class:`FanOut`); None: one engine invocation walks every
    #: account and region (enough for a few dozen accounts).
    fan_out: FanOut | None = None

    def __post_init__(self) -> None:
        problems = [
            (name, why)
            for spec in fields(self)
            for name, why in arg_rules.problems(spec.name, getattr(self, spec.name))
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

    def alert_subscriptions(self) -> tuple[tuple[str, pulumi.Input[str]], ...]:
        """(protocol, endpoint) of every alert subscription, each checked."""
        return tuple(
            (protocol, self.checked(name, endpoint))
            for protocol, name in _SUBSCRIPTION_FIELDS
            for endpoint in getattr(self, name)
        )

    def checked(self, name: str, value: pulumi.Input[Any] | None = None) -> pulumi.Input[Any]:
        """The field's value (or one item of a list field) ready to pass to a resource; an
        output is checked by the field's rule when it resolves."""
        value = getattr(self, name) if value is None else value
        if not isinstance(value, pulumi.Output):
            return value  # known values were checked on construction
        rule = arg_rules.ITEM_RULES.get(name) or arg_rules.RULES.get(name)

        def check(resolved: Any) -> Any:
            why = rule(resolved) if rule else None
            if why:
                raise ConfigurationError(f"must be {why}", field=name)
            return resolved

        return value.apply(check)

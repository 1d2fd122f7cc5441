"""The components as a Pulumi plugin for other languages (``components/``).

The component provider host infers the schema from type annotations, and wants a TypedDict
for ``args`` and annotated outputs, so these thin subclasses adapt the library components
(same type tokens) to that shape: QuotaAutomation here, QuotaRequests in
``plugin_requests.py``, the member role and its StackSet in ``plugin_members.py``. Input
descriptions are the docstrings, which repeat the argument docs of the library's dataclasses
word for word (a test holds them equal: the host reads them from the adapters' source).
Inputs that flow into resources are ``pulumi.Input``, so a TypeScript caller can pass
``queue.arn``; list lengths stay plain, because they decide which resources exist. (No
``from __future__ import annotations`` here: the analyzer reads the annotations as types.)
"""

from typing import NotRequired, TypedDict

import pulumi

from quotapilot.components import automation
from quotapilot.components.args import QuotaAutomationArgs
from quotapilot.components.fan_out import FanOut
from quotapilot.components.plugin_members import QuotaMemberRole, QuotaMemberRoleStackSet
from quotapilot.components.plugin_requests import QuotaRequests


class FanOutInput(TypedDict):
    """The fan-out cycle: a Distributed Map runs the collector over batches of shards."""

    max_concurrency: NotRequired[int]
    """Collector invocations at once (the Map's MaxConcurrency)."""
    batch_size: NotRequired[int]
    """Shards per collector invocation (the Map's MaxItemsPerBatch)."""
    tolerated_failure_percentage: NotRequired[int]
    """Percent of batches that may still fail after their retries before the run fails."""
    retries: NotRequired[int]
    """Further tries of a failed batch."""
    collector_memory_mb: NotRequired[int]
    """The collector's memory, MB."""
    collector_timeout_seconds: NotRequired[int]
    """The collector's timeout per batch, in seconds."""


class QuotaAutomationInputs(TypedDict):
    """Inputs of QuotaAutomation; every one is optional (see QuotaAutomationArgs)."""

    environment: NotRequired[str]
    """Environment name (dev, loadtest, prod): tags, alarm names, the engine's audit records."""
    schedule: NotRequired[pulumi.Input[str]]
    """How often the engine collects, forecasts and acts (an EventBridge schedule expression)."""
    regression_schedule: NotRequired[pulumi.Input[str]]
    """How often the load-test vs serving regression watch runs."""
    accounts: NotRequired[list[pulumi.Input[str]]]
    """Accounts to watch (the engine assumes ``member_role_name`` in each); empty: this one."""
    regions: NotRequired[list[pulumi.Input[str]]]
    """Regions to watch; empty: the stack's region."""
    member_role_name: NotRequired[pulumi.Input[str]]
    """The role the engine assumes in member accounts."""
    organization_id: NotRequired[str]
    """Watch every active account of this AWS organisation (``o-...``) too, listed from AWS Organizations each run (the stack in the management or a delegated administrator account); the engine may then assume ``member_role_name`` in accounts of this organisation only (an ``aws:ResourceOrgID`` condition), not in any account."""  # noqa: E501
    regression_watch: NotRequired[list[pulumi.Input[str]]]
    """Quotas the regression watch compares (``aws:SERVICE/CODE@REGION``)."""
    regression_serving: NotRequired[pulumi.Input[str]]
    """Where the regression watch reads the serving quotas: ``aws`` (this account)."""
    regression_baseline: NotRequired[pulumi.Input[str]]
    """Where it reads the load-test quotas: ``aws:REGION;role=ARN`` (a role in the load-test account), or ``s3://BUCKET/KEY`` (a snapshot)."""  # noqa: E501
    regression_baseline_snapshot: NotRequired[str]
    """A local snapshot file of the load-test quotas, uploaded to the stack's artifacts bucket and read from there (instead of ``regression_baseline``)."""  # noqa: E501
    alert_emails: NotRequired[list[pulumi.Input[str]]]
    """Email addresses subscribed to alerts (each confirms the subscription)."""
    alert_https_endpoints: NotRequired[list[pulumi.Input[str]]]
    """HTTPS endpoints subscribed to alerts (chat webhooks, incident tools)."""
    alert_sqs_queue_arns: NotRequired[list[pulumi.Input[str]]]
    """SQS queue ARNs subscribed to alerts (raw message delivery)."""
    approvers: NotRequired[list[pulumi.Input[str]]]
    """IAM principal ARNs allowed to approve increases through the approval URL."""
    approval_timeout_seconds: NotRequired[pulumi.Input[int]]
    """How long an approval may wait before it is denied, in seconds."""
    log_retention_days: NotRequired[pulumi.Input[int]]
    """Log retention for every log group the stack creates, in days."""
    reserved_concurrency: NotRequired[pulumi.Input[int]]
    """Reserved concurrency per function: the engine must never starve the account."""
    memory_mb: NotRequired[pulumi.Input[int]]
    """Lambda memory per function, MB."""
    audit_retention_days: NotRequired[int]
    """Days the automation log (the audit trail) keeps records (at least a year)."""
    code: NotRequired[dict[str, pulumi.Input[pulumi.Archive]]]
    """Prebuilt deployment packages by function (engine, events, approval, collector), e.g. the zips `quotapilot package` builds; the others are built from the installed quotapilot."""  # noqa: E501
    fan_out: NotRequired[FanOutInput]
    """Run the cycle as a fan-out (:class:`FanOut`); None: one engine invocation walks every account and region (enough for a few dozen accounts)."""  # noqa: E501


class QuotaAutomation(automation.QuotaAutomation):
    """One environment's quota automation stack."""

    alerts_topic_arn: pulumi.Output[str]
    """The alerts topic: subscribe more endpoints to it."""
    events_topic_arn: pulumi.Output[str]
    """The topic the engine publishes its decisions and actions to."""
    bus_name: pulumi.Output[str]
    """The EventBridge bus that carries quotapilot's events."""
    state_machine_arn: pulumi.Output[str]
    """The approval workflow."""
    approval_url: pulumi.Output[str]
    """The approval function's IAM-authenticated URL, for approvers."""
    dashboard_url: pulumi.Output[str]
    """The CloudWatch dashboard."""
    engine_role_name: pulumi.Output[str]
    """What member accounts trust (QuotaMemberRole's ``engineRoleName``)."""
    collector_role_name: pulumi.Output[str]
    """With the fan-out cycle, what member accounts trust too; empty without it."""
    cycle_state_machine_arn: pulumi.Output[str]
    """The fan-out cycle's state machine; empty without it."""

    def __init__(
        self, name: str, args: QuotaAutomationInputs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        given = {k: tuple(v) if isinstance(v, list) else v for k, v in dict(args or {}).items()}
        if given.get("fan_out") is not None:
            given["fan_out"] = FanOut(**given["fan_out"])
        super().__init__(name, QuotaAutomationArgs(**given), opts)
        self.alerts_topic_arn = self.alerts_topic.arn
        self.events_topic_arn = self.events_topic.arn
        self.bus_name = self.bus.name
        self.state_machine_arn = self.state_machine.arn
        self.approval_url = self.approval_url_resource.function_url
        self.dashboard_url = self.dashboard_url
        # Outputs are always set for other languages: empty where the stack has none.
        self.collector_role_name = pulumi.Output.from_input(self.collector_role_name or "")
        cycle = self.cycle_state_machine
        self.cycle_state_machine_arn = cycle.arn if cycle else pulumi.Output.from_input("")


COMPONENTS = [QuotaAutomation, QuotaRequests, QuotaMemberRole, QuotaMemberRoleStackSet]

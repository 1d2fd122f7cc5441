"""The components as a Pulumi plugin for other languages (``components/``).

The component provider host infers the schema from type annotations, and wants a TypedDict
for ``args`` and annotated outputs, so these thin subclasses adapt the library components
(same type tokens) to that shape. (No `from __future__ import annotations` here: the
analyzer reads the annotations as types, not strings.)
"""

from typing import NotRequired, TypedDict

import pulumi

from quotapilot.components import automation, requests
from quotapilot.components.args import QuotaAutomationArgs


class QuotaAutomationInputs(TypedDict):
    """Inputs of QuotaAutomation; every one is optional (see QuotaAutomationArgs)."""

    environment: NotRequired[str]
    schedule: NotRequired[str]
    regression_schedule: NotRequired[str]
    accounts: NotRequired[list[str]]
    regions: NotRequired[list[str]]
    member_role_name: NotRequired[str]
    regression_watch: NotRequired[list[str]]
    alert_emails: NotRequired[list[str]]
    alert_https_endpoints: NotRequired[list[str]]
    alert_sqs_queue_arns: NotRequired[list[str]]
    approvers: NotRequired[list[str]]
    approval_timeout_seconds: NotRequired[int]
    log_retention_days: NotRequired[int]
    reserved_concurrency: NotRequired[int]
    memory_mb: NotRequired[int]
    audit_retention_days: NotRequired[int]


class QuotaAutomation(automation.QuotaAutomation):
    """One environment's quota automation stack."""

    alerts_topic_arn: pulumi.Output[str]
    events_topic_arn: pulumi.Output[str]
    bus_name: pulumi.Output[str]
    state_machine_arn: pulumi.Output[str]
    approval_url: pulumi.Output[str]
    dashboard_url: pulumi.Output[str]

    def __init__(
        self, name: str, args: QuotaAutomationInputs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        given = {k: tuple(v) if isinstance(v, list) else v for k, v in dict(args or {}).items()}
        super().__init__(name, QuotaAutomationArgs(**given), opts)
        self.alerts_topic_arn = self.alerts_topic.arn
        self.events_topic_arn = self.events_topic.arn
        self.bus_name = self.bus.name
        self.state_machine_arn = self.state_machine.arn
        self.approval_url = self.approval_url_resource.function_url
        self.dashboard_url = self.dashboard_url


class SeasonInput(TypedDict):
    """Every year from start to end (MM-DD, inclusive), the quota is held at value."""

    start: str
    end: str
    value: float


class QuotaLevelInput(TypedDict):
    provider: str
    service: str
    code: str
    value: float
    region: NotRequired[str]
    seasons: NotRequired[list[SeasonInput]]
    lead_time_days: NotRequired[float]


class QuotaRequestsInputs(TypedDict):
    """Quota levels to request, and optional parity with the load-test levels."""

    levels: list[QuotaLevelInput]
    parity_with: NotRequired[list[QuotaLevelInput]]
    gcp_project: NotRequired[str]
    gcp_contact_email: NotRequired[str]
    aws_auto_management: NotRequired[str]
    gcp_quota_adjuster: NotRequired[bool]


class QuotaRequests(requests.QuotaRequests):
    """Quota levels for one environment, as the providers' own resources."""

    def __init__(
        self, name: str, args: QuotaRequestsInputs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        given = dict(args)

        def levels(key: str) -> tuple[requests.QuotaLevel, ...]:
            return tuple(
                requests.QuotaLevel(
                    **{
                        **level,
                        "seasons": tuple(requests.Season(**x) for x in level.get("seasons") or ()),
                    }
                )
                for level in given.pop(key, []) or []
            )

        super().__init__(
            name,
            requests.QuotaRequestsArgs(
                levels=levels("levels"), parity_with=levels("parity_with"), **given
            ),
            opts,
        )


COMPONENTS = [QuotaAutomation, QuotaRequests]

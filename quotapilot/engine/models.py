"""Pydantic models (Powertools parser) for everything that enters a Lambda function.

:func:`parse_event` is the event processor's boundary: it accepts quotapilot's own detail
types and Service Quotas' threshold-breach Health events, and turns anything else into an
:class:`~quotapilot.engine.exceptions.EventValidationError` that says what is wrong.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any, Literal

from aws_lambda_powertools.utilities.parser import BaseModel
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from quotapilot import wiring
from quotapilot.domain import QuotaKey
from quotapilot.engine.exceptions import MalformedEventError, UnknownEventError

Name = Annotated[
    str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]*$")
]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuotaRef(Strict):
    """A quota as events name it."""

    service: Name
    code: Name
    region: Name = "global"
    account: Annotated[str, Field(pattern=r"^(\d{12})?$")] = ""

    def key(self) -> QuotaKey:
        return QuotaKey("aws", self.service, self.code, self.region, self.account)


class Measured(QuotaRef):
    usage: Amount
    limit: Amount | None = None  # None: unlimited


class ThresholdExceeded(Measured):
    threshold: Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)] | None = None


class UsageSpike(Measured):
    #: The recent baseline the spike is measured against; default: the stored series.
    baseline: Amount | None = None


class PredictionAlert(Measured):
    predicted_utilization: Annotated[float, Field(ge=0, le=100_000, allow_inf_nan=False)]
    confidence: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
    horizon_hours: Annotated[float, Field(gt=0, le=24 * 366, allow_inf_nan=False)] = 168.0


class InfrastructureScaling(QuotaRef):
    direction: Literal["up", "down"] = "up"
    factor: Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)]
    #: Extra services whose quotas scale with this one (added to the built-in dependencies).
    dependent_services: list[Name] = Field(default_factory=list, max_length=50)


class DisasterRecovery(Strict):
    type: Literal["failover", "failback"]
    primary_region: Name
    target_region: Name
    account: Annotated[str, Field(pattern=r"^(\d{12})?$")] = ""

    @model_validator(mode="after")
    def _different_regions(self) -> DisasterRecovery:
        if self.primary_region == self.target_region:
            raise ValueError("primary_region and target_region must differ")
        return self


class CostOptimization(Strict):
    account: Annotated[str, Field(pattern=r"^(\d{12})?$")] = ""
    region: Name | None = None
    #: A quota is "far above" its use when peak usage is below this share of the limit.
    max_peak_share: Annotated[float, Field(gt=0, lt=1, allow_inf_nan=False)] = 0.25


DETAILS: dict[str, type[BaseModel]] = {
    wiring.DETAIL_THRESHOLD_EXCEEDED: ThresholdExceeded,
    wiring.DETAIL_USAGE_SPIKE: UsageSpike,
    wiring.DETAIL_PREDICTION_ALERT: PredictionAlert,
    wiring.DETAIL_INFRASTRUCTURE_SCALING: InfrastructureScaling,
    wiring.DETAIL_DISASTER_RECOVERY: DisasterRecovery,
    wiring.DETAIL_COST_OPTIMIZATION: CostOptimization,
}


class HealthDetail(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    eventTypeCode: Literal["AWS_SERVICEQUOTAS_THRESHOLD_BREACH"]
    service: str = "SERVICEQUOTAS"
    eventRegion: str | None = None


class Breach(Strict):
    """One quota of a Service Quotas threshold-breach event ("Service: x | Quota Name: y |
    Utilization: 80.0%")."""

    service: str
    quota_name: str
    utilization: float

    @classmethod
    def from_resource(cls, text: str) -> Breach:
        parts = dict(
            (name.strip().lower(), value.strip())
            for name, _, value in (part.partition(":") for part in text.split("|"))
        )
        utilization = float(parts.get("utilization", "").rstrip("%"))
        if not math.isfinite(utilization) or utilization < 0:
            raise ValueError(f"bad utilization in {text!r}")
        return cls(
            service=parts["service"], quota_name=parts["quota name"], utilization=utilization
        )


class QuotaEvent(BaseModel):
    """A validated event: its envelope and its typed detail."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    id: str
    detail_type: str
    account: str
    region: str
    detail: Any
    breaches: tuple[Breach, ...] = ()


def _explain(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item["loc"]) or "event"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def parse_event(raw: Any) -> QuotaEvent:
    """Validate an EventBridge event; raise EventValidationError saying what is wrong."""
    if not isinstance(raw, dict):
        raise MalformedEventError(f"an event must be a JSON object, got {type(raw).__name__}")
    try:
        envelope = EventBridgeModel.model_validate(raw)
    except ValidationError as error:
        raise MalformedEventError(
            f"not an EventBridge event: {_explain(error)}", event_id=_id(raw)
        ) from None
    where = {"event_id": envelope.id, "detail_type": envelope.detail_type}
    if (
        envelope.source == wiring.SERVICE_QUOTAS_EVENT_SOURCE
        and envelope.detail_type == wiring.SERVICE_QUOTAS_DETAIL_TYPE
    ):
        try:
            HealthDetail.model_validate(envelope.detail)
            breaches = tuple(Breach.from_resource(r) for r in envelope.resources)
        except (ValidationError, ValueError, KeyError) as error:
            text = _explain(error) if isinstance(error, ValidationError) else str(error)
            raise MalformedEventError(
                f"not a Service Quotas threshold breach: {text}", **where
            ) from None
        if not breaches:
            raise MalformedEventError(
                "a threshold breach event names no quota in resources", **where
            )
        return QuotaEvent(
            id=envelope.id,
            detail_type=envelope.detail_type,
            account=envelope.account,
            region=envelope.region,
            detail=None,
            breaches=breaches,
        )
    if envelope.source != wiring.EVENT_SOURCE:
        raise UnknownEventError(f"unknown event source {envelope.source!r}", **where)
    model = DETAILS.get(envelope.detail_type)
    if model is None:
        known = ", ".join(sorted(DETAILS))
        raise UnknownEventError(f"unknown detail type; expected one of: {known}", **where)
    try:
        detail = model.model_validate(envelope.detail)
    except ValidationError as error:
        raise MalformedEventError(f"invalid detail: {_explain(error)}", **where) from None
    return QuotaEvent(
        id=envelope.id,
        detail_type=envelope.detail_type,
        account=envelope.account,
        region=envelope.region,
        detail=detail,
    )


def _id(raw: dict[str, Any]) -> str | None:
    value = raw.get("id")
    return value if isinstance(value, str) else None


# --- the engine and approval functions' own inputs -------------------------------------------


class IncreaseRequestModel(Strict):
    """The approval state machine's input (see
    :class:`quotapilot.engine.approval.request.IncreaseRequest`)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    request_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,80}$")]
    key: QuotaRef
    current_limit: Amount
    desired_limit: Amount
    reason: str = ""
    estimated_monthly_cost: Amount = 0.0
    requested_by: str = ""
    approval: dict[str, Any] | None = None

    @field_validator("key", mode="before")
    @classmethod
    def _drop_provider(cls, value: Any) -> Any:
        if isinstance(value, dict) and value.get("provider", "aws") == "aws":
            return {k: v for k, v in value.items() if k != "provider"}
        return value

    @model_validator(mode="after")
    def _an_increase(self) -> IncreaseRequestModel:
        if self.desired_limit <= self.current_limit:
            raise ValueError("desired_limit must be above current_limit")
        return self


class ApprovalRequestInput(Strict):
    action: Literal["request"]
    task_token: Annotated[str, Field(min_length=1, max_length=1024)]
    request: IncreaseRequestModel


class DecideBody(Strict):
    action: Literal["decide"]
    request_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,80}$")]
    decision: Literal["approve", "deny"]
    comment: Annotated[str, Field(max_length=1000)] = ""


class ExecuteIncreaseInput(Strict):
    action: Literal["execute_increase"]
    request: IncreaseRequestModel


class EngineInput(BaseModel):
    """The engine function's event: one of its actions, always named. The schedules send
    ``{"action": "cycle"}`` and ``{"action": "regression_watch"}`` (their targets' input), the
    approval workflow ``execute_increase``; anything else (an empty or foreign event, an SNS
    envelope, a bare EventBridge event) is refused rather than taken for a cycle."""

    model_config = ConfigDict(extra="allow")

    action: Literal["cycle", "regression_watch", "execute_increase", "list_shards", "decide"]


class ShardModel(Strict):
    account: Annotated[str, Field(pattern=r"^(\d{12})?$")] = ""
    role_arn: Annotated[str, Field(max_length=2048)] = ""
    region: Annotated[str, Field(pattern=r"^([a-z]{2}(-[a-z]+)+-\d|global)?$")] = ""


class RunStep(Strict):
    """A fan-out cycle's step after list_shards: the run and the moment it decides for."""

    action: Literal["decide", "collect"]
    run_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,80}$")]
    now: datetime


class CollectInput(RunStep):
    """The Map's batch: ``shards`` are the batch's items."""

    action: Literal["collect"]
    shards: Annotated[list[ShardModel], Field(min_length=1, max_length=1000)]

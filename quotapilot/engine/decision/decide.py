"""The engine's decision: what to do about one quota, given what was seen. Pure: no I/O, no
clock (the caller passes ``now``), so it is table-tested and shared by the Lambda cycle and
``quotapilot simulate``.

The reference design's semantics, made safe:

* the band (warning/critical/emergency) comes from current utilization; a forecaster that
  estimates the probability of exhaustion raises it to at least critical when its alarm is
  up (exhaustion within the horizon is probable: see ``engine.decision.alarm``), and to at least
  warning when its warning alarm is (crossing the warning threshold within the horizon is);
  its point forecast is only reported. Situations without such a verdict (events, simple
  forecasters) take the band from the larger of current and predicted utilization, as
  before. The automation level maps each band to an action (see ``_LADDER``);
* outside business hours a ``business_hours_only`` rule acts only in the emergency band, and
  then only as far as its level allows (the reference raised an emergency increase even for
  monitor-only rules);
* an increase is sized emergency x2, automatic x the rule's multiplier, pre-emptive x1.2,
  rounded up, capped by the rule's maximum and the quota's hard limit; it is never a decrease
  (a capped increase that doesn't raise the limit falls back to the band's alert);
* no increase for a non-adjustable quota or while a request is open: the band's alert instead;
* an estimated monthly cost above the rule's threshold, OR a rule that requires approval,
  sends the increase to human approval (the reference needed both).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from quotapilot.domain import QuotaKey, utilization
from quotapilot.engine.rules import AutomationLevel, Rule


class Action(enum.StrEnum):
    ALERT_WARNING = "alert_warning"
    ALERT_CRITICAL = "alert_critical"
    ALERT_EMERGENCY = "alert_emergency"
    REQUEST_INCREASE = "request_increase"
    AUTO_INCREASE = "auto_increase"
    EMERGENCY_INCREASE = "emergency_increase"
    PREEMPTIVE_INCREASE = "preemptive_increase"
    APPROVAL_REQUESTED = "approval_requested"

    @property
    def is_increase(self) -> bool:
        return self in _INCREASES

    @property
    def is_alert(self) -> bool:
        return self.value.startswith("alert_")


_INCREASES = frozenset(
    {
        Action.REQUEST_INCREASE,
        Action.AUTO_INCREASE,
        Action.EMERGENCY_INCREASE,
        Action.PREEMPTIVE_INCREASE,
        Action.APPROVAL_REQUESTED,
    }
)


class Band(enum.StrEnum):
    WARNING = "warning"
    CRITICAL = "critical"
    EMERGENCY = "emergency"


_RANK = {None: 0, Band.WARNING: 1, Band.CRITICAL: 2, Band.EMERGENCY: 3}
_ALERT = {
    Band.WARNING: Action.ALERT_WARNING,
    Band.CRITICAL: Action.ALERT_CRITICAL,
    Band.EMERGENCY: Action.ALERT_EMERGENCY,
}
_L = AutomationLevel
#: Level x band -> action. monitor_only never acts.
_LADDER: dict[AutomationLevel, dict[Band, Action]] = {
    _L.ALERT_ONLY: dict(_ALERT),
    _L.AUTO_REQUEST: {
        Band.WARNING: Action.ALERT_WARNING,
        Band.CRITICAL: Action.REQUEST_INCREASE,
        Band.EMERGENCY: Action.REQUEST_INCREASE,
    },
    _L.AUTO_APPROVE: {
        Band.WARNING: Action.ALERT_WARNING,
        Band.CRITICAL: Action.AUTO_INCREASE,
        Band.EMERGENCY: Action.EMERGENCY_INCREASE,
    },
    _L.FULL_AUTO: {
        Band.WARNING: Action.PREEMPTIVE_INCREASE,
        Band.CRITICAL: Action.AUTO_INCREASE,
        Band.EMERGENCY: Action.EMERGENCY_INCREASE,
    },
}
EMERGENCY_FACTOR = 2.0
PREEMPTIVE_FACTOR = 1.2
#: USD per month for one more unit, by service, when the rule gives none (rough on purpose:
#: it only decides whether a human looks first).
DEFAULT_UNIT_MONTHLY_COST = {"ec2": 72.0, "rds": 144.0, "lambda": 0.0, "s3": 0.0}
FALLBACK_UNIT_MONTHLY_COST = 7.2


@dataclass(frozen=True)
class Situation:
    """What the engine knows about one quota at one moment."""

    key: QuotaKey
    usage: float
    limit: float | None  # None: unlimited
    predicted: float | None = None  # predicted usage at the rule's horizon
    adjustable: bool | None = None  # None: not known (treated as adjustable)
    open_request: bool = False  # a PENDING or CASE_OPENED request exists for the quota
    #: The forecast alarm (exhaustion within the horizon is probable, confirmed): True/False;
    #: None when no forecaster estimated a probability (``predicted`` then sets the band).
    forecast_alarm: bool | None = None
    #: The forecast's warning alarm (crossing the rule's warning threshold within the horizon
    #: is probable, confirmed); None or False: only the current utilization warns.
    forecast_warning: bool | None = None


@dataclass(frozen=True)
class Decision:
    key: QuotaKey
    action: Action
    band: Band
    utilization: float
    predicted_utilization: float
    limit: float
    new_limit: float | None  # the limit to ask for (increases only)
    reason: str
    estimated_monthly_cost: float = 0.0


def is_business_hours(now: datetime) -> bool:
    """Monday to Friday, 09:00-18:00 UTC."""
    now = now.astimezone(UTC) if now.tzinfo else now
    return now.weekday() < 5 and 9 <= now.hour < 18


def band_for(rule: Rule, percent: float) -> Band | None:
    if percent >= rule.threshold_emergency:
        return Band.EMERGENCY
    if percent >= rule.threshold_critical:
        return Band.CRITICAL
    if percent >= rule.threshold_warning:
        return Band.WARNING
    return None


def size_increase(rule: Rule, action: Action, band: Band, limit: float) -> float:
    """The limit to ask for: multiplied, rounded up, capped; may equal ``limit`` when capped."""
    if action is Action.EMERGENCY_INCREASE:
        factor = EMERGENCY_FACTOR
    elif action is Action.PREEMPTIVE_INCREASE:
        factor = PREEMPTIVE_FACTOR
    elif action is Action.REQUEST_INCREASE and band is Band.EMERGENCY:
        factor = EMERGENCY_FACTOR
    else:
        factor = rule.auto_increase_multiplier
    wanted = math.ceil(limit * factor)
    if wanted <= limit:  # a tiny limit (0) still needs to grow
        wanted = math.floor(limit) + 1
    cap = rule.max_auto_increase
    if rule.hard_limit is not None:
        cap = min(cap, rule.hard_limit)
    return max(limit, min(float(wanted), cap))


def estimate_monthly_cost(rule: Rule, increase: float) -> float:
    unit = rule.unit_monthly_cost
    if unit is None:
        unit = DEFAULT_UNIT_MONTHLY_COST.get(rule.service, FALLBACK_UNIT_MONTHLY_COST)
    return max(0.0, increase) * unit


def decide(rule: Rule, seen: Situation, now: datetime) -> Decision | None:
    """The action for one quota, or None when there is nothing to do."""
    if seen.limit is None or rule.automation_level is AutomationLevel.MONITOR_ONLY:
        return None
    current = utilization(seen.usage, seen.limit)
    predicted = utilization(seen.predicted, seen.limit) if seen.predicted is not None else current
    if seen.forecast_alarm is None:
        band = band_for(rule, max(current, predicted))
    else:
        band = band_for(rule, current)
        if seen.forecast_alarm and _RANK[band] < _RANK[Band.CRITICAL]:
            band = Band.CRITICAL
        elif seen.forecast_warning and _RANK[band] < _RANK[Band.WARNING]:
            band = Band.WARNING
    if band is None:
        return None
    reasons = [f"utilization {current:.1f}% (predicted {predicted:.1f}%) is in the {band} band"]
    if seen.forecast_alarm:
        reasons.append("the forecast makes exhaustion within the horizon probable")
    elif seen.forecast_warning:
        reasons.append(
            "the forecast makes crossing the warning threshold within the horizon probable"
        )
    if rule.business_hours_only and not is_business_hours(now):
        if band is not Band.EMERGENCY:
            return None
        reasons.append("outside business hours: emergency override")
    action = _LADDER[rule.automation_level][band]

    def made(act: Action, new_limit: float | None = None, cost: float = 0.0) -> Decision:
        return Decision(
            seen.key, act, band, current, predicted, seen.limit, new_limit, "; ".join(reasons), cost
        )

    if not action.is_increase:
        return made(action)
    if seen.adjustable is False:
        reasons.append("no increase: the quota is not adjustable")
        return made(_ALERT[band])
    if seen.open_request:
        reasons.append("no increase: a request for this quota is already open")
        return made(_ALERT[band])
    new_limit = size_increase(rule, action, band, seen.limit)
    if new_limit <= seen.limit:
        reasons.append(f"no increase: capped at {new_limit:g}, not above the current limit")
        return made(_ALERT[band])
    cost = estimate_monthly_cost(rule, new_limit - seen.limit)
    reasons.append(f"{action}: {seen.limit:g} -> {new_limit:g} (about ${cost:,.0f}/month)")
    if rule.approval_required or cost > rule.cost_threshold:
        why = (
            "the rule requires approval"
            if rule.approval_required
            else (f"cost above the ${rule.cost_threshold:,.0f} threshold")
        )
        reasons.append(f"sent to approval: {why}")
        return made(Action.APPROVAL_REQUESTED, new_limit, cost)
    return made(action, new_limit, cost)

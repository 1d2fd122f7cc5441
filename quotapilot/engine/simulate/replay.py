"""Replaying a usage history through the engine's forecasting and decision code, with no
cloud: what ``quotapilot simulate`` reports.

Per quota, every point is decided as the cycle would decide it then: the forecaster sees the
history up to that point (the same rolling window the engine keeps) with the engine's horizon
for the quota, the forecast alarm keeps its hysteresis from point to point, the decision sees
the limit in force. An increase is granted from the next point on; an approval request stays
open (no further increases for the quota) because its outcome is a person's. Alerts repeat
only after the rule's cooldown, as the engine's do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from quotapilot.domain import QuotaKey
from quotapilot.engine.collect.store import retained
from quotapilot.engine.decision.alarm import AlarmState, observe
from quotapilot.engine.decision.decide import Action, Decision, Situation, decide
from quotapilot.engine.rules import Rule, rule_for
from quotapilot.forecast.base import Forecast, Forecaster, Series
from quotapilot.increase_paths import warns_early


@dataclass(frozen=True)
class Point:
    at: datetime
    usage: float
    limit: float | None


@dataclass(frozen=True)
class Replayed:
    at: datetime
    decision: Decision
    forecast: Forecast


@dataclass
class QuotaReplay:
    key: QuotaKey
    rule: Rule | None
    points: list[Point]
    limits: list[float | None]  # the limit in force at each point (granted increases included)
    forecasts: list[Forecast]
    decisions: list[Replayed]


def replay(
    history: dict[QuotaKey, Sequence[Point]], rules: list[Rule], forecaster: Forecaster
) -> list[QuotaReplay]:
    out = []
    for key in sorted(history):
        points = sorted(history[key], key=lambda p: p.at)
        rule = rule_for(rules, key)
        if rule is None:
            out.append(QuotaReplay(key, None, points, [p.limit for p in points], [], []))
            continue
        out.append(_replay_one(key, rule, points, forecaster))
    return out


def _replay_one(
    key: QuotaKey, rule: Rule, points: list[Point], forecaster: Forecaster
) -> QuotaReplay:
    times = [p.at.timestamp() for p in points]
    values = [p.usage for p in points]
    # What the engine would have had at each point: what its store keeps (the last week as
    # collected, the month before it hourly), and the warning level when it warns early.
    early = warns_early(key, None, rule.increase_path)
    prefixes = []
    for i, p in enumerate(points):
        kept_times, kept_values = retained(times[: i + 1], values[: i + 1])
        warning = p.limit * rule.threshold_warning / 100.0 if early and p.limit else None
        prefixes.append(Series(key, kept_times, kept_values, p.limit, warning))
    # exactly the engine's horizon (the CSV doesn't say whether a quota is adjustable: the
    # service's increase path decides, as it does in the engine when the cloud doesn't say)
    horizon = rule.horizon_hours(key) * 3600.0
    forecasts = forecaster.forecast(prefixes, horizon)
    alarm = AlarmState()
    granted: float | None = None
    request_open = False
    last_alert: dict[Action, datetime] = {}
    cooldown = timedelta(minutes=rule.alert_cooldown_minutes)
    limits: list[float | None] = []
    decisions: list[Replayed] = []
    for point, forecast in zip(points, forecasts, strict=True):
        limit = point.limit
        if limit is not None and granted is not None and granted > limit:
            limit = granted
        limits.append(limit)
        chance = forecast.exhaustion_probability
        alarm = observe(alarm, forecast, point.at.timestamp())
        seen = Situation(
            key,
            point.usage,
            limit,
            forecast.predicted,
            None,
            request_open,
            forecast_alarm=None if chance is None else alarm.raised,
            forecast_warning=alarm.warned,
        )
        decision = decide(rule, seen, point.at)
        if decision is None:
            continue
        if decision.action.is_alert:
            previous = last_alert.get(decision.action)
            if previous is not None and point.at - previous < cooldown:
                continue
            last_alert[decision.action] = point.at
        elif decision.action is Action.APPROVAL_REQUESTED:
            request_open = True
        elif decision.new_limit is not None:
            granted = decision.new_limit
        decisions.append(Replayed(point.at, decision, forecast))
    return QuotaReplay(key, rule, points, limits, forecasts, decisions)


def _finite(value: float) -> float | None:
    return round(value, 4) if math.isfinite(value) else None


def decision_rows(replays: list[QuotaReplay]) -> list[dict[str, object]]:
    """The JSON contract of ``quotapilot simulate --format json``, in time order."""
    rows: list[tuple[datetime, str, dict[str, object]]] = []
    for quota in replays:
        for item in quota.decisions:
            d = item.decision
            row: dict[str, object] = {
                "timestamp": item.at.isoformat(),
                "service": quota.key.service,
                "code": quota.key.code,
                "region": quota.key.region,
                "action": d.action.value,
                "utilization": _finite(d.utilization),
                "predicted_utilization": _finite(d.predicted_utilization),
                "limit": d.limit,
                "new_limit": d.new_limit,
            }
            rows.append((item.at, str(quota.key), row))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [row for _, _, row in rows]

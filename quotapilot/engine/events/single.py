"""Event handlers about one quota: a threshold exceeded, a usage spike, a prediction, and
Service Quotas' own threshold breach. Each turns its event into a :class:`Situation` and lets
the same decision function as the cycle decide, under the rule of the quota."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from statistics import fmean
from typing import Any

from quotapilot.engine.act.alerts import Alert
from quotapilot.engine.collect.store import SeriesReader
from quotapilot.engine.decision.decide import Band, Situation, band_for
from quotapilot.engine.events.handling import EventHandling
from quotapilot.engine.rules import AutomationLevel, Rule

SPIKE_HIGH, SPIKE_MEDIUM = 3.0, 2.0
#: Spike severity -> the usage the decision should plan for, as a multiple of current usage.
SPIKE_HEADROOM = {"high": 1.5, "medium": 1.2}
BASELINE_SKIP = 6  # the latest points are the spike itself, not the baseline


def threshold_exceeded(h: EventHandling) -> list[dict[str, Any]]:
    detail = h.detail
    key = h.key_of(detail)
    return [h.operate(h.rule_of(key), Situation(key, detail.usage, detail.limit))]


def usage_spike(h: EventHandling, *, series: SeriesReader) -> list[dict[str, Any]]:
    detail = h.detail
    key = h.key_of(detail)
    baseline = detail.baseline
    if baseline is None:
        stored = series.load([key]).get(key)
        earlier = stored.values[:-BASELINE_SKIP] if stored else []
        baseline = fmean(earlier) if earlier else None
    if not baseline:
        ratio, severity = None, "unknown"
    else:
        ratio = detail.usage / baseline
        severity = "high" if ratio >= SPIKE_HIGH else "medium" if ratio >= SPIKE_MEDIUM else "low"
    headroom = SPIKE_HEADROOM.get(severity)
    predicted = detail.usage * headroom if headroom else None
    seen = Situation(key, detail.usage, detail.limit, predicted)
    return [
        h.operate(h.rule_of(key), seen, spike_ratio=ratio, baseline=baseline, severity=severity)
    ]


def prediction_alert(h: EventHandling) -> list[dict[str, Any]]:
    detail = h.detail
    key = h.key_of(detail)
    rule = h.rule_of(key)
    predicted = (
        detail.predicted_utilization / 100.0 * detail.limit if detail.limit is not None else None
    )
    if detail.confidence > 0.8 and detail.predicted_utilization > 80:
        pass  # confident: the rule may act on the prediction
    elif detail.confidence > 0.6 and detail.predicted_utilization > 70:
        if rule.automation_level is not AutomationLevel.MONITOR_ONLY:
            rule = replace(rule, automation_level=AutomationLevel.ALERT_ONLY)  # prepare, don't act
    else:
        predicted = None  # not confident enough to plan for
    seen = Situation(key, detail.usage, detail.limit, predicted)
    return [h.operate(rule, seen, confidence=detail.confidence, horizon_hours=detail.horizon_hours)]


def threshold_breach(h: EventHandling) -> list[dict[str, Any]]:
    """Service Quotas' own notification: quota names, not codes, so it alerts only."""
    event = h.event
    outcomes = []
    for breach in event.breaches:
        band = (
            band_for(Rule(breach.service, "-", AutomationLevel.ALERT_ONLY), breach.utilization)
            or Band.WARNING
        )
        body = {
            "kind": "service_quotas_threshold_breach",
            "account": event.account,
            "region": event.region,
            **breach.model_dump(),
        }
        message_id = h.alert(
            Alert(
                f"quotapilot: {breach.service} '{breach.quota_name}' at {breach.utilization:g}%",
                band.value,
                f"health#{event.account}#{event.region}#{breach.service}#{breach.quota_name}",
                body,
            ),
            cooldown=timedelta(hours=1),
        )
        h.record(
            "threshold_breach",
            subject=f"{breach.service}/{breach.quota_name}",
            seen=body,
            why="Service Quotas threshold breach",
            done={"alert": message_id},
        )
        outcomes.append({**body, "alerted": bool(message_id)})
    return outcomes

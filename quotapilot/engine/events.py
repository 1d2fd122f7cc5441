"""The event processor: validated events in, the engine's decisions and actions out.

Every event is recorded in the events table (accepted or rejected). A malformed or unknown
event raises :class:`EventValidationError` after it is recorded, so Lambda's retries and the
dead-letter queue get it: nothing is dropped silently. Each handler turns its event into a
:class:`Situation` and lets the same decision function as the cycle decide, under the rule of
the quota (rules are the only authority on how far automation may go).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from statistics import fmean
from typing import Any

from quotapilot import wiring
from quotapilot.domain import QuotaKey, Reading
from quotapilot.engine import fleet_events
from quotapilot.engine.actions import Actions, Outcome
from quotapilot.engine.alerts import Alert
from quotapilot.engine.collect import SourceFactory
from quotapilot.engine.config import EngineConfig, MemberAccount
from quotapilot.engine.decision import (
    Band,
    Situation,
    band_for,
)
from quotapilot.engine.exceptions import EventValidationError
from quotapilot.engine.models import QuotaEvent, parse_event
from quotapilot.engine.recording import EventRecorder
from quotapilot.engine.rules import AutomationLevel, Rule, RuleBook
from quotapilot.engine.store import RuleStore, SeriesStore

logger = logging.getLogger(__name__)
SPIKE_HIGH, SPIKE_MEDIUM = 3.0, 2.0
#: Spike severity -> the usage the decision should plan for, as a multiple of current usage.
SPIKE_HEADROOM = {"high": 1.5, "medium": 1.2}
BASELINE_SKIP = 6  # the latest points are the spike itself, not the baseline


class EventProcessor:
    def __init__(
        self,
        config: EngineConfig,
        actions: Actions,
        rules: RuleStore,
        series: SeriesStore,
        recorder: EventRecorder,
        source_factory: SourceFactory,
    ) -> None:
        self.config = config
        self.actions = actions
        self.rules_store = rules
        self.series = series
        self.recorder = recorder
        self.source_factory = source_factory
        self._rules: RuleBook | None = None

    @property
    def rules(self) -> RuleBook:
        if self._rules is None:
            self._rules = RuleBook(self.rules_store.load()[0])
        return self._rules

    def handle(self, raw: Any, now: datetime | None = None) -> dict[str, Any]:
        now = now or datetime.now(UTC)
        event_id = (
            raw.get("id")
            if isinstance(raw, dict) and isinstance(raw.get("id"), str)
            else f"unidentified-{now.timestamp()}"
        )
        try:
            event = parse_event(raw)
        except EventValidationError as error:
            self.recorder.record(event_id, "rejected", raw, str(error), now=now)
            raise
        self.recorder.record(event.id, "received", raw, now=now)
        # A warm container serves many events: read the rules and open requests afresh.
        self._rules = None
        self.actions.begin()
        handler = _HANDLERS.get(event.detail_type, EventProcessor._threshold_breach)
        outcomes = handler(self, event, now)
        self.actions.audit.flush()
        return {"event_id": event.id, "detail_type": event.detail_type, "outcomes": outcomes}

    # --- helpers ---------------------------------------------------------------------------

    def rule_of(self, key: QuotaKey) -> Rule:
        # Without a rule an event may alert, never act: the rules decide how far automation goes.
        return self.rules.for_key(key) or Rule(key.service, key.code, AutomationLevel.ALERT_ONLY)

    def actor(self, event: QuotaEvent) -> str:
        return f"event:{event.detail_type}:{event.id}"

    def key_of(self, event: QuotaEvent, detail: Any) -> QuotaKey:
        key = detail.key()
        if not key.account and event.account.isdigit():
            key = key.in_account(event.account)
        return key

    def operate(
        self, event: QuotaEvent, rule: Rule, seen: Situation, now: datetime, **observed: Any
    ) -> dict[str, Any]:
        observed = {
            "usage": seen.usage,
            "limit": seen.limit,
            "predicted": seen.predicted,
            "rule": rule.rule_id,
            **observed,
        }
        outcome = self.actions.operate(rule, seen, now, by=self.actor(event), observed=observed)
        if outcome is None:
            self.actions.audit.record(
                "no_action",
                subject=str(seen.key),
                seen=observed,
                why="below the rule's thresholds",
                by=self.actor(event),
                now=now,
            )
            return {"quota": str(seen.key), "action": None}
        return self.done(outcome)

    @staticmethod
    def done(outcome: Outcome) -> dict[str, Any]:
        if outcome.error is not None:
            decision = outcome.decision
            logger.warning(
                "action %s failed for %s: %s", decision.action, decision.key, outcome.error
            )
        return outcome.done

    def read(self, account: str, region: str, keys: list[QuotaKey]) -> dict[QuotaKey, Reading]:
        member = next(
            (a for a in self.config.accounts if a.account == account), MemberAccount(account)
        )
        result = self.source_factory(member, [region]).read(keys)
        return {key: reading for key, reading in result.readings.items()}

    # --- one handler per detail type -------------------------------------------------------

    def _threshold_exceeded(self, event: QuotaEvent, now: datetime) -> list[dict[str, Any]]:
        detail = event.detail
        key = self.key_of(event, detail)
        return [
            self.operate(event, self.rule_of(key), Situation(key, detail.usage, detail.limit), now)
        ]

    def _usage_spike(self, event: QuotaEvent, now: datetime) -> list[dict[str, Any]]:
        detail = event.detail
        key = self.key_of(event, detail)
        baseline = detail.baseline
        if baseline is None:
            stored = self.series.load([key]).get(key)
            earlier = stored.values[:-BASELINE_SKIP] if stored else []
            baseline = fmean(earlier) if earlier else None
        if not baseline:
            ratio, severity = None, "unknown"
        else:
            ratio = detail.usage / baseline
            severity = (
                "high" if ratio >= SPIKE_HIGH else "medium" if ratio >= SPIKE_MEDIUM else "low"
            )
        headroom = SPIKE_HEADROOM.get(severity)
        predicted = detail.usage * headroom if headroom else None
        seen = Situation(key, detail.usage, detail.limit, predicted)
        return [
            self.operate(
                event,
                self.rule_of(key),
                seen,
                now,
                spike_ratio=ratio,
                baseline=baseline,
                severity=severity,
            )
        ]

    def _prediction_alert(self, event: QuotaEvent, now: datetime) -> list[dict[str, Any]]:
        detail = event.detail
        key = self.key_of(event, detail)
        rule = self.rule_of(key)
        predicted = (
            detail.predicted_utilization / 100.0 * detail.limit
            if detail.limit is not None
            else None
        )
        if detail.confidence > 0.8 and detail.predicted_utilization > 80:
            pass  # confident: the rule may act on the prediction
        elif detail.confidence > 0.6 and detail.predicted_utilization > 70:
            if rule.automation_level is not AutomationLevel.MONITOR_ONLY:
                rule = replace(
                    rule, automation_level=AutomationLevel.ALERT_ONLY
                )  # prepare, don't act
        else:
            predicted = None  # not confident enough to plan for
        seen = Situation(key, detail.usage, detail.limit, predicted)
        return [
            self.operate(
                event,
                rule,
                seen,
                now,
                confidence=detail.confidence,
                horizon_hours=detail.horizon_hours,
            )
        ]

    def _threshold_breach(self, event: QuotaEvent, now: datetime) -> list[dict[str, Any]]:
        """Service Quotas' own notification: quota names, not codes, so it alerts only."""
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
            message_id = self.actions.alerter.send(
                Alert(
                    f"quotapilot: {breach.service} '{breach.quota_name}' at "
                    f"{breach.utilization:g}%",
                    band.value,
                    f"health#{event.account}#{event.region}#{breach.service}#{breach.quota_name}",
                    body,
                ),
                cooldown=timedelta(hours=1),
                now=now,
            )
            self.actions.audit.record(
                "threshold_breach",
                subject=f"{breach.service}/{breach.quota_name}",
                seen=body,
                why="Service Quotas threshold breach",
                done={"alert": message_id},
                by=self.actor(event),
                now=now,
            )
            outcomes.append({**body, "alerted": bool(message_id)})
        return outcomes


_HANDLERS = {
    wiring.DETAIL_THRESHOLD_EXCEEDED: EventProcessor._threshold_exceeded,
    wiring.DETAIL_USAGE_SPIKE: EventProcessor._usage_spike,
    wiring.DETAIL_PREDICTION_ALERT: EventProcessor._prediction_alert,
    wiring.DETAIL_INFRASTRUCTURE_SCALING: fleet_events.infrastructure_scaling,
    wiring.DETAIL_DISASTER_RECOVERY: fleet_events.disaster_recovery,
    wiring.DETAIL_COST_OPTIMIZATION: fleet_events.cost_optimization,
}

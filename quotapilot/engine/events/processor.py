"""The event processor: validated events in, the engine's decisions and actions out.

Every event is recorded in the events table (accepted or rejected). A malformed or unknown
event raises :class:`EventValidationError` after it is recorded, so Lambda's retries and the
dead-letter queue get it: nothing is dropped silently. Each detail type has a handler
(:mod:`.single`, :mod:`.fleet`) that gets the event's :class:`EventHandling`: the rules of the
quotas (the only authority on how far automation may go), readings, and the engine's
decide-act-record step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from quotapilot import wiring
from quotapilot.domain import QuotaKey, Reading
from quotapilot.engine.act.actions import Actions
from quotapilot.engine.act.alerts import Alerter
from quotapilot.engine.audit import AuditLog
from quotapilot.engine.collect.collection import SourceFactory
from quotapilot.engine.collect.store import RuleStore, SeriesReader
from quotapilot.engine.config import EngineConfig
from quotapilot.engine.events import fleet, single
from quotapilot.engine.events.handling import EventHandling
from quotapilot.engine.events.recording import EventRecorder
from quotapilot.engine.exceptions import EventValidationError
from quotapilot.engine.rules import RuleBook

Handler = Callable[[EventHandling], list[dict[str, Any]]]


class EventProcessor:
    def __init__(
        self,
        config: EngineConfig,
        *,
        actions: Actions,
        audit: AuditLog,
        alerter: Alerter,
        rules: RuleStore,
        series: SeriesReader,
        recorder: EventRecorder,
        sources: SourceFactory,
    ) -> None:
        self.config = config
        self.actions = actions
        self.audit = audit
        self.alerter = alerter
        self.rules = rules
        self.series = series
        self.recorder = recorder
        self.sources = sources

    def handle(self, raw: Any, now: datetime | None = None) -> dict[str, Any]:
        # Here, not at the top: the event models need Powertools, building the parts doesn't.
        from quotapilot.engine.models import parse_event

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
        self.actions.begin()
        handling = EventHandling(
            event,
            now,
            rules=self._load_rules,
            actions=self.actions,
            audit=self.audit,
            alerter=self.alerter,
            read=self.read,
        )
        outcomes = self._handler(event.detail_type)(handling)
        self.audit.flush()
        return {"event_id": event.id, "detail_type": event.detail_type, "outcomes": outcomes}

    def _handler(self, detail_type: str) -> Handler:
        handlers: dict[str, Handler] = {
            wiring.DETAIL_THRESHOLD_EXCEEDED: single.threshold_exceeded,
            wiring.DETAIL_USAGE_SPIKE: partial(single.usage_spike, series=self.series),
            wiring.DETAIL_PREDICTION_ALERT: single.prediction_alert,
            wiring.DETAIL_INFRASTRUCTURE_SCALING: fleet.infrastructure_scaling,
            wiring.DETAIL_DISASTER_RECOVERY: fleet.disaster_recovery,
            wiring.DETAIL_COST_OPTIMIZATION: partial(
                fleet.cost_optimization,
                series=self.series,
                regions=self.config.regions,
                accounts=self.config.accounts,
            ),
        }
        return handlers.get(detail_type, single.threshold_breach)

    def _load_rules(self) -> RuleBook:
        return RuleBook(self.rules.load()[0])

    def read(self, account: str, region: str, keys: list[QuotaKey]) -> dict[QuotaKey, Reading]:
        member = self.config.member(account)
        result = self.sources(member, [region]).read(keys)
        return dict(result.readings)

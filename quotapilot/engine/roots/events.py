"""The event function's composition root: the event processor, run once per event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quotapilot.engine.accounts import AccountClients
from quotapilot.engine.collect.collection import AwsSources, SourceFactory
from quotapilot.engine.collect.store import RuleStore, SeriesReader
from quotapilot.engine.config import EngineConfig
from quotapilot.engine.events.idempotency import Idempotency
from quotapilot.engine.events.processor import EventProcessor
from quotapilot.engine.events.recording import EventRecorder
from quotapilot.engine.roots import acting
from quotapilot.engine.roots.platform import DEAD_LETTERS, ENCRYPTION

REQUIRED = (
    "events_table",
    "idempotency_table",
    "monitoring_table",
    "rules_table",
    "log_table",
    "alerts_topic_arn",
    "approval_state_machine_arn",
)


@dataclass(frozen=True)
class EventsParts:
    """Everything the event function runs."""

    permissions = (ENCRYPTION, DEAD_LETTERS)

    config: EngineConfig
    processor: EventProcessor
    #: The processor, once per event id.
    once: Idempotency


def build(
    config: EngineConfig,
    *,
    source_factory: SourceFactory | None = None,
    clients: AccountClients | None = None,
    dynamodb: Any = None,
    sns: Any = None,
    stepfunctions: Any = None,
    session: Any = None,
) -> EventsParts:
    config.require(*REQUIRED)
    made = acting.acting(
        config,
        clients=clients,
        dynamodb=dynamodb,
        sns=sns,
        stepfunctions=stepfunctions,
        session=session,
    )
    processor = EventProcessor(
        config,
        actions=made.actions,
        audit=made.audit,
        alerter=made.alerter,
        rules=RuleStore(config.rules_table, dynamodb, session=session),
        # the cycle alone writes the series: the events function only reads them
        series=SeriesReader(config.monitoring_table, dynamodb, session=session),
        recorder=EventRecorder(config.events_table, dynamodb, session=session),
        sources=source_factory or AwsSources(session),
    )
    return EventsParts(
        config=config,
        processor=processor,
        once=Idempotency(config.idempotency_table, processor.handle),
    )

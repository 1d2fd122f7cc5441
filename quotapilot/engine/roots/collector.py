"""The collector function's composition root (the fan-out cycle's Distributed Map runs it
over batches of shards)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quotapilot.engine.collect.collection import AwsSources, SourceFactory
from quotapilot.engine.collect.collector import Collector
from quotapilot.engine.collect.rows import RunRowsWriter
from quotapilot.engine.collect.store import RuleStore
from quotapilot.engine.config import EngineConfig
from quotapilot.engine.roots.platform import ENCRYPTION

REQUIRED = ("monitoring_table", "rules_table")


@dataclass(frozen=True)
class CollectorParts:
    permissions = (ENCRYPTION,)

    config: EngineConfig
    collector: Collector


def build(
    config: EngineConfig,
    *,
    source_factory: SourceFactory | None = None,
    dynamodb: Any = None,
    session: Any = None,
) -> CollectorParts:
    config.require(*REQUIRED)
    return CollectorParts(
        config=config,
        collector=Collector(
            config.regions,
            rules=RuleStore(config.rules_table, dynamodb, session=session),
            sources=source_factory or AwsSources(session),
            rows=RunRowsWriter(config.monitoring_table, dynamodb, session=session),
        ),
    )

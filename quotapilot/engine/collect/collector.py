"""The collector function's work in the fan-out cycle: read a batch of shards, hand each
shard's readings to the run (rows in the monitoring table)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from quotapilot.engine.collect.collection import SourceFactory
from quotapilot.engine.collect.rows import RunRowsWriter
from quotapilot.engine.collect.shards import Shard, read_shards
from quotapilot.engine.collect.store import RuleStore
from quotapilot.engine.exceptions import ShardsFailed
from quotapilot.engine.rules import RuleBook, watched_keys


class Collector:
    def __init__(
        self,
        regions: Sequence[str],
        *,
        rules: RuleStore,
        sources: SourceFactory,
        rows: RunRowsWriter,
    ) -> None:
        self.regions = list(regions)
        self.rules = rules
        self.sources = sources
        self.rows = rows

    def collect(self, run_id: str, now: datetime, shards: Sequence[Shard]) -> dict[str, Any]:
        """Every shard that was read is written, even when others failed; then a batch with
        a failed shard raises, so the Map retries it (rewriting a shard's rows is harmless)."""
        loaded, _ = self.rules.load()  # the decide step reports rejected rules, once
        keys = watched_keys(RuleBook(loaded), self.regions)
        results = read_shards(shards, keys, self.regions, self.sources)
        for result in results:
            if not result.failed:
                self.rows.write(run_id, result.shard, result.collection, now)
        failed = [r for r in results if r.failed]
        if failed:
            raise ShardsFailed(
                f"{len(failed)} of {len(results)} shards could not be read",
                shards=", ".join(r.shard.label for r in failed),
                why=failed[0].collection.failures[0]["error"],
            )
        return {
            "run_id": run_id,
            "shards": len(results),
            "quotas": sum(len(r.collection.readings) for r in results),
        }

"""The collector function: one Distributed Map batch of the fan-out cycle's shards."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import ValidationError

from quotapilot import wiring
from quotapilot.engine.collect.shards import Shard
from quotapilot.engine.config import EngineConfig
from quotapilot.engine.exceptions import MalformedEventError
from quotapilot.engine.models import CollectInput
from quotapilot.engine.roots.collector import CollectorParts, build
from quotapilot.engine.runtime.common import check_depth, count, invalid, logger

__all__ = ["handle", "logger", "parts"]


@cache
def parts() -> CollectorParts:
    return build(EngineConfig.from_env())


def handle(event: Any, context: Any = None) -> dict[str, Any]:
    if not isinstance(event, dict):
        raise MalformedEventError(
            f"the collector takes a batch of shards, got {type(event).__name__}"
        )
    check_depth(event)
    try:
        batch = CollectInput.model_validate(event)
    except ValidationError as error:
        raise invalid(error, "collect input") from None
    shards = [Shard.from_json(s.model_dump()) for s in batch.shards]
    result = parts().collector.collect(batch.run_id, batch.now, shards)
    count(wiring.FUNCTION_COLLECTOR, **{wiring.METRIC_QUOTAS_EVALUATED: result["quotas"]})
    return result

"""The event function: quotapilot's events and Service Quotas' threshold breaches, each
processed once."""

from __future__ import annotations

from functools import cache
from typing import Any

from quotapilot import wiring
from quotapilot.engine.config import EngineConfig
from quotapilot.engine.roots.events import EventsParts, build
from quotapilot.engine.runtime.common import check_depth, count, logger
from quotapilot.exceptions import EventValidationError

__all__ = ["handle", "logger", "parts"]


@cache
def parts() -> EventsParts:
    return build(EngineConfig.from_env())


def handle(event: Any, context: Any = None) -> dict[str, Any]:
    once = parts().once
    if context is not None:
        once.register_lambda_context(context)
    try:
        check_depth(event)  # before idempotency hashes it
        result = once(event)
    except EventValidationError as error:
        # Raised on purpose: Lambda retries, then the dead-letter queue keeps the event.
        logger.error("event rejected", extra={"error": str(error)})
        count(wiring.FUNCTION_EVENTS, **{wiring.METRIC_EVENTS_REJECTED: 1})
        raise
    count(wiring.FUNCTION_EVENTS, **{wiring.METRIC_EVENTS_PROCESSED: 1})
    return result

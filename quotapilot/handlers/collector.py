"""The collector function: reads a batch of shards for the fan-out cycle."""

from __future__ import annotations

from quotapilot.engine.runtime.collector import handle, logger


@logger.inject_lambda_context
def handler(event, context):
    return handle(event, context)

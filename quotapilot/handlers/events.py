"""The event processor: quotapilot's events and Service Quotas' threshold breaches."""

from __future__ import annotations

from quotapilot.engine.runtime.events import handle, logger


@logger.inject_lambda_context
def handler(event, context):
    return handle(event, context)

"""The event processor: quotapilot's events and Service Quotas' threshold breaches."""

from __future__ import annotations

from quotapilot.engine.runtime import handle_event, logger


@logger.inject_lambda_context
def handler(event, context):
    return handle_event(event, context)

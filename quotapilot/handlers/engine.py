"""The engine function: the scheduled cycle, the regression watch, approved increases."""

from __future__ import annotations

from quotapilot.engine.runtime.engine import handle, logger


@logger.inject_lambda_context
def handler(event, context):
    return handle(event, context)

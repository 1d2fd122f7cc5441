"""The engine function: the scheduled cycle, the regression watch, approved increases."""

from __future__ import annotations

from quotapilot.engine.runtime import handle_engine, logger


@logger.inject_lambda_context
def handler(event, context):
    return handle_engine(event, context)

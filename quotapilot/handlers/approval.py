"""The approval function: task tokens from the workflow, decisions from approvers."""

from __future__ import annotations

from quotapilot.engine.runtime.approval import handle, logger


@logger.inject_lambda_context
def handler(event, context):
    return handle(event, context)

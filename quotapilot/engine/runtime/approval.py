"""The approval function: task tokens from the workflow, decisions from approvers through
the function URL (IAM-authenticated: the caller is the URL's IAM identity, never the body)."""

from __future__ import annotations

import base64
import json
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.parser.models import LambdaFunctionUrlModel
from pydantic import ValidationError

from quotapilot.engine.config import EngineConfig
from quotapilot.engine.exceptions import ApprovalError, NotAnApproverError
from quotapilot.engine.models import ApprovalRequestInput, DecideBody
from quotapilot.engine.roots.approval import ApprovalParts, build
from quotapilot.engine.runtime.common import invalid, logger
from quotapilot.exceptions import QuotapilotError

__all__ = ["handle", "logger", "parts"]


@cache
def parts() -> ApprovalParts:
    return build(EngineConfig.from_env())


def handle(event: Any, context: Any = None) -> dict[str, Any]:
    if isinstance(event, dict) and "requestContext" in event:
        return _decide_from_url(event)
    try:
        request = ApprovalRequestInput.model_validate(event)
    except ValidationError as error:
        raise invalid(error, "approval request") from None
    status = parts().desk.park(request.task_token, request.request.model_dump(mode="json"))
    return {"status": status, "request_id": request.request.request_id}


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def _decide_from_url(event: dict[str, Any]) -> dict[str, Any]:
    try:
        url_event = LambdaFunctionUrlModel.model_validate(event)
        iam = (
            url_event.requestContext.authorizer.iam if url_event.requestContext.authorizer else None
        )
        caller = iam.userArn if iam and iam.userArn else ""
        raw = url_event.body or ""
        if url_event.isBase64Encoded:
            raw = base64.b64decode(raw).decode()
        body = DecideBody.model_validate_json(raw or "{}")
    except (ValidationError, ValueError) as error:
        text = str(invalid(error, "decision")) if isinstance(error, ValidationError) else str(error)
        return _response(400, {"error": text})
    if not caller:
        return _response(403, {"error": "the function URL must use AWS_IAM auth: no caller"})
    try:
        result = parts().desk.decide(caller, body.request_id, body.decision, body.comment)
    except NotAnApproverError as error:
        return _response(403, {"error": str(error)})
    except ApprovalError as error:  # unknown, already decided, timed out: the request's state
        return _response(409, {"error": str(error)})
    except QuotapilotError as error:
        return _response(400, {"error": str(error)})
    return _response(200, result)

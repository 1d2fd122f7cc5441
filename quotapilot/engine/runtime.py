"""What the three Lambda handlers call: the configuration and clients are built once per
container (cold start), each invocation is parsed at the boundary and dispatched.

The handlers in ``quotapilot.handlers`` only import and call these functions.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import ValidationError

from quotapilot import wiring
from quotapilot.engine.config import EngineConfig
from quotapilot.engine.exceptions import ApprovalError, MalformedEventError
from quotapilot.exceptions import QuotapilotError

logger = Logger(service="quotapilot")
metrics = Metrics(namespace=wiring.METRICS_NAMESPACE, service="quotapilot")


@cache
def config() -> EngineConfig:
    return EngineConfig.from_env()


@cache
def engine() -> Any:
    from quotapilot.engine.cycle import Engine

    return Engine(config())


def _count(function: str, **values: float) -> None:
    metrics.add_dimension(name="function", value=function)
    for name, value in values.items():
        unit = MetricUnit.Percent if name == wiring.METRIC_MAX_UTILISATION else MetricUnit.Count
        metrics.add_metric(name=name, unit=unit, value=value)
    metrics.flush_metrics()


def _invalid(error: ValidationError, what: str) -> MalformedEventError:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "event"
    return MalformedEventError(f"invalid {what}: {where}: {first['msg']}")


# --- engine function -----------------------------------------------------------------------


def handle_engine(event: Any, context: Any = None) -> dict[str, Any]:
    from quotapilot.engine.models import EngineInput, ExecuteIncreaseInput

    if not isinstance(event, dict):
        raise MalformedEventError(
            f"the engine takes an object naming its action, got {type(event).__name__}"
        )
    check_depth(event)
    try:
        action = EngineInput.model_validate(event).action
    except ValidationError as error:
        raise _invalid(error, "engine input") from None
    if action == wiring.ACTION_EXECUTE_INCREASE:
        from quotapilot.engine.approval.execute import execute_increase

        try:
            request = ExecuteIncreaseInput.model_validate(event)
        except ValidationError as error:
            raise _invalid(error, "execute_increase input") from None
        from quotapilot.engine.approval.request import ApprovalRecords

        records = ApprovalRecords(config().monitoring_table)
        result = execute_increase(engine().actions, request, records)
        _count(
            wiring.FUNCTION_ENGINE,
            **{wiring.METRIC_INCREASES_REQUESTED: float(result["status"] == "requested")},
        )
        return result
    if action == wiring.ACTION_REGRESSION_WATCH:
        from quotapilot.engine.regression import watch

        settings = config()
        settings.require("regression_watch")
        report = watch(settings.regression_watch, engine().actions.alerter, engine().audit)
        engine().audit.flush()
        _count(wiring.FUNCTION_ENGINE, **{wiring.METRIC_REGRESSIONS: len(report.regressions)})
        return asdict(report)
    report = engine().run()
    logger.info(
        "cycle done", extra={"failures": report.failures[:50], "decisions": len(report.decisions)}
    )
    _count(
        wiring.FUNCTION_ENGINE,
        **{
            wiring.METRIC_QUOTAS_EVALUATED: report.quotas_evaluated,
            wiring.METRIC_ALERTS_SENT: report.alerts_sent,
            wiring.METRIC_ALERTS_SUPPRESSED: report.alerts_suppressed,
            wiring.METRIC_INCREASES_REQUESTED: report.increases_requested,
            wiring.METRIC_APPROVALS_REQUESTED: report.approvals_requested,
            wiring.METRIC_COLLECTION_FAILURES: sum(
                f["stage"] == "collect" for f in report.failures
            ),
            wiring.METRIC_ACTION_FAILURES: sum(f["stage"] == "act" for f in report.failures),
            wiring.METRIC_MAX_UTILISATION: report.max_utilisation,
        },
    )
    return {k: v for k, v in asdict(report).items() if k != "decisions"} | {
        "decisions": len(report.decisions)
    }


# --- event processor -----------------------------------------------------------------------


@cache
def event_processor() -> Any:
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    from quotapilot.engine.collect.store import SeriesReader
    from quotapilot.engine.events.processor import EventProcessor
    from quotapilot.engine.events.recording import EventRecorder

    settings = config()
    settings.require("events_table", "idempotency_table")
    parts = engine()
    processor = EventProcessor(
        settings,
        actions=parts.actions,
        audit=parts.audit,
        alerter=parts.actions.alerter,
        rules=parts.rules,
        series=SeriesReader(settings.monitoring_table),
        recorder=EventRecorder(settings.events_table),
        sources=parts.source_factory,
    )
    from botocore.config import Config

    from quotapilot.engine.aws import RETRIES

    persistence = DynamoDBPersistenceLayer(
        table_name=settings.idempotency_table, boto_config=Config(retries=dict(RETRIES))
    )
    # EventBridge retries for up to a day: remember a processed event for two.
    idempotency = IdempotencyConfig(event_key_jmespath="id", expires_after_seconds=2 * 86_400)

    @idempotent_function(
        data_keyword_argument="event", persistence_store=persistence, config=idempotency
    )
    def process(event: dict[str, Any]) -> dict[str, Any]:
        return processor.handle(event)

    return process, idempotency


#: No event quotapilot handles nests anywhere near this deep; a deeper one is an attack or an
#: accident, and would blow the interpreter's stack in validation or hashing.
MAX_EVENT_DEPTH = 32


def check_depth(event: Any, limit: int = MAX_EVENT_DEPTH) -> None:
    """Refuse an event nested deeper than ``limit`` (iteratively: no recursion to blow)."""
    stack = [(event, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            raise MalformedEventError(f"the event nests deeper than {limit} levels")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def handle_event(event: Any, context: Any = None) -> dict[str, Any]:
    from quotapilot.exceptions import EventValidationError

    process, idempotency = event_processor()
    if context is not None:
        idempotency.register_lambda_context(context)
    try:
        check_depth(event)  # before idempotency hashes it
        result = process(event=event)
    except EventValidationError as error:
        # Raised on purpose: Lambda retries, then the dead-letter queue keeps the event.
        logger.error("event rejected", extra={"error": str(error)})
        _count(wiring.FUNCTION_EVENTS, **{wiring.METRIC_EVENTS_REJECTED: 1})
        raise
    _count(wiring.FUNCTION_EVENTS, **{wiring.METRIC_EVENTS_PROCESSED: 1})
    return result


# --- approval function ---------------------------------------------------------------------


@cache
def approval_desk() -> Any:
    from quotapilot.engine.act.alerts import Alerter
    from quotapilot.engine.approval.desk import ApprovalDesk
    from quotapilot.engine.audit import AuditLog

    settings = config()
    settings.require("monitoring_table", "alerts_topic_arn", "log_table")
    alerter = Alerter(settings.alerts_topic_arn, None)
    return ApprovalDesk(
        settings.monitoring_table, settings.approvers, alerter, audit=AuditLog(settings.log_table)
    )


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def handle_approval(event: Any, context: Any = None) -> dict[str, Any]:
    from quotapilot.engine.models import ApprovalRequestInput, DecideBody

    if isinstance(event, dict) and "requestContext" in event:
        return _decide_from_url(event, DecideBody)
    try:
        request = ApprovalRequestInput.model_validate(event)
    except ValidationError as error:
        raise _invalid(error, "approval request") from None
    status = approval_desk().park(request.task_token, request.request.model_dump(mode="json"))
    return {"status": status, "request_id": request.request.request_id}


def _decide_from_url(event: dict[str, Any], model: Any) -> dict[str, Any]:
    from aws_lambda_powertools.utilities.parser.models import LambdaFunctionUrlModel

    try:
        url_event = LambdaFunctionUrlModel.model_validate(event)
        iam = (
            url_event.requestContext.authorizer.iam if url_event.requestContext.authorizer else None
        )
        caller = iam.userArn if iam and iam.userArn else ""
        raw = url_event.body or ""
        if url_event.isBase64Encoded:
            raw = base64.b64decode(raw).decode()
        body = model.model_validate_json(raw or "{}")
    except (ValidationError, ValueError) as error:
        text = (
            str(_invalid(error, "decision")) if isinstance(error, ValidationError) else str(error)
        )
        return _response(400, {"error": text})
    if not caller:
        return _response(403, {"error": "the function URL must use AWS_IAM auth: no caller"})
    try:
        result = approval_desk().decide(caller, body.request_id, body.decision, body.comment)
    except ApprovalError as error:
        status = 403 if error.message == "not an approver" else 409
        return _response(status, {"error": str(error)})
    except QuotapilotError as error:
        return _response(400, {"error": str(error)})
    return _response(200, result)

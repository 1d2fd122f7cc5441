"""The engine function: the scheduled cycle, the regression watch, approved increases."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from functools import cache
from typing import Any

from pydantic import ValidationError

from quotapilot import wiring
from quotapilot.engine.approval.execute import execute_increase
from quotapilot.engine.config import EngineConfig
from quotapilot.engine.cycle import CycleReport
from quotapilot.engine.exceptions import MalformedEventError
from quotapilot.engine.models import EngineInput, ExecuteIncreaseInput, RunStep
from quotapilot.engine.roots.engine import EngineParts, build
from quotapilot.engine.runtime.common import check_depth, count, invalid, logger

__all__ = ["config", "handle", "logger", "parts"]


@cache
def config() -> EngineConfig:
    return EngineConfig.from_env()


@cache
def parts() -> EngineParts:
    return build(config())


def handle(event: Any, context: Any = None) -> dict[str, Any]:
    if not isinstance(event, dict):
        raise MalformedEventError(
            f"the engine takes an object naming its action, got {type(event).__name__}"
        )
    check_depth(event)
    try:
        action = EngineInput.model_validate(event).action
    except ValidationError as error:
        raise invalid(error, "engine input") from None
    if action == wiring.ACTION_EXECUTE_INCREASE:
        return _execute_increase(event)
    if action == wiring.ACTION_REGRESSION_WATCH:
        return _regression_watch()
    if action == wiring.ACTION_LIST_SHARDS:
        return _list_shards()
    if action == wiring.ACTION_DECIDE:
        return _decide(event)
    return _reported(parts().cycle.run())


def _list_shards() -> dict[str, Any]:
    """The fan-out cycle's first step: the run's shards, written where the Map reads them."""
    config().require("artifacts_bucket")
    engine = parts()
    now = datetime.now(UTC)
    run_id = f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    shards = engine.cycle.plan().shards
    key = engine.shard_lists.write(run_id, shards)
    return {
        "run_id": run_id,
        "now": now.isoformat(),
        "bucket": engine.shard_lists.bucket,
        "key": key,
        "shards": len(shards),
    }


def _decide(event: dict[str, Any]) -> dict[str, Any]:
    """The fan-out cycle's last step: decide and act over the rows the run's shards wrote."""
    try:
        step = RunStep.model_validate(event)
    except ValidationError as error:
        raise invalid(error, "decide input") from None
    config().require("artifacts_bucket")
    engine = parts()
    shards = engine.shard_lists.read(step.run_id)
    return _reported(engine.cycle.decide_run(engine.run_rows, step.run_id, step.now, shards))


def _execute_increase(event: dict[str, Any]) -> dict[str, Any]:
    try:
        request = ExecuteIncreaseInput.model_validate(event)
    except ValidationError as error:
        raise invalid(error, "execute_increase input") from None
    engine = parts()
    result = execute_increase(engine.actions, request, engine.approvals)
    count(
        wiring.FUNCTION_ENGINE,
        **{wiring.METRIC_INCREASES_REQUESTED: float(result["status"] == "requested")},
    )
    return result


def _regression_watch() -> dict[str, Any]:
    config().require("regression_watch")  # before the rest: it is what this action needs
    engine = parts()
    report = engine.regression.run()
    engine.audit.flush()
    count(wiring.FUNCTION_ENGINE, **{wiring.METRIC_REGRESSIONS: len(report.regressions)})
    return asdict(report)


def _reported(report: CycleReport) -> dict[str, Any]:
    logger.info(
        "cycle done", extra={"failures": report.failures[:50], "decisions": len(report.decisions)}
    )
    count(
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
            wiring.METRIC_MAX_UTILIZATION: report.max_utilization,
        },
    )
    return {k: v for k, v in asdict(report).items() if k != "decisions"} | {
        "decisions": len(report.decisions)
    }

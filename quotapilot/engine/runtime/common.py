"""What every function's runtime shares: the logger, the metrics, and the boundary checks."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import ValidationError

from quotapilot import wiring
from quotapilot.engine.exceptions import MalformedEventError

logger = Logger(service="quotapilot")
metrics = Metrics(namespace=wiring.METRICS_NAMESPACE, service="quotapilot")

#: No event quotapilot handles nests anywhere near this deep; a deeper one is an attack or an
#: accident, and would blow the interpreter's stack in validation or hashing.
MAX_EVENT_DEPTH = 32


def count(function: str, **values: float) -> None:
    metrics.add_dimension(name="function", value=function)
    for name, value in values.items():
        unit = MetricUnit.Percent if name == wiring.METRIC_MAX_UTILIZATION else MetricUnit.Count
        metrics.add_metric(name=name, unit=unit, value=value)
    metrics.flush_metrics()


def invalid(error: ValidationError, what: str) -> MalformedEventError:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "event"
    return MalformedEventError(f"invalid {what}: {where}: {first['msg']}")


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

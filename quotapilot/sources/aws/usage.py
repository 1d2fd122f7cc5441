"""Quota usage from CloudWatch ``AWS/Usage`` metrics, batched through GetMetricData.

One GetMetricData call carries up to 500 queries, so a region's usage costs a call per 500
quotas instead of a call per quota. Count metrics (``ResourceCount``) are read with the Maximum
statistic whatever Service Quotas recommends: a quota is exceeded by the peak, not the average.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from quotapilot.domain import Quota, QuotaKey, Usage
from quotapilot.exceptions import SourceError

if TYPE_CHECKING:
    from botocore.client import BaseClient

#: GetMetricData accepts at most 500 MetricDataQueries per call.
MAX_QUERIES_PER_CALL = 500
#: CloudWatch also caps the SERVICE_QUOTA() metric-math functions in one request. This source
#: reads limits from Service Quotas and never emits SERVICE_QUOTA(), but the batcher still
#: enforces the cap so that a caller adding such expressions can't build a rejected request.
MAX_SERVICE_QUOTA_FUNCTIONS_PER_CALL = 10
#: Rate quotas (API calls per second) are measured by CallCount; they say nothing about
#: capacity a plan consumes and are left out unless asked for.
RATE_METRIC = "CallCount"

WINDOW = timedelta(hours=1)
PERIOD = 300  # AWS/Usage resource counts are published every minute; 5-minute peaks suffice


def is_rate_quota(quota: Quota) -> bool:
    return bool(quota.usage_metric) and quota.usage_metric.get("MetricName") == RATE_METRIC


def metric_query(query_id: str, quota: Quota) -> dict[str, Any]:
    """The GetMetricData query that measures one quota's usage."""
    metric = quota.usage_metric or {}
    dimensions = metric.get("MetricDimensions") or {}
    return {
        "Id": query_id,
        "MetricStat": {
            "Metric": {
                "Namespace": metric.get("MetricNamespace", "AWS/Usage"),
                "MetricName": metric["MetricName"],
                "Dimensions": [{"Name": k, "Value": v} for k, v in sorted(dimensions.items())],
            },
            "Period": PERIOD,
            "Stat": "Sum" if metric["MetricName"] == RATE_METRIC else "Maximum",
        },
        "ReturnData": True,
    }


def batches(queries: Sequence[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Split queries into requests within both per-call limits, keeping their order."""
    batch: list[dict[str, Any]] = []
    functions = 0
    for query in queries:
        uses = str(query.get("Expression", "")).upper().count("SERVICE_QUOTA(")
        if batch and (
            len(batch) == MAX_QUERIES_PER_CALL
            or functions + uses > MAX_SERVICE_QUOTA_FUNCTIONS_PER_CALL
        ):
            yield batch
            batch, functions = [], 0
        batch.append(query)
        functions += uses
    if batch:
        yield batch


def read_usage(
    client: BaseClient, quotas: Iterable[Quota], *, now: datetime
) -> dict[QuotaKey, Usage | str]:
    """Usage per quota key, or the reason it could not be read.

    A metric with no data points in the window means nothing is in use: AWS/Usage publishes
    only while a resource exists.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    by_id = {f"q{index}": quota for index, quota in enumerate(quotas)}
    queries = [metric_query(query_id, quota) for query_id, quota in by_id.items()]
    peaks: dict[str, tuple[float, datetime | None]] = {}
    failed: dict[str, str] = {}
    for batch in batches(queries):
        try:
            for result in _results(client, batch, now):
                query_id = result["Id"]
                status = result.get("StatusCode", "Complete")
                if status not in ("Complete", "PartialData"):
                    messages = "; ".join(m.get("Value", "") for m in result.get("Messages", []))
                    failed[query_id] = f"CloudWatch {status} for the usage metric {messages}"
                    continue
                _fold(peaks, query_id, result.get("Values", []), result.get("Timestamps", []))
        except ClientError as exc:
            error = exc.response.get("Error", {})
            reason = f"CloudWatch {error.get('Code', 'error')}: {error.get('Message', exc)}"
            failed.update(dict.fromkeys((q["Id"] for q in batch), reason))
        except BotoCoreError as exc:
            failed.update(dict.fromkeys((q["Id"] for q in batch), f"CloudWatch: {exc}"))

    usage: dict[QuotaKey, Usage | str] = {}
    for query_id, quota in by_id.items():
        if query_id in failed:
            usage[quota.key] = failed[query_id].strip()
        else:
            value, at = peaks.get(query_id, (0.0, None))
            usage[quota.key] = Usage(quota.key, value, at)
    return usage


def _results(client: BaseClient, batch: list[dict[str, Any]], now: datetime) -> Iterator[dict]:
    params: dict[str, Any] = {
        "MetricDataQueries": batch,
        "StartTime": now - WINDOW,
        "EndTime": now,
        "ScanBy": "TimestampDescending",
    }
    while True:
        page = client.get_metric_data(**params)
        yield from page.get("MetricDataResults", [])
        token = page.get("NextToken")
        if not token:
            return
        params["NextToken"] = token


def _fold(
    peaks: dict[str, tuple[float, datetime | None]],
    query_id: str,
    values: list[float],
    timestamps: list[datetime],
) -> None:
    """Keep the peak over the window (results for one Id may span pages)."""
    for value, at in zip(values, timestamps, strict=False):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise SourceError(f"CloudWatch answered a usage of {value!r}", query=query_id)
        best = peaks.get(query_id)
        if best is None or value > best[0] or (value == best[0] and best[1] and at > best[1]):
            peaks[query_id] = (float(value), at)

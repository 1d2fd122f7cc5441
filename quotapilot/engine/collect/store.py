"""The engine's tables: rules (read), and the monitoring table's rolling usage series.

Each quota has ONE series item (``pk = series#<key>``) holding its observations as parallel
lists, so a cycle reads and writes every quota's history in batches of 100/25 keys instead of
one query per quota (the reference design's approach).

The last week is kept as collected (2016 five-minute points); the four weeks before it as one
mean per hour, so the forecaster sees weekly seasonality and a month's trend (a week is one
weekly cycle, and the trend of a week is mostly the week's own noise). That bounds the item
at ``MAX_STORED_POINTS`` (about 43 KB of DynamoDB's 400 KB item limit).
"""

from __future__ import annotations

import bisect
import logging
import math
import sys
import time
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from quotapilot import permissions as p
from quotapilot.domain import QuotaKey
from quotapilot.engine.aws import UsesAws, from_item, to_item
from quotapilot.engine.decision.alarm import AlarmState
from quotapilot.engine.exceptions import RuleError
from quotapilot.engine.rules import Rule, rule_from_mapping
from quotapilot.permissions import Needs

if TYPE_CHECKING:
    from quotapilot.forecast.base import Series

logger = logging.getLogger(__name__)
MAX_POINTS = 2016  # kept as collected: one week at five-minute cycles
RAW_WINDOW_S = 7 * 86_400.0
HOUR_S = 3_600.0
HOURLY_WINDOW_S = 28 * 86_400.0  # before the raw week: four whole weeks of hourly means
#: The item's bound: the raw points, the hourly means, and the hour the raw ones may overrun.
MAX_STORED_POINTS = MAX_POINTS + int(HOURLY_WINDOW_S / HOUR_S) + 12
SERIES_TTL = timedelta(days=90)
_BATCH_GET = 100
_BATCH_WRITE = 25


def _pack(numbers: Sequence[float]) -> bytes:
    """A series as little-endian float64s: a few KB per quota, and (de)serialised in one call
    instead of one DynamoDB number per point."""
    packed = array("d", numbers)
    if sys.byteorder != "little":
        packed.byteswap()
    return packed.tobytes()


def _unpack(blob: Any) -> list[float]:
    if not blob:
        return []
    packed = array("d")
    packed.frombytes(bytes(blob.value if hasattr(blob, "value") else blob))
    if sys.byteorder != "little":
        packed.byteswap()
    return packed.tolist()


class RuleStore(UsesAws):
    service = "dynamodb"
    permissions = (Needs(("dynamodb:Scan",), p.TABLE_RULES, "load the automation rules"),)

    def __init__(self, table: str, client: Any = None, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.table = table

    def load(self) -> tuple[list[Rule], list[RuleError]]:
        """Every valid rule, and the errors of the invalid ones (reported, not fatal)."""
        rules: list[Rule] = []
        errors: list[RuleError] = []
        for page in self.client.get_paginator("scan").paginate(TableName=self.table):
            for raw in page.get("Items", []):
                item = from_item(raw)
                try:
                    rules.append(
                        rule_from_mapping(
                            item, path=self.table, entry=str(item.get("rule_id", "?"))
                        )
                    )
                except RuleError as error:
                    errors.append(error)
        return rules, errors


@dataclass
class StoredSeries:
    key: QuotaKey
    times: list[float]
    values: list[float]
    limit: float | None
    #: The forecast alarm's hysteresis state, kept between cycles (see ``engine.decision.alarm``).
    alarm: AlarmState = field(default_factory=AlarmState)
    #: Points before this time (epoch seconds, on the hour) are hourly means.
    hourly_until: float = 0.0

    def series(self, warning_percent: float | None = None) -> Series:
        """The history to forecast; ``warning_percent`` (the rule's warning threshold) asks
        for the probability of crossing it too."""
        # Imported here: the components import this module for its IAM declarations, and
        # the forecasting package needs numpy, which only the engine extra installs.
        from quotapilot.forecast.base import Series

        warning = None
        if warning_percent is not None and self.limit:
            warning = float(self.limit) * warning_percent / 100.0
        return Series(self.key, self.times, self.values, self.limit, warning)


def _utilization(series: StoredSeries) -> float | None:
    if not series.values or not series.limit:
        return None
    return round(float(series.values[-1]) / float(series.limit) * 100.0, 2)


def _series_key(key: QuotaKey) -> dict[str, Any]:
    return {"pk": {"S": f"series#{key}"}, "sk": {"S": "series"}}


class SeriesReader(UsesAws):
    """Reads the rolling usage series of many quotas, in batches: what the event processor
    looks at (the engine's cycle alone writes them, through :class:`SeriesStore`)."""

    service = "dynamodb"
    permissions = (
        Needs(("dynamodb:BatchGetItem",), p.TABLE_MONITORING, "read the quotas' usage series"),
    )

    def __init__(self, table: str, client: Any = None, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.table = table

    def load(self, keys: Iterable[QuotaKey]) -> dict[QuotaKey, StoredSeries]:
        wanted = {f"series#{key}": key for key in keys}
        found: dict[QuotaKey, StoredSeries] = {}
        names = list(wanted)
        for start in range(0, len(names), _BATCH_GET):
            request = {
                self.table: {
                    "Keys": [_series_key(wanted[n]) for n in names[start : start + _BATCH_GET]]
                }
            }
            for attempt in range(8):
                response = self.client.batch_get_item(RequestItems=request)
                for raw in response.get("Responses", {}).get(self.table, []):
                    item = from_item(raw)
                    key = wanted[item["pk"]]
                    found[key] = StoredSeries(
                        key,
                        _unpack(item.get("times")),
                        _unpack(item.get("values")),
                        item.get("limit"),
                        AlarmState.from_mapping(item.get("alarm")),
                        float(item.get("hourly_until") or 0.0),
                    )
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
                time.sleep(min(0.05 * 2**attempt, 1.0))
            if request:
                raise RuntimeError(
                    f"DynamoDB left {len(request[self.table]['Keys'])} series unread"
                )
        return found


class SeriesStore(SeriesReader):
    """Reads and appends the rolling usage series of many quotas, in batches."""

    permissions = (
        Needs(
            ("dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"),
            p.TABLE_MONITORING,
            "read and store the quotas' usage series",
        ),
    )

    def save(self, series: Sequence[StoredSeries], now: datetime) -> None:
        ttl = int((now + SERIES_TTL).timestamp())
        for s in series:  # a no-op for what ``append`` kept; bounds anything else
            compact(s)
        puts = [
            {
                "PutRequest": {
                    "Item": {
                        **_series_key(s.key),
                        **to_item(
                            {
                                "times": _pack(s.times[-MAX_STORED_POINTS:]),
                                "values": _pack(s.values[-MAX_STORED_POINTS:]),
                                "limit": s.limit,
                                "alarm": s.alarm.to_mapping(),
                                "hourly_until": s.hourly_until or None,
                                # the monitoring table's by-service index: quotas near
                                # their limit, per service, without reading every series
                                "service": s.key.service,
                                # (the attribute's stored name keeps its spelling)
                                "utilisation": _utilization(s),
                                "updated_at": now.isoformat(),
                                "ttl": ttl,
                            }
                        ),
                    }
                }
            }
            for s in series
        ]
        for start in range(0, len(puts), _BATCH_WRITE):
            request = {self.table: puts[start : start + _BATCH_WRITE]}
            for attempt in range(8):
                response = self.client.batch_write_item(RequestItems=request)
                request = response.get("UnprocessedItems") or {}
                if not request:
                    break
                time.sleep(min(0.05 * 2**attempt, 1.0))
            if request:
                raise RuntimeError(f"DynamoDB left {len(request[self.table])} series unwritten")


def append(
    stored: StoredSeries | None, key: QuotaKey, at: float, value: float, limit: float | None
) -> StoredSeries:
    if stored is None:
        return StoredSeries(key, [at], [value], limit)
    if stored.times and at <= stored.times[-1]:  # a retried cycle: don't add the point twice
        stored.limit = limit
        return stored
    stored.times.append(at)
    stored.values.append(value)
    stored.limit = limit
    return compact(stored)


def compact(stored: StoredSeries) -> StoredSeries:
    """Fold the raw points that left the raw week (or overran ``MAX_POINTS``) into hourly
    means, drop what is older than the hourly window; in place. Whole hours are folded at
    once and the hours already folded are never touched again, so folding as points arrive
    gives the same series as folding a long history in one go."""
    times, values = stored.times, stored.values
    if not times:
        return stored
    start = bisect.bisect_left(times, stored.hourly_until)  # the first raw point
    cutoff = math.floor((times[-1] - RAW_WINDOW_S) / HOUR_S) * HOUR_S
    if len(times) - start > MAX_POINTS:  # faster cycles than five minutes: a shorter raw week
        overrun = math.ceil(times[-1 - MAX_POINTS] / HOUR_S) * HOUR_S
        # never the hour still being collected: its later points would land in a folded hour
        cutoff = max(cutoff, min(overrun, math.floor(times[-1] / HOUR_S) * HOUR_S))
    if cutoff > stored.hourly_until:
        end = bisect.bisect_left(times, cutoff, lo=start)
        if end > start:
            times[start:end], values[start:end] = _hourly_means(times[start:end], values[start:end])
        stored.hourly_until = cutoff
    oldest = bisect.bisect_left(times, times[-1] - RAW_WINDOW_S - HOURLY_WINDOW_S)
    del times[:oldest], values[:oldest]
    return stored


def _hourly_means(times: list[float], values: list[float]) -> tuple[list[float], list[float]]:
    """One point per clock hour: the mean time and the mean value of its points."""
    import numpy as np  # the engine extra; components import this module without it

    t, v = np.asarray(times), np.asarray(values)
    hours = np.floor(t / HOUR_S)
    starts = np.flatnonzero(np.r_[True, hours[1:] != hours[:-1]])
    counts = np.diff(np.r_[starts, len(t)])
    return (
        (np.add.reduceat(t, starts) / counts).tolist(),
        (np.add.reduceat(v, starts) / counts).tolist(),
    )


def retained(times: Sequence[float], values: Sequence[float]) -> tuple[list[float], list[float]]:
    """What the store keeps of a history collected up to its last point (the benchmark and
    ``quotapilot simulate`` forecast on exactly that)."""
    anonymous = QuotaKey("aws", "series", "history")
    stored = compact(StoredSeries(anonymous, list(times), list(values), None))
    return stored.times, stored.values

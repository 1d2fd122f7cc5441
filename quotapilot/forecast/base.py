"""The forecaster protocol the engine and ``quotapilot simulate`` call.

A forecaster takes many usage series at once (the engine forecasts thousands per cycle) and
returns, for each, the predicted usage at a horizon with an upper bound, the time until the
limit is reached, and a confidence that decisions can weigh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from quotapilot.domain import QuotaKey


@dataclass(frozen=True)
class Series:
    """A quota's usage history, oldest first; times are epoch seconds."""

    key: QuotaKey
    times: Sequence[float]
    values: Sequence[float]
    limit: float | None = None  # None: unlimited


@dataclass(frozen=True)
class Forecast:
    """What a forecaster expects of one series ``horizon_s`` seconds after its last point."""

    key: QuotaKey
    horizon_s: float
    predicted: float  # point forecast of usage at the horizon
    upper: float  # upper bound (P90) of usage at the horizon
    #: Seconds from the last point until the upper bound reaches the limit; None when it
    #: doesn't within the forecaster's look-ahead, or the quota is unlimited.
    exhaustion_s: float | None
    confidence: float  # 0..1: how much a decision should trust ``predicted``
    method: str  # "current", "trend", "seasonal", ... what produced it


@runtime_checkable
class Forecaster(Protocol):
    def forecast(self, series: Sequence[Series], horizon_s: float) -> list[Forecast]:
        """One forecast per series, in order; never raises on short, flat or gappy series."""
        ...

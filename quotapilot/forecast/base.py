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
    #: The usage at which the quota's rule starts warning (its warning threshold x limit);
    #: None: no warning level, so no warning probability either.
    warning: float | None = None


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
    #: P(usage reaches the limit within ``horizon_s``), from the forecast band. 0 when the
    #: forecaster doesn't trust its model on this series yet (too little history, or a
    #: backtest no better than the naive forecast): the static thresholds decide. None when
    #: the forecaster doesn't estimate it: its point forecast is used instead.
    exhaustion_probability: float | None = None
    #: The model's backtest error on this series over the naive forecast's (MASE); None when
    #: there was too little history to hold any out.
    backtest_mase: float | None = None
    #: P(usage reaches the series' ``warning`` level within ``horizon_s``), on the same terms
    #: as ``exhaustion_probability``; None when the series has no warning level.
    warning_probability: float | None = None


@runtime_checkable
class Forecaster(Protocol):
    def forecast(self, series: Sequence[Series], horizon_s: float) -> list[Forecast]:
        """One forecast per series, in order; never raises on short, flat or gappy series."""
        ...

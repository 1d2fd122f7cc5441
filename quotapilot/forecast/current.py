"""The current value as the forecast: the floor every real forecaster must beat, what the
models fall back to on series with almost no history, and what the engine uses when the
forecasting extra (numpy) is not installed. Pure Python, so it needs no extra."""

from __future__ import annotations

import math
from collections.abc import Sequence

from quotapilot.forecast.base import Forecast, Series


def exhaustion(
    now_value: float, slope_per_s: float, limit: float | None, lookahead_s: float
) -> float | None:
    if limit is None:
        return None
    if now_value >= limit:
        return 0.0
    if slope_per_s <= 0:
        return None
    seconds = (limit - now_value) / slope_per_s
    return seconds if seconds <= lookahead_s else None


def finite_values(series: Series) -> list[float]:
    """The values of the finite points, oldest first, one per timestamp (the last one wins):
    what ``quotapilot.forecast.simple.clean`` keeps, without numpy."""
    n = min(len(series.times), len(series.values))
    points = [
        (float(t), float(v))
        for t, v in zip(series.times[:n], series.values[:n], strict=True)
        if math.isfinite(float(t)) and math.isfinite(float(v))
    ]
    points.sort(key=lambda p: p[0])
    return [v for i, (t, v) in enumerate(points) if i + 1 == len(points) or points[i + 1][0] != t]


class CurrentValueForecaster:
    """Predicts no change: for series with almost no history."""

    def forecast(self, series: Sequence[Series], horizon_s: float) -> list[Forecast]:
        out = []
        for s in series:
            y = finite_values(s)
            last = y[-1] if y else 0.0
            spread = max(y) - min(y) if len(y) > 1 else 0.0
            out.append(
                Forecast(
                    s.key,
                    horizon_s,
                    last,
                    last + spread,
                    exhaustion(last + spread, 0.0, s.limit, horizon_s),
                    0.2 if y else 0.0,
                    "current",
                )
            )
        return out

"""The trend forecaster, for series with too little history for the model, and the cleaning
both models share. The floor to beat is :mod:`quotapilot.forecast.current`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from quotapilot.forecast.base import Forecast, Series
from quotapilot.forecast.current import CurrentValueForecaster, exhaustion

__all__ = ["CurrentValueForecaster", "TrendForecaster", "clean", "exhaustion"]


def clean(series: Series) -> tuple[np.ndarray, np.ndarray]:
    """Finite points only, oldest first, one value per timestamp (the last one wins)."""
    t = np.asarray(series.times, dtype=float)
    y = np.asarray(series.values, dtype=float)
    if t.shape != y.shape:
        n = min(len(t), len(y))
        t, y = t[:n], y[:n]
    keep = np.isfinite(t) & np.isfinite(y)
    t, y = t[keep], y[keep]
    if len(t) == 0:
        return t, y
    order = np.argsort(t, kind="stable")
    t, y = t[order], y[order]
    last = np.append(t[1:] != t[:-1], True)
    return t[last], y[last]


class TrendForecaster:
    """A robust linear trend over the recent window (Theil-Sen slope on a subsample)."""

    def __init__(self, window_s: float = 3 * 86_400, lookahead_factor: float = 4.0) -> None:
        self.window_s = window_s
        self.lookahead_factor = lookahead_factor

    def forecast(self, series: Sequence[Series], horizon_s: float) -> list[Forecast]:
        return [self.one(s, horizon_s) for s in series]

    def one(self, s: Series, horizon_s: float) -> Forecast:
        t, y = clean(s)
        if len(t) < 4 or t[-1] - t[0] <= 0:
            return CurrentValueForecaster().forecast([s], horizon_s)[0]
        recent = t >= t[-1] - self.window_s
        t, y = t[recent], y[recent]
        if len(t) < 4:
            return CurrentValueForecaster().forecast([s], horizon_s)[0]
        picks = np.linspace(0, len(t) - 1, min(len(t), 60)).astype(int)
        tp, yp = t[picks], y[picks]
        dt = tp[None, :] - tp[:, None]
        dy = yp[None, :] - yp[:, None]
        upper = np.triu(dt > 0, 1)
        slope = float(np.median(dy[upper] / dt[upper])) if upper.any() else 0.0
        level = float(np.median(y - slope * (t - t[-1])))
        residual = y - (level + slope * (t - t[-1]))
        band = float(np.quantile(np.abs(residual), 0.9)) if len(residual) else 0.0
        predicted = max(0.0, level + slope * horizon_s)
        lookahead = max(horizon_s, 1.0) * self.lookahead_factor
        scale = max(abs(level), 1.0)
        confidence = float(np.clip(1 - np.median(np.abs(residual)) / scale, 0.1, 0.8))
        return Forecast(
            s.key,
            horizon_s,
            predicted,
            predicted + band,
            exhaustion(level + band, slope, s.limit, lookahead),
            confidence,
            "trend",
        )

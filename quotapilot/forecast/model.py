"""The default forecaster: one multi-output linear model per shared time grid.

Series the engine collects on one schedule share their sample times, so a single design
matrix (level, trend, daily and weekly Fourier terms) serves all of them, and one
scikit-learn ``Ridge`` fit solves thousands of series at once. Per series, before the fit:
a level shift (a launch) is detected from windowed means and the history before it is moved
to the new level, so the trend is the one after the launch; after a first fit, spikes are
clipped to four robust standard deviations and the model is fitted again. The upper bound is
the point forecast plus the 90th percentile of the absolute residuals, widened with the
distance of the horizon. Too little history for a day's seasonality: trend only (the same
model without Fourier terms); almost none: the current value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from quotapilot.forecast.base import Forecast, Series
from quotapilot.forecast.simple import CurrentValueForecaster, clean
from quotapilot.forecast.store import ModelStore, StoredModel

DAY = 86_400.0
WEEK = 7 * DAY
MAX_POINTS = 1_500  # per series; longer histories are averaged onto a coarser grid
MAX_HISTORY_S = 28 * DAY


class SeasonalForecaster:
    """Trend + daily/weekly seasonality + step and spike handling, batched with sklearn."""

    def __init__(
        self,
        lookahead_s: float = 14 * DAY,
        alpha: float = 1e-3,
        min_points: int = 12,
        store: ModelStore | None = None,
        max_model_age_s: float = 7 * DAY,
    ) -> None:
        self.lookahead_s = lookahead_s
        self.alpha = alpha
        self.min_points = min_points
        self.store = store
        self.max_model_age_s = max_model_age_s

    def forecast(self, series: Sequence[Series], horizon_s: float) -> list[Forecast]:
        results: list[Forecast | None] = [None] * len(series)
        groups: dict[tuple, list[tuple[int, np.ndarray]]] = defaultdict(list)
        fallback = CurrentValueForecaster()
        for index, s in enumerate(series):
            t, y = clean(s)
            if len(t) < self.min_points or t[-1] - t[0] < 3600:
                results[index] = fallback.forecast([s], horizon_s)[0]
                continue
            start = max(t[0], t[-1] - MAX_HISTORY_S)
            native = float(np.median(np.diff(t[t >= start]))) if len(t) > 1 else 300.0
            points = int(min(MAX_POINTS, (t[-1] - start) / max(native, 1.0) + 1))
            if points < self.min_points:
                results[index] = fallback.forecast([s], horizon_s)[0]
                continue
            step = (t[-1] - start) / (points - 1)
            # series collected on one schedule land in one group and share one fit
            key = (points, round(step), round(t[-1] / max(step, 1.0)))
            grid = t[-1] - step * np.arange(points - 1, -1, -1)
            groups[key].append((index, np.interp(grid, t, y)))
        keep: list[StoredModel] = []
        for (points, step, _), members in groups.items():
            end = series[members[0][0]]
            t_end = float(clean(end)[0][-1])
            grid = t_end - step * np.arange(points - 1, -1, -1)
            values = np.vstack([v for _, v in members])
            fits = self._fit_group(grid, values, horizon_s)
            for (index, _), fit in zip(members, fits, strict=True):
                s = series[index]
                results[index] = self._forecast(s, horizon_s, *fit[:7])
                if fit[6] == "seasonal" and fit[5] >= 0.5:  # worth keeping
                    keep.append(
                        StoredModel(
                            str(s.key),
                            int(t_end),
                            fit[6],
                            t_end,
                            float(grid[-1] - grid[0]),
                            fit[7],
                            fit[4],
                            fit[5],
                        )
                    )
        if self.store is not None:
            if keep:
                self.store.save(keep)
            self._from_store(series, results, horizon_s)
        return [r for r in results if r is not None]

    def _from_store(self, series, results, horizon_s) -> None:
        """Series with too little fresh history use their last stored fit, if recent."""
        short = [i for i, r in enumerate(results) if r is not None and r.method == "current"]
        if not short:
            return
        stored = self.store.latest([str(series[i].key) for i in short])
        for i in short:
            s = series[i]
            model = stored.get(str(s.key))
            t, _ = clean(s)
            now = float(t[-1]) if len(t) else model.t_end if model else 0.0
            if model is None or now - model.t_end > self.max_model_age_s:
                continue
            ahead = np.unique(np.concatenate([[horizon_s], np.linspace(0, self.lookahead_s, 200)]))
            x, _ = self._design(now + ahead, model.t_end, model.span)
            path = x[:, : len(model.coef)] @ np.asarray(model.coef)
            at = float(path[np.searchsorted(ahead, horizon_s)])
            results[i] = self._forecast(
                s,
                horizon_s,
                at,
                model.band,
                ahead,
                path,
                model.band,
                model.confidence * 0.8,
                "stored",
            )

    # The model ---------------------------------------------------------------------------

    def _design(self, times: np.ndarray, t_end: float, span: float) -> tuple[np.ndarray, str]:
        columns = [np.ones_like(times), (times - t_end) / span]
        method = "trend"
        if span >= 2 * DAY:
            method = "seasonal"
            for period, harmonics in ((DAY, 2), (WEEK, 2 if span >= 2 * WEEK else 0)):
                for k in range(1, harmonics + 1):
                    angle = 2 * np.pi * k * times / period
                    columns += [np.sin(angle), np.cos(angle)]
        return np.column_stack(columns), method

    def _fit_group(self, grid: np.ndarray, values: np.ndarray, horizon_s: float):
        from sklearn.linear_model import Ridge

        span = float(grid[-1] - grid[0])
        t_end = float(grid[-1])
        x, method = self._design(grid, t_end, span)
        adjusted = _remove_level_shifts(_clip_spikes(values))
        model = Ridge(alpha=self.alpha, fit_intercept=False)
        model.fit(x, adjusted.T)
        coef = np.atleast_2d(model.coef_)  # one target gives a 1-D coef_
        fitted = (x @ coef.T).T
        residual = adjusted - fitted
        band = np.quantile(np.abs(residual), 0.9, axis=1)
        # the path ahead: the horizon itself, then a grid out to the look-ahead
        ahead = np.unique(np.concatenate([[horizon_s], np.linspace(0, self.lookahead_s, 200)]))
        future, _ = self._design(t_end + ahead, t_end, span)
        future = future[:, : x.shape[1]]
        paths = coef @ future.T  # series x ahead
        at_horizon = paths[:, np.searchsorted(ahead, horizon_s)]
        level = np.abs(fitted[:, -1]) + 1.0
        history = min(1.0, span / (2 * DAY))
        confidence = np.clip(
            (1 - np.median(np.abs(residual), axis=1) / level) * history, 0.05, 0.95
        )
        widen = np.sqrt(1 + horizon_s / max(span, 1.0))
        return [
            (
                float(at_horizon[i]),
                float(band[i] * widen),
                ahead,
                paths[i],
                float(band[i]),
                float(confidence[i]),
                method,
                tuple(float(c) for c in coef[i]),
            )
            for i in range(values.shape[0])
        ]

    def _forecast(
        self,
        s: Series,
        horizon_s: float,
        predicted: float,
        band: float,
        ahead: np.ndarray,
        path: np.ndarray,
        path_band: float,
        confidence: float,
        method: str,
    ) -> Forecast:
        predicted = max(0.0, predicted)
        exhausted = None
        if s.limit is not None:
            over = np.nonzero(path + path_band >= s.limit)[0]
            if len(over):
                exhausted = float(ahead[over[0]])
        return Forecast(
            s.key, horizon_s, predicted, predicted + band, exhausted, confidence, method
        )


def _clip_spikes(values: np.ndarray, width: int = 5, chunk: int = 500) -> np.ndarray:
    """Clip points far from their neighbours' median (bursts of one or two samples).

    The spread allowed is four robust standard deviations of the distance to the rolling
    median, and never less than 1% of the series' level, so a perfectly flat series with
    one burst is still cleaned. Chunked so 10,000 long series stay small in memory.
    """
    from numpy.lib.stride_tricks import sliding_window_view

    series, points = values.shape
    if points < width:
        return values
    out = np.empty_like(values)
    half = width // 2
    for start in range(0, series, chunk):
        block = values[start : start + chunk]
        padded = np.pad(block, ((0, 0), (half, half)), mode="reflect")
        baseline = np.median(sliding_window_view(padded, width, axis=1), axis=2)
        distance = block - baseline
        spread = 1.4826 * np.median(np.abs(distance), axis=1, keepdims=True)
        floor = 0.01 * np.abs(np.median(baseline, axis=1, keepdims=True)) + 1e-9
        allowed = 4 * np.maximum(spread, floor)
        out[start : start + chunk] = np.clip(block, baseline - allowed, baseline + allowed)
    return out


def _remove_level_shifts(
    values: np.ndarray, min_fraction: float = 0.1, threshold: float = 6.0
) -> np.ndarray:
    """Move each series' history before its largest level shift to the level after it.

    A shift at ``k`` is the difference of the means of the windows before and after ``k``,
    in units of the series' noise (the robust spread of its first differences); the largest
    one above ``threshold`` counts. Vectorised over series with cumulative sums.
    """
    series, points = values.shape
    window = max(3, int(points * min_fraction))
    if points < 2 * window + 1:
        return values
    cumulative = np.concatenate([np.zeros((series, 1)), np.cumsum(values, axis=1)], axis=1)
    ks = np.arange(window, points - window + 1)
    before = (cumulative[:, ks] - cumulative[:, ks - window]) / window
    after = (cumulative[:, ks + window] - cumulative[:, ks]) / window
    diffs = np.diff(values, axis=1)
    noise = (
        1.4826 * np.median(np.abs(diffs - np.median(diffs, axis=1, keepdims=True)), axis=1) + 1e-9
    )
    # a trend also moves the window means apart: compare with what the trend explains
    trend = np.median(diffs, axis=1) * window
    jump = after - before - trend[:, None]
    score = np.abs(jump) / (noise[:, None] * np.sqrt(2.0 / window) * window**0.5 + 1e-9)
    best = np.argmax(score, axis=1)
    adjusted = values.copy()
    for i in np.nonzero(score[np.arange(series), best] > threshold)[0]:
        k = ks[best[i]]
        adjusted[i, :k] += jump[i, best[i]]
    return adjusted

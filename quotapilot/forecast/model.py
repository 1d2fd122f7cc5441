"""The default forecaster: one multi-output linear model per shared time grid.

Series the engine collects on one schedule share their sample times, so one design matrix
serves all of them and one scikit-learn ``Ridge`` fit solves thousands of series at once
(``trend.py``: level, recent and earlier trend, daily and weekly Fourier terms; a damped
path where growth slows down). Per series, before the fit: spikes are clipped and the history
before a level shift (a launch) is moved to the new level (``cleaning.py``).

Each forecast carries the probability that usage reaches the limit within the horizon
(``risk.py``), from a band calibrated on the model's own backtest on that series. While the
history is too short for that backtest to mean anything, or when the model did no better
than the naive forecast on it, the probability is 0 and the engine's static thresholds alone
decide. Too little history for a day's seasonality: trend only; almost none: the current
value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from quotapilot.forecast.base import Forecast, Series
from quotapilot.forecast.cleaning import clip_spikes, remove_level_shifts
from quotapilot.forecast.risk import (
    Z90,
    backtest,
    band,
    exhaustion_probability,
    first_crossing,
)
from quotapilot.forecast.simple import CurrentValueForecaster, clean
from quotapilot.forecast.store import ModelStore, StoredModel
from quotapilot.forecast.trend import design

DAY = 86_400.0
MAX_POINTS = 1_500  # per series; longer histories are averaged onto a coarser grid
MAX_HISTORY_S = 28 * DAY
PATH_POINTS = 120  # the path ahead is checked at this many times, plus the horizon itself


def min_history_s(horizon_s: float) -> float:
    """History needed before the model's probability counts: a quarter of the horizon, so a
    forecast never reaches more than about four histories ahead, at least a day (the first
    hours of a series are mostly its launch) and at most five days (a new quota is forecast
    within its first week, though the engine now keeps five).
    """
    return float(np.clip(horizon_s / 4, DAY, 5 * DAY))


class SeasonalForecaster:
    """Trend (damped where it slows) + seasonality + step and spike handling, batched."""

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
        groups: dict[tuple, list[tuple[int, np.ndarray, np.ndarray]]] = defaultdict(list)
        for index, s in enumerate(series):
            t, y = clean(s)
            if len(t) < self.min_points or t[-1] - t[0] < 3600:
                results[index] = _static(s, horizon_s)
                continue
            start = max(t[0], t[-1] - MAX_HISTORY_S)
            native = float(np.median(np.diff(t[t >= start])))
            points = int(min(MAX_POINTS, (t[-1] - start) / max(native, 1.0) + 1))
            if points < self.min_points:
                results[index] = _static(s, horizon_s)
                continue
            step = (t[-1] - start) / (points - 1)
            # series collected on one schedule land in one group and share one fit
            key = (points, round(step), round(t[-1] / max(step, 1.0)))
            grid = t[-1] - step * np.arange(points - 1, -1, -1)
            groups[key].append((index, grid, np.interp(grid, t, y)))
        keep: list[StoredModel] = []
        for members in groups.values():
            indices = [i for i, _, _ in members]
            values = np.vstack([v for _, _, v in members])
            grid = members[0][1]
            forecasts, stored = self._forecast_group(
                [series[i] for i in indices], grid, values, horizon_s
            )
            for i, forecast in zip(indices, forecasts, strict=True):
                results[i] = forecast
            keep += stored
        if self.store is not None:
            if keep:
                self.store.save(keep)
            self._from_store(series, results, horizon_s)
        return [r for r in results if r is not None]

    def _forecast_group(
        self, members: list[Series], grid: np.ndarray, values: np.ndarray, horizon_s: float
    ) -> tuple[list[Forecast], list[StoredModel]]:
        from quotapilot.forecast.trend import fit_group

        adjusted = remove_level_shifts(clip_spikes(values))
        fit = fit_group(grid, adjusted, self.alpha, horizon_s)
        lookahead = max(self.lookahead_s, horizon_s)
        ahead = np.unique(np.concatenate([[horizon_s], np.linspace(0, lookahead, PATH_POINTS)]))
        at = int(np.searchsorted(ahead, horizon_s))
        paths = fit.path(ahead)
        enough = fit.span >= min_history_s(horizon_s)
        test = backtest(grid, adjusted, self.alpha, horizon_s) if enough else None
        drift = test.drift if test is not None else np.zeros(len(members))
        sigma = band(fit.noise, fit.slope_se, drift, ahead)
        upper = paths + Z90 * sigma
        limits = np.array([np.inf if s.limit is None else float(s.limit) for s in members])
        within = (ahead > 0) & (ahead <= horizon_s)
        chance = exhaustion_probability(paths, sigma, limits, within)
        warnings = np.array([np.inf if s.warning is None else float(s.warning) for s in members])
        warning = (
            exhaustion_probability(paths, sigma, warnings, within)
            if np.isfinite(warnings).any()
            else np.zeros(len(members))
        )
        # the model's probability counts only where its backtest beat the naive forecast
        trusted = test.mase < 1.0 if test is not None else np.zeros(len(members), bool)
        chance = np.where(trusted, chance, 0.0)
        warning = np.where(trusted, warning, 0.0)
        mase = test.mase if test is not None else np.full(len(members), np.nan)
        confidence = np.where(trusted, np.clip(1.0 - mase, 0.05, 0.95), 0.2)
        exhausted = first_crossing(upper, limits, ahead)
        forecasts, stored = [], []
        for row, s in enumerate(members):
            predicted = max(0.0, float(paths[row, at]))
            forecasts.append(
                Forecast(
                    s.key,
                    horizon_s,
                    predicted,
                    max(predicted, float(upper[row, at])),
                    exhausted[row],
                    float(confidence[row]),
                    fit.method,
                    float(chance[row]),
                    None if np.isnan(mase[row]) else float(mase[row]),
                    None if s.warning is None else float(warning[row]),
                )
            )
            if fit.method == "seasonal" and trusted[row]:  # worth keeping
                stored.append(
                    StoredModel(
                        str(s.key),
                        int(fit.t_end),
                        fit.method,
                        fit.t_end,
                        fit.span,
                        tuple(float(c) for c in fit.coef[row, :-2]),  # without the hinges
                        float(Z90 * fit.noise[row]),
                        float(confidence[row]),
                    )
                )
        return forecasts, stored

    def _from_store(self, series, results, horizon_s) -> None:
        """Series with too little fresh history use their last stored fit, if recent: its
        level, average trend and seasonality. It raises no alarm: after a gap, today's trend
        is unknown."""
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
            x = design(np.array([now + horizon_s]), model.t_end, model.span)
            predicted = max(0.0, float(x[0, : len(model.coef)] @ np.asarray(model.coef)))
            results[i] = Forecast(
                s.key,
                horizon_s,
                predicted,
                predicted + model.band,
                None,
                model.confidence * 0.8,
                "stored",
                0.0,
                warning_probability=None if s.warning is None else 0.0,
            )


def _static(s: Series, horizon_s: float) -> Forecast:
    """Almost no history: the current value, and no probability (the thresholds decide)."""
    current = CurrentValueForecaster().forecast([s], horizon_s)[0]
    return Forecast(
        s.key,
        horizon_s,
        current.predicted,
        current.upper,
        current.exhaustion_s,
        current.confidence,
        current.method,
        0.0,
        warning_probability=None if s.warning is None else 0.0,
    )

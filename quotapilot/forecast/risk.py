"""How sure a forecast is: the model's own backtest on each series, the band that follows
from it, and the probability that usage reaches the limit within the horizon.

The band at ``t`` seconds ahead combines the noise around the fit with two errors that grow
with ``t``: the recent slope's standard error, and the bias the same model showed when it was
fitted without the last quarter of the history and asked to forecast that quarter (its
backtest). So a series on which the model has been wrong gets a wide band, and a wide band
only delays an alarm raised on a high probability: the point path must cross the limit by
more of the band before the probability is high.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quotapilot.forecast.trend import fit_group

Z90 = 1.2816  # the standard normal's 90th percentile: the upper bound is a P90
HOLDOUT = 0.25  # share of the history the backtest forecasts
MIN_TRAIN_POINTS = 12


@dataclass(frozen=True)
class Backtest:
    """One value per series."""

    mase: np.ndarray  # the model's mean absolute error over the naive forecast's
    drift: np.ndarray  # the model's bias at the end of the held-out part, per second ahead


def backtest(
    grid: np.ndarray, values: np.ndarray, alpha: float, horizon_s: float
) -> Backtest | None:
    """Fit on the history without its last quarter, forecast that quarter, compare; None when
    the history is too short to hold a quarter out."""
    points = len(grid)
    held = max(2, int(points * HOLDOUT))
    train = points - held
    if train < MIN_TRAIN_POINTS:
        return None
    fit = fit_group(grid[:train], values[:, :train], alpha, horizon_s)
    ahead = grid[train:] - grid[train - 1]
    error = values[:, train:] - fit.path(ahead)
    naive = values[:, train:] - values[:, train - 1 : train]
    scale = np.mean(np.abs(naive), axis=1)
    tiny = 1e-9 * (np.abs(values[:, -1]) + 1.0)
    mase = np.mean(np.abs(error), axis=1) / (scale + tiny)
    tail = np.abs(np.mean(error[:, -max(1, held // 4) :], axis=1))
    return Backtest(mase, tail / max(float(ahead[-1]), 1.0))


def band(
    noise: np.ndarray, slope_se: np.ndarray, drift: np.ndarray, ahead: np.ndarray
) -> np.ndarray:
    """The standard deviation of usage ``ahead`` seconds out: series x len(ahead)."""
    growing = (slope_se + drift)[:, None] * ahead[None, :]
    return np.sqrt(noise[:, None] ** 2 + growing**2) + 1e-9


def exhaustion_probability(
    paths: np.ndarray, sigma: np.ndarray, limits: np.ndarray, within: np.ndarray
) -> np.ndarray:
    """P(usage >= limit) at the most likely moment within the horizon (the columns ``within``
    selects), per series; 0 for unlimited quotas."""
    from scipy.special import ndtr

    finite = np.isfinite(limits)
    safe = np.where(finite, limits, 0.0)[:, None]
    chance = ndtr((paths[:, within] - safe) / sigma[:, within])
    return np.where(finite, chance.max(axis=1, initial=0.0), 0.0)


def first_crossing(upper: np.ndarray, limits: np.ndarray, ahead: np.ndarray) -> list:
    """Seconds until the upper bound first reaches the limit, per series; None if never."""
    over = upper >= np.where(np.isfinite(limits), limits, np.inf)[:, None]
    hit = over.any(axis=1)
    first = over.argmax(axis=1)
    return [float(ahead[f]) if h else None for f, h in zip(first, hit, strict=True)]

"""One linear model for a group of series on a shared grid, and the paths it forecasts.

The design has a level, a trend, daily and weekly Fourier terms, and two hinges, one and two
*windows* before the end, so the trend of the last window (the *recent* slope) is estimated
apart from the window before it and from the earlier history. A window is a quarter of the
horizon, within an eighth to a quarter of the history: growth that will level off within the horizon
shows its slowdown on that scale, while a quarter of a long history would still average it
out with the acceleration before it. One scikit-learn ``Ridge`` fit solves every series of
the group.

The path ahead follows the recent slope, not the average one: usage that accelerates (a
launch, exponential growth) is extrapolated at the speed it has now. Usage whose growth slows
down by more than the noise explains (a saturating, logistic-like series, growth that reached
a plateau) is extrapolated with a damped trend: if the slope fell from ``s_old`` to ``s_new``
between two segments whose centres are ``d`` apart, an exponential approach to a ceiling
with time constant ``tau = d / ln(s_old / s_new)`` has exactly these slopes, and the path
adds ``s_new * tau * (1 - exp(-t / tau))``, which levels off at ``s_new * tau`` above today.
A decline is damped too (usage rarely falls for ever), over a third of the span.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DAY = 86_400.0
WEEK = 7 * DAY
WINDOW_SHARE = 0.25  # of the horizon, within HISTORY_SHARES of the history
HISTORY_SHARES = (0.125, 0.25)  # enough points for a slope; room for the earlier trend


def knots(span: float, horizon_s: float) -> tuple[float, float]:
    """Where the previous and the recent window start, in units of the span before the end."""
    low, high = HISTORY_SHARES
    window = min(max(WINDOW_SHARE * horizon_s, low * span), high * span)
    return (-2 * window / span, -window / span)


@dataclass(frozen=True)
class GroupFit:
    """A group's fit; every array has one row (or value) per series."""

    t_end: float
    span: float
    method: str  # "trend" or "seasonal"
    knots: tuple[float, float]
    coef: np.ndarray  # series x columns, in :func:`design` order
    level: np.ndarray  # the trend's value at t_end, seasonality excluded
    slope: np.ndarray  # recent slope, per second
    tau: np.ndarray  # damping time constant in seconds; inf: no damping
    noise: np.ndarray  # robust standard deviation of the residuals
    slope_se: np.ndarray  # standard error of the recent slope, per second
    fitted_end: np.ndarray  # the fitted value at t_end, seasonality included

    def path(self, ahead: np.ndarray) -> np.ndarray:
        """Forecast usage ``ahead`` seconds after t_end: series x len(ahead)."""
        ahead = np.asarray(ahead, dtype=float)
        seasonal = seasonal_columns(self.t_end + ahead, self.span) @ self.coef[:, 2:-2].T
        tau = self.tau[:, None]
        damped = np.isfinite(tau)
        safe_tau = np.where(damped, tau, 1.0)
        growth = np.where(
            damped,
            self.slope[:, None] * safe_tau * -np.expm1(-ahead[None, :] / safe_tau),
            self.slope[:, None] * ahead[None, :],
        )
        return self.level[:, None] + growth + seasonal.T


def seasonal_columns(times: np.ndarray, span: float) -> np.ndarray:
    """Daily terms once two days are seen, weekly ones once two weeks are."""
    columns = []
    if span >= 2 * DAY:
        for period, harmonics in ((DAY, 2), (WEEK, 2 if span >= 2 * WEEK else 0)):
            for k in range(1, harmonics + 1):
                angle = 2 * np.pi * k * times / period
                columns += [np.sin(angle), np.cos(angle)]
    if not columns:
        return np.zeros((len(times), 0))
    return np.column_stack(columns)


def design(times: np.ndarray, t_end: float, span: float, at: tuple[float, ...] = ()) -> np.ndarray:
    """Columns: level, trend, seasonal terms, then a hinge per knot in ``at`` (last, so that
    the first columns mean the same with or without them)."""
    u = (times - t_end) / span
    hinges = [np.maximum(u - knot, 0.0) for knot in at]
    return np.column_stack([np.ones_like(times), u, seasonal_columns(times, span), *hinges])


def fit_group(grid: np.ndarray, values: np.ndarray, alpha: float, horizon_s: float) -> GroupFit:
    """Fit every row of ``values`` (already cleaned) on the shared ``grid``."""
    from sklearn.linear_model import Ridge

    t_end = float(grid[-1])
    span = float(grid[-1] - grid[0])
    at = knots(span, horizon_s)
    x = design(grid, t_end, span, at)
    model = Ridge(alpha=alpha, fit_intercept=False)
    model.fit(x, values.T)
    coef = np.atleast_2d(model.coef_)  # one target gives a 1-D coef_
    fitted = coef @ x.T
    residual = values - fitted
    centred = residual - np.median(residual, axis=1, keepdims=True)
    noise = 1.4826 * np.median(np.abs(centred), axis=1)
    old = (coef[:, 1] + coef[:, -2]) / span  # the previous sixth
    new = (coef[:, 1] + coef[:, -2] + coef[:, -1]) / span  # the last sixth
    recent = (grid - t_end) / span >= at[1]
    spread = np.sqrt(max(float(np.sum((grid[recent] - grid[recent].mean()) ** 2)), 1e-9))
    slope_se = noise / spread
    distance = -at[1] * span  # between the centres of the two windows
    # slowing down by more than the noise explains, and by a tenth at least: damp
    slowing = (new > 0) & (old - new > np.maximum(2 * slope_se, 0.1 * old))
    ratio = np.clip(new / np.where(old > 0, old, 1.0), 1e-6, 1 - 1e-9)
    tau = np.where(slowing, distance / -np.log(ratio), np.inf)
    tau = np.where(new < 0, span / 3.0, tau)
    level = coef[:, 0] - coef[:, -2] * at[0] - coef[:, -1] * at[1]  # the hinges at u = 0
    return GroupFit(
        t_end,
        span,
        "seasonal" if x.shape[1] > 4 else "trend",
        at,
        coef,
        level,
        new,
        tau,
        noise,
        slope_se,
        fitted[:, -1],
    )

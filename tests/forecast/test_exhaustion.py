"""The probability of exhaustion: from the band, damped where growth levels off, and none
while the history is too short for the model's backtest."""

from __future__ import annotations

import numpy as np
import pytest

from quotapilot.domain import QuotaKey
from quotapilot.forecast import Series, default_forecaster
from quotapilot.forecast.model import min_history_s
from quotapilot.forecast.risk import band, exhaustion_probability

KEY = QuotaKey("aws", "ec2", "L-1216C47A", "us-east-1")
HOUR, DAY = 3600.0, 86_400.0
T0 = 1_790_000_000.0
HORIZON = 14 * DAY


def hourly(days: float, start: float = 0.0) -> np.ndarray:
    return T0 + np.arange(start * DAY, days * DAY, HOUR)


def one(times, values, horizon=HORIZON, limit=1000.0):
    [forecast] = default_forecaster().forecast([Series(KEY, times, values, limit)], horizon)
    return forecast


def test_probability_comes_from_the_band_not_the_point_forecast():
    ahead = np.array([DAY, 7 * DAY])
    paths = np.array([[900.0, 1010.0], [900.0, 1010.0]])
    narrow = band(np.array([5.0, 5.0]), np.zeros(2), np.array([0.0, 0.0]), ahead)
    wide = band(np.array([5.0, 5.0]), np.zeros(2), np.array([0.0, 200.0 / (7 * DAY)]), ahead)
    within = np.array([True, True])
    limits = np.array([1000.0, 1000.0])
    sure, unsure = exhaustion_probability(paths, np.vstack([narrow[0], wide[1]]), limits, within)
    # the same point forecast crosses the limit; only the band tells how likely that is
    assert sure > 0.9 and 0.5 < unsure < 0.6
    unlimited = exhaustion_probability(paths, narrow, np.array([np.inf, np.inf]), within)
    assert list(unlimited) == [0.0, 0.0]


def test_steady_growth_to_the_limit_within_the_horizon_is_probable():
    t = hourly(30)
    rng = np.random.default_rng(3)
    y = 200 + 20 * (t - T0) / DAY + rng.normal(0, 10, len(t))  # 800 now, +20 a day
    soon = one(t, y)  # the limit is 10 days away: inside 14 days
    later = one(t, y, horizon=5 * DAY)  # ... and outside 5 days
    assert soon.exhaustion_probability > 0.9 and soon.backtest_mase < 1
    assert later.exhaustion_probability < 0.05


def test_growth_that_saturates_below_the_limit_is_not_an_exhaustion():
    t = hourly(33)
    d = (t - T0) / DAY
    rng = np.random.default_rng(4)
    y = 200 + 540 / (1 + np.exp(-(d - 26) / 3)) + rng.normal(0, 10, len(t))
    forecast = one(t, y)
    # a straight line through the last week would cross the limit within the horizon
    recent = np.polyfit(d[-168:], y[-168:], 1)[0]
    assert y[-1] + recent * 14 > 1000
    assert forecast.exhaustion_probability < 0.2
    assert forecast.predicted < 900


def test_short_history_leaves_the_decision_to_the_static_thresholds():
    # a quota seen for a day, growing fast: the model would extrapolate its launch
    t = hourly(1)
    y = 100 + 30 * np.arange(len(t), dtype=float)
    forecast = one(t, y)
    assert min_history_s(HORIZON) > DAY
    assert forecast.exhaustion_probability == 0.0 and forecast.backtest_mase is None
    # with enough history, the same forecaster does give a probability
    long = hourly(8)
    growth = 100 + 4 * np.arange(len(long), dtype=float)
    assert one(long, growth).exhaustion_probability > 0.5


def test_a_model_no_better_than_naive_gives_no_probability():
    rng = np.random.default_rng(5)
    t = hourly(20)
    walk = 700 + np.cumsum(rng.normal(0, 15, len(t)))  # a random walk: naive is optimal
    forecast = one(t, walk)
    if forecast.backtest_mase >= 1:
        assert forecast.exhaustion_probability == 0.0
    else:  # the backtest happened to favour the model: then it must be a real probability
        assert 0.0 <= forecast.exhaustion_probability <= 1.0


@pytest.mark.parametrize("horizon_days", [7, 14, 28])
def test_minimum_history_grows_with_the_horizon_within_bounds(horizon_days):
    needed = min_history_s(horizon_days * DAY)
    assert DAY <= needed <= 5 * DAY
    assert needed == pytest.approx(min(max(horizon_days * DAY / 4, DAY), 5 * DAY))


def test_the_warning_level_is_probable_before_the_limit_is():
    t = hourly(30)
    rng = np.random.default_rng(3)
    y = 200 + 15 * (t - T0) / DAY + rng.normal(0, 10, len(t))  # 650 now, +15 a day
    series = [Series(KEY, t, y, 1000.0, warning=800.0), Series(KEY, t, y, 1000.0)]
    warned, plain = default_forecaster().forecast(series, 14 * DAY)
    # 800 is 10 days away (inside the horizon), 1000 is 23 days away (outside)
    assert warned.warning_probability > 0.9 and warned.exhaustion_probability < 0.05
    assert plain.warning_probability is None  # no warning level: no warning probability
    assert plain.exhaustion_probability == warned.exhaustion_probability
    # flat usage below the warning level: no warning
    flat = 650 + rng.normal(0, 10, len(t))
    [quiet] = default_forecaster().forecast([Series(KEY, t, flat, 1000.0, warning=800.0)], HORIZON)
    assert quiet.warning_probability < 0.05


def test_short_history_gives_no_warning_probability_either():
    t = hourly(0.5)
    y = 100 + 30 * np.arange(len(t), dtype=float)
    [forecast] = default_forecaster().forecast([Series(KEY, t, y, 1000.0, warning=800.0)], HORIZON)
    assert forecast.warning_probability == 0.0

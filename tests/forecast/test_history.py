"""The history the engine keeps per quota: a raw week, then hourly means, bounded in size."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from bench.engine.fake_cloud import FakeDynamoDB
from quotapilot.domain import QuotaKey
from quotapilot.engine.collect.store import (
    HOUR_S,
    HOURLY_WINDOW_S,
    MAX_POINTS,
    MAX_STORED_POINTS,
    RAW_WINDOW_S,
    SeriesStore,
    StoredSeries,
    _pack,
    append,
    retained,
)

DAY = 86_400.0
T0 = 1_790_000_123.0
KEY = QuotaKey("aws", "ec2", "L-1216C47A", "us-east-1", "111111111111")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def collected(days: float, every_s: float, seed: int = 0) -> tuple[list[float], list[float]]:
    rng = np.random.default_rng(seed)
    times = T0 + np.arange(0, days * DAY, every_s) + rng.uniform(-20, 20, int(days * DAY / every_s))
    return times.tolist(), (500 + rng.normal(0, 10, len(times))).tolist()


def test_a_raw_week_then_hourly_means_for_four_weeks():
    times, values = collected(50, 300.0)
    stored = None
    for at, value in zip(times, values, strict=True):
        stored = append(stored, KEY, at, value, 1000.0)
    t = np.array(stored.times)
    raw = t >= stored.hourly_until
    # the last week exactly as collected, the rest one point per clock hour
    assert np.array_equal(t[raw], np.array(times)[np.array(times) >= stored.hourly_until])
    assert stored.hourly_until >= t[-1] - RAW_WINDOW_S - HOUR_S
    hours = np.floor(t[~raw] / HOUR_S)
    assert len(np.unique(hours)) == len(hours)
    assert abs(len(hours) - HOURLY_WINDOW_S / HOUR_S) <= 1  # four weeks, give or take an edge
    assert t[-1] - t[0] <= RAW_WINDOW_S + HOURLY_WINDOW_S
    assert len(t) <= MAX_STORED_POINTS
    # an hourly point is the mean of that hour's collected points
    first_hour = np.array(times)[np.floor(np.array(times) / HOUR_S) == hours[0]]
    expected = np.array(values)[np.floor(np.array(times) / HOUR_S) == hours[0]]
    assert abs(t[0] - first_hour.mean()) < 1e-6
    assert abs(stored.values[0] - expected.mean()) < 1e-9
    # folding as points arrive and folding the whole history at once agree
    assert (stored.times, stored.values) == retained(times, values)


def test_faster_cycles_keep_a_shorter_raw_week_within_the_item_limit():
    times, values = collected(12, 60.0)
    stored = None
    for at, value in zip(times, values, strict=True):
        stored = append(stored, KEY, at, value, 1000.0)
    raw = sum(t >= stored.hourly_until for t in stored.times)
    assert MAX_POINTS - 60 <= raw <= MAX_POINTS
    assert len(stored.times) <= MAX_STORED_POINTS
    # two packed float lists of the bound, far inside DynamoDB's 400 KB item
    assert 2 * len(_pack([0.0] * MAX_STORED_POINTS)) < 100_000


def test_a_retried_cycle_adds_nothing():
    stored = append(None, KEY, T0, 1.0, 10.0)
    again = append(stored, KEY, T0, 2.0, 20.0)
    assert again.times == [T0] and again.values == [1.0] and again.limit == 20.0


def test_the_series_item_keeps_the_boundary_and_bounds_what_it_is_given():
    db = FakeDynamoDB()
    store = SeriesStore("monitoring", db)
    times, values = collected(40, 300.0)
    store.save([StoredSeries(KEY, times, values, 1000.0)], NOW)  # 11,500 raw points
    loaded = store.load([KEY])[KEY]
    assert len(loaded.times) <= MAX_STORED_POINTS
    assert (loaded.times, loaded.values) == retained(times, values)
    assert loaded.hourly_until > times[0]
    # the next cycle folds only what left the raw week since
    after = append(loaded, KEY, times[-1] + 300.0, 500.0, 1000.0)
    assert (after.times, after.values) == retained([*times, times[-1] + 300.0], [*values, 500.0])


def test_an_item_written_before_hourly_history_loads_as_raw_points():
    db = FakeDynamoDB()
    store = SeriesStore("monitoring", db)
    times, values = collected(7, 300.0)
    times, values = times[-MAX_POINTS:], values[-MAX_POINTS:]
    store.save([StoredSeries(KEY, times, values, 1000.0)], NOW)
    loaded = store.load([KEY])[KEY]
    assert loaded.times == times and loaded.values == values

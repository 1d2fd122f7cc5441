"""The forecaster on synthetic series with known answers, its fallbacks, and its store."""

from __future__ import annotations

import sys

import boto3
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from moto import mock_aws

from quotapilot.domain import QuotaKey
from quotapilot.forecast import Series, TrendForecaster, default_forecaster
from quotapilot.forecast.model import SeasonalForecaster
from quotapilot.forecast.store import DynamoModelStore, LocalModelStore

KEY = QuotaKey("aws", "ec2", "L-1216C47A", "us-east-1")
HOUR, DAY = 3600.0, 86_400.0
T0 = 1_790_000_000.0


def hourly(days: float) -> np.ndarray:
    return T0 + np.arange(0, days * DAY, HOUR)


def test_importing_the_package_does_not_import_sklearn():
    import subprocess

    code = "import quotapilot.forecast, sys; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip() == "False"


def test_linear_ramp_predicts_the_line_and_its_exhaustion_time():
    t = hourly(10)
    y = 100 + 2.0 * np.arange(len(t))  # +48 a day
    [f] = default_forecaster().forecast([Series(KEY, t, y, limit=1000)], DAY)
    assert f.predicted == pytest.approx(y[-1] + 48, rel=0.01)
    expected = (1000 - y[-1]) / (2 / HOUR)
    assert f.exhaustion_s == pytest.approx(expected, rel=0.1)
    assert f.upper >= f.predicted and f.confidence > 0.5


def test_daily_seasonality_is_captured():
    t = hourly(14)
    y = 500 + 200 * np.sin(2 * np.pi * t / DAY)
    for horizon in (6 * HOUR, 12 * HOUR):
        [f] = default_forecaster().forecast([Series(KEY, t, y, limit=10_000)], horizon)
        truth = 500 + 200 * np.sin(2 * np.pi * (t[-1] + horizon) / DAY)
        assert f.predicted == pytest.approx(truth, abs=20)
        assert f.method == "seasonal"


def test_a_step_launch_sets_the_new_level():
    t = hourly(10)
    rng = np.random.default_rng(1)
    y = np.where(np.arange(len(t)) < 150, 200.0, 600.0) + rng.normal(0, 5, len(t))
    [f] = default_forecaster().forecast([Series(KEY, t, y, limit=2000)], DAY)
    assert f.predicted == pytest.approx(600, abs=30)  # no phantom trend from the jump
    assert f.exhaustion_s is None


def test_spikes_do_not_drag_the_forecast():
    t = hourly(10)
    y = np.full(len(t), 300.0)
    y[::17] = 3000  # bursts
    [f] = default_forecaster().forecast([Series(KEY, t, y, limit=5000)], DAY)
    assert f.predicted == pytest.approx(300, abs=30)


def test_flat_never_exhausts_and_little_history_falls_back():
    t = hourly(5)
    [flat] = default_forecaster().forecast([Series(KEY, t, np.full(len(t), 850.0), 1000)], DAY)
    assert flat.exhaustion_s is None and flat.predicted == pytest.approx(850, abs=1)
    short = default_forecaster().forecast([Series(KEY, t[:3], [1.0, 2.0, 3.0], 10)], DAY)
    assert short[0].method == "current" and short[0].predicted == 3.0
    one_day = hourly(1)
    [trend] = default_forecaster().forecast([Series(KEY, one_day, np.arange(24.0), 100)], DAY)
    assert trend.method == "trend" and trend.predicted == pytest.approx(47, abs=2)
    [robust] = TrendForecaster().forecast([Series(KEY, one_day, np.arange(24.0), 100)], DAY)
    assert robust.predicted == pytest.approx(47, abs=2)


def test_many_series_share_one_fit_and_keep_their_order():
    t = hourly(7)
    series = [
        Series(
            QuotaKey("aws", "svc", f"L-{i}", "us-east-1"), t, 10 * i + 0.5 * np.arange(len(t)), None
        )
        for i in range(50)
    ]
    forecasts = default_forecaster().forecast(series, DAY)
    assert [f.key for f in forecasts] == [s.key for s in series]
    for i, f in enumerate(forecasts):
        assert f.predicted == pytest.approx(10 * i + 0.5 * (len(t) - 1 + 24), rel=0.02)


values = st.lists(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True, width=32), st.integers(-10, 10**6).map(float)
    ),
    min_size=0,
    max_size=80,
)


@settings(max_examples=60, deadline=None)
@given(values=values, gap=st.integers(1, 7200), limit=st.one_of(st.none(), st.floats(0, 1e6)))
def test_never_raises_on_short_flat_gappy_or_noisy_series(values, gap, limit):
    times = T0 + np.cumsum(np.full(len(values), float(gap)))
    if len(times) > 5:
        times[3:] += 86_400  # a hole in collection
    [f] = default_forecaster().forecast([Series(KEY, times, values, limit)], DAY)
    assert np.isfinite(f.predicted) and np.isfinite(f.upper) and 0 <= f.confidence <= 1


def test_models_are_stored_and_used_after_a_collection_gap(tmp_path):
    store = LocalModelStore(tmp_path)
    t = hourly(10)
    y = 400 + 100 * np.sin(2 * np.pi * t / DAY) + np.arange(len(t)) * 0.1
    forecaster = SeasonalForecaster(store=store)
    [full] = forecaster.forecast([Series(KEY, t, y, 1000)], 6 * HOUR)
    [saved] = store.latest([str(KEY)]).values()
    assert saved.method == "seasonal" and saved.t_end == t[-1]
    # two hours later, after a gap, only three fresh points: the stored fit answers
    fresh = t[-1] + np.array([HOUR, 1.5 * HOUR, 2 * HOUR])
    [later] = forecaster.forecast([Series(KEY, fresh, [450.0, 460.0, 470.0], 1000)], 4 * HOUR)
    assert later.method == "stored"
    assert later.predicted == pytest.approx(full.predicted, abs=15)


@mock_aws
def test_dynamodb_store_round_trip_keeps_versions():
    client = boto3.client("dynamodb", region_name="us-east-1")
    client.create_table(
        TableName="monitoring",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
    )
    store = DynamoModelStore("monitoring", client=client)
    forecaster = SeasonalForecaster(store=store)
    t = hourly(6)
    y = 300 + 50 * np.sin(2 * np.pi * t / DAY)
    forecaster.forecast([Series(KEY, t, y, 1000)], HOUR)
    forecaster.forecast([Series(KEY, t + DAY, y, 1000)], HOUR)
    items = client.scan(TableName="monitoring")["Items"]
    assert len(items) == 2 and {i["pk"]["S"] for i in items} == {f"model#{KEY}"}
    assert store.latest([str(KEY)])[str(KEY)].t_end == t[-1] + DAY

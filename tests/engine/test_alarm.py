"""Horizon defaults per increase path, and the forecast alarm's hysteresis as the decision
sees it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from quotapilot.domain import QuotaKey
from quotapilot.engine.decision.alarm import CLEAR_BELOW, RAISE_AT, AlarmState, Watch, step
from quotapilot.engine.decision.decide import Action, Situation, decide
from quotapilot.engine.exceptions import RuleError
from quotapilot.engine.rules import AutomationLevel, Rule, rule_from_mapping
from quotapilot.increase_paths import (
    DEFAULT_HORIZON_HOURS,
    IncreasePath,
    increase_path,
    warns_early,
)

HOUR, DAY = 3600.0, 86_400.0
NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
EC2 = QuotaKey("aws", "ec2", "L-1216C47A", "us-east-1")
VPC = QuotaKey("aws", "vpc", "L-F678F1CE", "us-east-1")
UNLISTED = QuotaKey("aws", "somethingnew", "L-1", "us-east-1")


@pytest.mark.parametrize(
    ("key", "adjustable", "path"),
    [
        (VPC, True, IncreasePath.API),
        (EC2, True, IncreasePath.REVIEW),
        (EC2, None, IncreasePath.REVIEW),
        (VPC, False, IncreasePath.SUPPORT_CASE),  # not adjustable: only a case raises it
        (UNLISTED, None, IncreasePath.REVIEW),
    ],
)
def test_default_horizon_follows_the_increase_path(key, adjustable, path):
    rule = Rule(key.service, key.code, AutomationLevel.ALERT_ONLY)
    assert increase_path(key, adjustable) is path
    assert rule.horizon_hours(key, adjustable) == DEFAULT_HORIZON_HOURS[path]


def test_slower_paths_forecast_further_ahead():
    api, review, case = (DEFAULT_HORIZON_HOURS[p] for p in IncreasePath)
    assert api < review < case
    assert case >= 14 * 24  # at least the two weeks a support case can take


def test_the_rule_says_the_path_or_the_horizon():
    by_path = rule_from_mapping(
        {
            "service": "vpc",
            "code": "L-F678F1CE",
            "automation_level": "alert_only",
            "increase_path": "support_case",
        }
    )
    assert by_path.horizon_hours(VPC, True) == DEFAULT_HORIZON_HOURS[IncreasePath.SUPPORT_CASE]
    explicit = rule_from_mapping(
        {
            "service": "vpc",
            "code": "L-F678F1CE",
            "automation_level": "alert_only",
            "increase_path": "support_case",
            "forecast_horizon_hours": 36,
        }
    )
    assert explicit.horizon_hours(VPC, False) == 36.0
    with pytest.raises(RuleError) as error:
        rule_from_mapping(
            {
                "service": "vpc",
                "code": "x",
                "automation_level": "alert_only",
                "increase_path": "carrier_pigeon",
            }
        )
    assert error.value.field == "increase_path"


def run(probabilities, every_s=6 * HOUR, horizon_s=14 * DAY):
    state, raised = AlarmState(), []
    for n, p in enumerate(probabilities):
        state = step(state, p, n * every_s, horizon_s)
        raised.append(state.raised)
    return raised


def test_one_high_evaluation_does_not_raise_the_alarm():
    assert run([0.1, 0.99, 0.1, 0.99, 0.2]) == [False] * 5


def test_a_probability_that_stays_high_raises_it_once_confirmed():
    # 14-day horizon: confirmed after a fourteenth of it (a day), i.e. the fifth 6-hourly look
    raised = run([0.9] * 6)
    assert raised == [False, False, False, False, True, True]


def test_the_alarm_stays_up_until_the_probability_falls_below_the_lower_line():
    between = (RAISE_AT + CLEAR_BELOW) / 2
    raised = run([0.9] * 5 + [between, between, CLEAR_BELOW / 2, between])
    assert raised == [False] * 4 + [True, True, True, False, False]


def test_no_probability_means_no_alarm():
    assert run([0.9, 0.9, None, 0.9, 0.9, 0.9]) == [False] * 6


def test_state_round_trips_through_the_series_item():
    state = AlarmState(Watch(1_790_000_000.0, 3, True), Watch(1_789_000_000.0, 9, True))
    assert AlarmState.from_mapping(state.to_mapping()) == state
    assert AlarmState().to_mapping() is None  # nothing stored while quiet
    assert AlarmState.from_mapping(None) == AlarmState()
    # items written before the warning watch existed still load
    earlier = {"since": 1_790_000_000.0, "evaluations": 3, "raised": True}
    assert AlarmState.from_mapping(earlier) == AlarmState(Watch(1_790_000_000.0, 3, True))


def test_the_warning_watch_is_confirmed_and_cleared_on_its_own():
    state, seen = AlarmState(), []
    for n, (exhaustion, warning) in enumerate([(0.1, 0.9)] * 5 + [(0.1, 0.6), (0.1, 0.2)]):
        state = step(state, exhaustion, n * 6 * HOUR, 14 * DAY, warning)
        seen.append((state.raised, state.warned))
    assert seen == [(False, False)] * 4 + [(False, True)] * 2 + [(False, False)]
    # the engine's call without a warning probability leaves the warning watch quiet
    assert step(AlarmState(), 0.9, 0.0, 14 * DAY).warning == Watch()


def rule(**overrides) -> Rule:
    return Rule("ec2", "L-1216C47A", AutomationLevel.ALERT_ONLY, **overrides)


def test_the_alarm_raises_the_band_and_the_point_forecast_no_longer_does():
    # current 50%, the point forecast 90%: with a probability verdict, the point is reported
    quiet = Situation(EC2, 500.0, 1000.0, predicted=900.0, forecast_alarm=False)
    assert decide(rule(), quiet, NOON) is None
    raised = decide(rule(), Situation(EC2, 500.0, 1000.0, 900.0, forecast_alarm=True), NOON)
    assert raised is not None and raised.action is Action.ALERT_CRITICAL
    assert "exhaustion" in raised.reason
    # the current utilization still decides on its own (the static thresholds)
    static = decide(rule(), Situation(EC2, 960.0, 1000.0, 500.0, forecast_alarm=False), NOON)
    assert static is not None and static.action is Action.ALERT_EMERGENCY
    # without a verdict (events, simple forecasters), the point forecast sets the band
    legacy = decide(rule(), Situation(EC2, 500.0, 1000.0, predicted=900.0), NOON)
    assert legacy is not None and legacy.action is Action.ALERT_CRITICAL


def test_only_paths_slower_than_the_static_warning_warn_early():
    assert warns_early(VPC, False)  # not adjustable: a support case
    assert warns_early(VPC, True, "support_case")
    assert not warns_early(VPC, True) and not warns_early(EC2, True)


def test_observe_steps_both_watches_from_one_forecast():
    from quotapilot.engine.collect.store import StoredSeries
    from quotapilot.engine.decision.alarm import observe
    from quotapilot.forecast.base import Forecast

    series = StoredSeries(EC2, [0.0], [500.0], 1000.0).series(80.0)
    assert series.warning == 800.0
    assert StoredSeries(EC2, [0.0], [500.0], 1000.0).series().warning is None
    forecast = Forecast(EC2, 7 * DAY, 900.0, 950.0, None, 0.5, "seasonal", 0.1, 0.5, 0.95)
    state = AlarmState()
    for n in range(3):  # confirmed after half a day on a week's horizon
        state = observe(state, forecast, n * 6 * HOUR)
    assert state.warned and not state.raised


def test_the_warning_alarm_raises_the_band_to_warning_only():
    below = Situation(EC2, 500.0, 1000.0, 900.0, forecast_alarm=False, forecast_warning=True)
    warned = decide(rule(), below, NOON)
    assert warned is not None and warned.action is Action.ALERT_WARNING
    assert "warning threshold" in warned.reason
    # it never lowers a band: current utilization at 92% is still an emergency
    high = Situation(EC2, 960.0, 1000.0, 960.0, forecast_alarm=False, forecast_warning=True)
    assert decide(rule(), high, NOON).action is Action.ALERT_EMERGENCY
    # and escalation to an increase still needs the exhaustion alarm
    requesting = Rule("ec2", "L-1216C47A", AutomationLevel.AUTO_REQUEST)
    assert decide(requesting, below, NOON).action is Action.ALERT_WARNING
    both = Situation(EC2, 500.0, 1000.0, 900.0, forecast_alarm=True, forecast_warning=True)
    assert decide(requesting, both, NOON).action.is_increase


def test_simulate_forecasts_at_the_engines_default_horizon():
    from quotapilot.engine.simulate.replay import Point, replay
    from tests.engine.fakes import GrowthForecaster

    forecaster = GrowthForecaster()
    points = [Point(NOON, 10.0, 100.0)]
    replay(
        {EC2: points, VPC: points},
        [rule(), Rule("vpc", "L-F678F1CE", rule().automation_level)],
        forecaster,
    )
    assert sorted(forecaster.horizons) == [7 * DAY, 14 * DAY]  # VPC via the API, EC2 reviewed

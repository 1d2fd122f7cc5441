"""The decision function, as a table: every level x band, business hours, sizing, skips."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quotapilot.domain import QuotaKey
from quotapilot.engine.decision.decide import Action, Band, Situation, decide, is_business_hours
from quotapilot.engine.rules import AutomationLevel, Rule

KEY = QuotaKey("aws", "lambda", "L-B99A9384", "us-east-1", "111111111111")
WEEKDAY_NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
WEEKDAY_NIGHT = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
SATURDAY_NOON = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
L = AutomationLevel
A = Action


def rule(level: AutomationLevel, **overrides) -> Rule:
    # Cheap units and a generous cap, so sizing and approval are tested separately.
    values = {"unit_monthly_cost": 0.0, "max_auto_increase": 1_000_000.0, **overrides}
    return Rule("lambda", "L-B99A9384", level, **values)


def seen(usage: float, limit: float | None = 1000.0, **overrides) -> Situation:
    return Situation(KEY, usage, limit, **overrides)


# usage per band with the default thresholds 70/85/95 and a limit of 1000
BELOW, WARNING, CRITICAL, EMERGENCY = 690.0, 700.0, 850.0, 950.0

LEVEL_BAND = [
    # level, usage, expected action, expected new limit
    (L.MONITOR_ONLY, WARNING, None, None),
    (L.MONITOR_ONLY, CRITICAL, None, None),
    (L.MONITOR_ONLY, EMERGENCY, None, None),
    (L.ALERT_ONLY, BELOW, None, None),
    (L.ALERT_ONLY, WARNING, A.ALERT_WARNING, None),
    (L.ALERT_ONLY, CRITICAL, A.ALERT_CRITICAL, None),
    (L.ALERT_ONLY, EMERGENCY, A.ALERT_EMERGENCY, None),
    (L.AUTO_REQUEST, BELOW, None, None),
    (L.AUTO_REQUEST, WARNING, A.ALERT_WARNING, None),
    (L.AUTO_REQUEST, CRITICAL, A.REQUEST_INCREASE, 1500.0),
    (L.AUTO_REQUEST, EMERGENCY, A.REQUEST_INCREASE, 2000.0),
    (L.AUTO_APPROVE, BELOW, None, None),
    (L.AUTO_APPROVE, WARNING, A.ALERT_WARNING, None),
    (L.AUTO_APPROVE, CRITICAL, A.AUTO_INCREASE, 1500.0),
    (L.AUTO_APPROVE, EMERGENCY, A.EMERGENCY_INCREASE, 2000.0),
    (L.FULL_AUTO, BELOW, None, None),
    (L.FULL_AUTO, WARNING, A.PREEMPTIVE_INCREASE, 1200.0),
    (L.FULL_AUTO, CRITICAL, A.AUTO_INCREASE, 1500.0),
    (L.FULL_AUTO, EMERGENCY, A.EMERGENCY_INCREASE, 2000.0),
]


@pytest.mark.parametrize(("level", "usage", "action", "new_limit"), LEVEL_BAND)
def test_level_by_band(level, usage, action, new_limit):
    decision = decide(rule(level), seen(usage), WEEKDAY_NOON)
    if action is None:
        assert decision is None
        return
    assert decision is not None
    assert (decision.action, decision.new_limit) == (action, new_limit)
    assert decision.utilization == pytest.approx(usage / 10)


@pytest.mark.parametrize(
    ("level", "usage", "now", "action"),
    [
        # outside business hours only the emergency band acts, as far as the level allows
        (L.FULL_AUTO, WARNING, WEEKDAY_NIGHT, None),
        (L.FULL_AUTO, CRITICAL, SATURDAY_NOON, None),
        (L.FULL_AUTO, EMERGENCY, WEEKDAY_NIGHT, A.EMERGENCY_INCREASE),
        (L.AUTO_REQUEST, EMERGENCY, SATURDAY_NOON, A.REQUEST_INCREASE),
        (L.ALERT_ONLY, EMERGENCY, WEEKDAY_NIGHT, A.ALERT_EMERGENCY),
        (L.ALERT_ONLY, CRITICAL, WEEKDAY_NIGHT, None),
        (L.MONITOR_ONLY, EMERGENCY, WEEKDAY_NIGHT, None),  # the reference raised an increase
        (L.FULL_AUTO, CRITICAL, WEEKDAY_NOON, A.AUTO_INCREASE),
    ],
)
def test_business_hours_with_emergency_override(level, usage, now, action):
    decision = decide(rule(level, business_hours_only=True), seen(usage), now)
    assert (decision.action if decision else None) == action


def test_business_hours_are_weekdays_nine_to_six_utc():
    assert is_business_hours(WEEKDAY_NOON)
    assert not is_business_hours(WEEKDAY_NIGHT)
    assert not is_business_hours(SATURDAY_NOON)
    assert is_business_hours(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    assert not is_business_hours(datetime(2026, 11, 25, 18, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("overrides", "situation", "action", "new_limit"),
    [
        # the predicted utilization counts when it is the larger
        ({}, seen(100.0, predicted=960.0), A.EMERGENCY_INCREASE, 2000.0),
        # multiplier, rounded up
        ({"auto_increase_multiplier": 1.33}, seen(6.0, limit=7.0), A.AUTO_INCREASE, 10.0),
        # capped by the rule's maximum
        ({"max_auto_increase": 1800.0}, seen(EMERGENCY), A.EMERGENCY_INCREASE, 1800.0),
        # capped by a known hard limit
        ({"hard_limit": 1100.0}, seen(EMERGENCY), A.EMERGENCY_INCREASE, 1100.0),
        # a cap at or below the limit never decreases it: the band's alert instead
        ({"max_auto_increase": 900.0}, seen(EMERGENCY), A.ALERT_EMERGENCY, None),
        ({"hard_limit": 1000.0}, seen(CRITICAL), A.ALERT_CRITICAL, None),
        # skipped for non-adjustable quotas and open requests
        ({}, seen(EMERGENCY, adjustable=False), A.ALERT_EMERGENCY, None),
        ({}, seen(WARNING, open_request=True), A.ALERT_WARNING, None),
        ({}, seen(CRITICAL, adjustable=None), A.AUTO_INCREASE, 1500.0),
        # approval: required by the rule, or the cost is above the threshold
        ({"approval_required": True}, seen(CRITICAL), A.APPROVAL_REQUESTED, 1500.0),
        (
            {"unit_monthly_cost": 3.0, "cost_threshold": 1000.0},
            seen(CRITICAL),
            A.APPROVAL_REQUESTED,
            1500.0,
        ),
        (
            {"unit_monthly_cost": 2.0, "cost_threshold": 1000.0},
            seen(CRITICAL),
            A.AUTO_INCREASE,
            1500.0,
        ),
        # a zero limit in use still grows
        ({}, seen(1.0, limit=0.0), A.EMERGENCY_INCREASE, 1.0),
    ],
)
def test_sizing_skips_and_approval(overrides, situation, action, new_limit):
    decision = decide(rule(L.FULL_AUTO, **overrides), situation, WEEKDAY_NOON)
    assert decision is not None
    assert (decision.action, decision.new_limit) == (action, new_limit)


def test_unlimited_quota_needs_nothing():
    assert decide(rule(L.FULL_AUTO), seen(10**9, limit=None), WEEKDAY_NOON) is None


def test_decision_explains_itself():
    decision = decide(rule(L.FULL_AUTO, approval_required=True), seen(EMERGENCY), WEEKDAY_NOON)
    assert decision.band is Band.EMERGENCY
    assert "95.0%" in decision.reason and "approval" in decision.reason
    assert decision.estimated_monthly_cost == 0.0


def test_cost_estimate_uses_the_increase():
    decision = decide(rule(L.FULL_AUTO, unit_monthly_cost=0.5), seen(CRITICAL), WEEKDAY_NOON)
    assert decision.estimated_monthly_cost == pytest.approx(250.0)


# --- properties ---------------------------------------------------------------------------

finite = st.floats(min_value=0, max_value=1e7, allow_nan=False)


@given(
    level=st.sampled_from(list(AutomationLevel)),
    usage=finite,
    limit=st.floats(min_value=0, max_value=1e6, allow_nan=False),
    predicted=st.none() | finite,
    multiplier=st.floats(min_value=1.01, max_value=10),
    cap=st.floats(min_value=1, max_value=1e6),
    hard=st.none() | st.floats(min_value=1, max_value=1e6),
    adjustable=st.none() | st.booleans(),
    open_request=st.booleans(),
    hour=st.integers(0, 23),
)
def test_increases_are_safe(
    level, usage, limit, predicted, multiplier, cap, hard, adjustable, open_request, hour
):
    r = Rule(
        "lambda",
        "L-1",
        level,
        auto_increase_multiplier=multiplier,
        max_auto_increase=cap,
        hard_limit=hard,
        business_hours_only=hour % 2 == 0,
    )
    now = WEEKDAY_NOON.replace(hour=hour)
    decision = decide(r, Situation(KEY, usage, limit, predicted, adjustable, open_request), now)
    if decision is None:
        return
    assert level is not AutomationLevel.MONITOR_ONLY
    if decision.new_limit is None:
        assert not decision.action.is_increase
        return
    assert decision.action.is_increase
    assert decision.new_limit > limit  # never a decrease, never a no-op
    assert decision.new_limit <= max(cap, limit) and (hard is None or decision.new_limit <= hard)
    assert adjustable is not False and not open_request
    assert decision.new_limit == int(decision.new_limit) or decision.new_limit in (cap, hard)
    if level is AutomationLevel.ALERT_ONLY:
        raise AssertionError("alert_only must never increase")

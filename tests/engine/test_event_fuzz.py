"""Fuzzing the event boundary: random JSON is either a valid event or the clear error."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotapilot import wiring
from quotapilot.engine.exceptions import EventValidationError
from quotapilot.engine.models import DETAILS, QuotaEvent, parse_event
from tests.conftest import load_event

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
SAMPLES = [
    "engine_threshold_exceeded",
    "engine_usage_spike",
    "engine_prediction_alert",
    "engine_infrastructure_scaling",
    "engine_disaster_recovery",
    "engine_cost_optimization",
    "engine_service_quotas_breach",
]


def check(raw):
    try:
        event = parse_event(raw)
    except EventValidationError as error:
        assert str(error)  # a message a person can read
        return None
    # anything accepted is fully typed: a known detail type and a validated detail model
    assert isinstance(event, QuotaEvent)
    if event.breaches:
        assert event.detail_type == wiring.SERVICE_QUOTAS_DETAIL_TYPE
    else:
        assert isinstance(event.detail, DETAILS[event.detail_type])
    return event


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_random_json_never_crashes(raw):
    check(raw)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(SAMPLES),
    st.sampled_from(["detail", "envelope"]),
    st.text(max_size=12),
    json_values,
)
def test_mutated_samples_are_valid_or_rejected(name, where, field, value):
    raw = copy.deepcopy(load_event(name))
    target = raw["detail"] if where == "detail" else raw
    if isinstance(target, dict):
        target[field] = value
    event = check(raw)
    if event is not None and event.detail is not None:
        # numbers that got through are finite and within their bounds
        for number in event.detail.model_dump().values():
            if isinstance(number, float):
                assert number == number and abs(number) != float("inf")


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(SAMPLES),
    st.sampled_from(["usage", "limit", "factor", "confidence", "type", "service"]),
)
def test_a_missing_or_broken_required_field_is_named(name, field):
    raw = copy.deepcopy(load_event(name))
    if field not in raw["detail"]:
        return
    raw["detail"][field] = {"not": "valid"}
    try:
        parse_event(raw)
    except EventValidationError as error:
        assert field in str(error)
    else:
        raise AssertionError(f"{name} accepted a dict for {field}")


def test_samples_are_valid():
    for name in SAMPLES:
        assert check(load_event(name)) is not None, name

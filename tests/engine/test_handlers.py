"""The three Lambda handlers, as Lambda calls them, against moto."""

from __future__ import annotations

import importlib
import json

import pytest

from quotapilot import envvalues, wiring
from quotapilot.engine.exceptions import MalformedEventError, UnknownEventError
from quotapilot.engine.runtime import approval, engine, events
from tests.conftest import load_event


def handler_of(function: str):
    return importlib.import_module(f"quotapilot.handlers.{function}").handler


@pytest.fixture
def deployed(stack, monkeypatch):
    config = stack.config
    env = {
        wiring.ENV_MONITORING_TABLE: config.monitoring_table,
        wiring.ENV_RULES_TABLE: config.rules_table,
        wiring.ENV_LOG_TABLE: config.log_table,
        wiring.ENV_EVENTS_TABLE: config.events_table,
        wiring.ENV_IDEMPOTENCY_TABLE: config.idempotency_table,
        wiring.ENV_ALERTS_TOPIC_ARN: config.alerts_topic_arn,
        wiring.ENV_APPROVAL_STATE_MACHINE_ARN: config.approval_state_machine_arn,
        wiring.ENV_APPROVERS: envvalues.encode_list(config.approvers),
        wiring.ENV_REGIONS: envvalues.encode_list(["us-east-1"]),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    cached = (engine.config, engine.parts, events.parts, approval.parts)
    for built in cached:
        built.cache_clear()
    yield stack
    for built in cached:
        built.cache_clear()


def test_events_handler_is_idempotent(deployed, lambda_context):
    handler = handler_of("events")
    event = load_event("engine_threshold_exceeded")
    first = handler(event, lambda_context)
    second = handler(event, lambda_context)
    assert first == second and first["outcomes"][0]["action"] == "alert_emergency"
    # processed once: one record, one alert
    assert len(deployed.scan(deployed.config.events_table)) == 1
    assert len(deployed.alerts()) == 1
    assert len(deployed.scan(deployed.config.idempotency_table)) == 1


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("engine_unknown_detail_type", UnknownEventError),
        ("engine_malformed_threshold", MalformedEventError),
    ],
)
def test_events_handler_raises_for_the_dead_letter_queue(deployed, lambda_context, name, error):
    handler = handler_of("events")
    with pytest.raises(error):
        handler(load_event(name), lambda_context)
    with pytest.raises(error):  # a retry is rejected again, not swallowed by idempotency
        handler(load_event(name), lambda_context)
    assert {r["status"] for r in deployed.scan(deployed.config.events_table)} == {"rejected"}


def test_approval_handler_parks_then_refuses_a_stranger(deployed, lambda_context):
    handler = handler_of("approval")
    assert handler(load_event("engine_approval_request"), lambda_context)["status"] == "parked"
    url_event = load_event("engine_approval_decide_url")
    url_event["requestContext"]["authorizer"]["iam"]["userArn"] = (
        "arn:aws:iam::111111111111:user/mallory"
    )
    response = handler(url_event, lambda_context)
    assert (
        response["statusCode"] == 403 and "not an approver" in json.loads(response["body"])["error"]
    )


def test_approval_handler_rejects_a_bad_body(deployed, lambda_context):
    url_event = load_event("engine_approval_decide_url")
    url_event["body"] = json.dumps({"action": "decide", "request_id": "qp-1", "decision": "maybe"})
    response = handler_of("approval")(url_event, lambda_context)
    assert response["statusCode"] == 400 and "decision" in json.loads(response["body"])["error"]


def test_approval_handler_rejects_a_bad_state_machine_input(deployed, lambda_context):
    event = load_event("engine_approval_request")
    del event["task_token"]
    with pytest.raises(MalformedEventError, match="task_token"):
        handler_of("approval")(event, lambda_context)


def test_engine_handler_runs_the_cycle_on_a_schedule(deployed, lambda_context, capsys):
    result = handler_of("engine")(load_event("engine_scheduled"), lambda_context)
    assert result["rules"] == 0 and result["quotas_evaluated"] == 0 and result["failures"] == []
    emitted = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line
    ]
    assert (
        emitted
        and emitted[-1]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == wiring.METRICS_NAMESPACE
    )
    assert emitted[-1][wiring.METRIC_QUOTAS_EVALUATED] in (0, [0.0])


@pytest.mark.parametrize(
    "event",
    [
        None,
        [],
        {},
        "cycle",
        {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": "{}"}}]},
        {
            "version": "0",
            "id": "1",
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "detail": {},
        },
    ],
    ids=["none", "list", "empty", "string", "sns-envelope", "bare-eventbridge"],
)
def test_engine_handler_runs_nothing_it_was_not_asked_for(deployed, lambda_context, event):
    """Only the named actions run: a cycle is never the default for a stray event."""
    with pytest.raises(MalformedEventError):
        handler_of("engine")(event, lambda_context)


def test_engine_handler_rejects_an_unknown_action(deployed, lambda_context):
    with pytest.raises(MalformedEventError, match="action"):
        handler_of("engine")({"action": "self_destruct"}, lambda_context)


def test_a_deeply_nested_event_is_refused_not_a_recursion_error(deployed, lambda_context):
    event = load_event("engine_threshold_exceeded")
    deep: dict = {}
    cursor = deep
    for _ in range(10_000):
        cursor["x"] = {}
        cursor = cursor["x"]
    event["detail"]["nested"] = deep
    with pytest.raises(MalformedEventError, match="nests deeper"):
        handler_of("events")(event, lambda_context)
    with pytest.raises(MalformedEventError, match="nests deeper"):
        handler_of("engine")({"action": "cycle", "deep": deep}, lambda_context)

"""The event processor: each detail type, the Service Quotas breach, rejection of bad events."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from quotapilot.domain import QuotaKey
from quotapilot.engine.accounts import AccountClients
from quotapilot.engine.aws import make_client
from quotapilot.engine.collect.store import StoredSeries
from quotapilot.engine.events.processor import EventProcessor
from quotapilot.engine.events.recording import EventRecorder
from quotapilot.engine.exceptions import MalformedEventError, UnknownEventError
from quotapilot.engine.roots.engine import build
from tests.conftest import load_event
from tests.engine.conftest import put_rules
from tests.engine.fakes import FakeSource, GrowthForecaster, ServiceQuotasEndpoint

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
A = "111111111111"
LAMBDA = {
    "service": "lambda",
    "code": "L-B99A9384",
    "automation_level": "full_auto",
    "unit_monthly_cost": 0,
}


def processor(stack, values=None, regions=("us-east-1",)):
    endpoint = ServiceQuotasEndpoint()
    clients = AccountClients(stack.config.accounts)
    for region in ("us-east-1", "eu-west-1", "us-west-2"):
        clients.inject(
            "service-quotas",
            A,
            region,
            endpoint.attach(make_client("service-quotas", region=region)),
        )

    def factory(account, asked_regions):
        source = FakeSource(
            A, {k: v for k, v in (values or {}).items() if k.region in asked_regions}
        )
        return source

    engine = build(
        stack.config, source_factory=factory, forecaster=GrowthForecaster(), clients=clients
    )
    recorder = EventRecorder(stack.config.events_table)
    return EventProcessor(
        stack.config,
        actions=engine.actions,
        audit=engine.audit,
        alerter=engine.alerter,
        rules=engine.rules,
        series=engine.series,
        recorder=recorder,
        sources=factory,
    ), endpoint


def test_threshold_exceeded_acts_under_the_rule(stack):
    put_rules(stack, LAMBDA)
    events, endpoint = processor(stack)
    result = events.handle(load_event("engine_threshold_exceeded"), now=NOW)
    assert [o["action"] for o in result["outcomes"]] == ["emergency_increase"]
    assert [(r["QuotaCode"], r["DesiredValue"]) for r in endpoint.requests] == [
        ("L-B99A9384", 2000.0)
    ]
    recorded = stack.scan(stack.config.events_table)
    assert [r["status"] for r in recorded] == ["received"]
    assert recorded[0]["detail_type"] == "Quota Threshold Exceeded"  # the by-type index key
    audit = stack.scan(stack.config.log_table)
    assert {"kind", "at"} <= set(audit[0])  # the by-action-time index keys
    assert audit[0]["by"].startswith("event:Quota Threshold Exceeded:")


def test_without_a_rule_an_event_only_alerts(stack):
    events, endpoint = processor(stack)
    result = events.handle(load_event("engine_threshold_exceeded"), now=NOW)
    assert [o["action"] for o in result["outcomes"]] == ["alert_emergency"]
    assert endpoint.requests == []
    assert [a["kind"] for a in stack.alerts()] == ["alert_emergency"]


def test_usage_spike_plans_for_headroom(stack):
    put_rules(stack, LAMBDA)
    events, _ = processor(stack)
    result = events.handle(load_event("engine_usage_spike"), now=NOW)  # 600 vs baseline 150: x4
    (outcome,) = result["outcomes"]
    # high spike: plan for 1.5 x 600 = 900 of 1000 -> critical band -> auto increase x1.5
    assert (outcome["action"], outcome["new_limit"]) == ("auto_increase", 1500.0)
    audit = stack.scan(stack.config.log_table)
    assert '"spike_ratio": 4.0' in audit[0]["seen"] and '"severity": "high"' in audit[0]["seen"]


def test_usage_spike_baseline_from_the_stored_series(stack):
    put_rules(stack, LAMBDA)
    events, _ = processor(stack)
    key = QuotaKey("aws", "lambda", "L-B99A9384", "us-east-1", A)
    events.series.save([StoredSeries(key, list(range(10)), [100.0] * 4 + [500.0] * 6, 1000.0)], NOW)
    event = load_event("engine_usage_spike")
    del event["detail"]["baseline"]
    event["detail"]["usage"] = 250.0  # x2.5 of the baseline 100: medium -> plan for 300
    (outcome,) = events.handle(event, now=NOW)["outcomes"]
    assert outcome["action"] is None


def test_prediction_alert_confidence_gates_the_action(stack):
    put_rules(stack, LAMBDA)
    events, _ = processor(stack)
    confident = load_event("engine_prediction_alert")
    assert events.handle(confident, now=NOW)["outcomes"][0]["action"] == "auto_increase"
    unsure = load_event("engine_prediction_alert")
    unsure["id"] = "another"
    unsure["detail"].update(confidence=0.7, code="L-OTHER")
    put_rules(stack, {**LAMBDA, "code": "L-OTHER"})
    events._rules = None
    assert events.handle(unsure, now=NOW)["outcomes"][0]["action"] == "alert_critical"


def test_scaling_up_covers_dependent_services(stack):
    put_rules(
        stack,
        {
            "service": "ec2",
            "code": "L-1216C47A",
            "automation_level": "full_auto",
            "unit_monthly_cost": 0,
        },
        {
            "service": "vpc",
            "code": "L-F678F1CE",
            "automation_level": "full_auto",
            "unit_monthly_cost": 0,
        },
        {
            "service": "s3",
            "code": "L-DC2B2D3D",
            "automation_level": "full_auto",
            "unit_monthly_cost": 0,
        },
    )
    values = {
        QuotaKey("aws", "ec2", "L-1216C47A", "us-east-1"): (100.0, 40.0),  # x2 = 80%: preemptive
        QuotaKey("aws", "vpc", "L-F678F1CE", "us-east-1"): (5.0, 3.0),  # x2 = 120%: emergency
    }
    events, endpoint = processor(stack, values)
    outcomes = events.handle(load_event("engine_infrastructure_scaling"), now=NOW)["outcomes"]
    assert {(o["quota"].split("@")[0], o["action"], o["new_limit"]) for o in outcomes} == {
        ("aws:ec2/L-1216C47A", "preemptive_increase", 120.0),
        ("aws:vpc/L-F678F1CE", "emergency_increase", 10.0),
    }
    assert len(endpoint.requests) == 2  # s3 is not a dependency of ec2


def test_failover_raises_the_target_to_the_primary(stack):
    put_rules(
        stack,
        {
            "service": "lambda",
            "code": "L-B99A9384",
            "automation_level": "auto_approve",
            "unit_monthly_cost": 0,
        },
        {"service": "ec2", "code": "L-1216C47A", "automation_level": "alert_only"},
        {"service": "vpc", "code": "L-F678F1CE", "automation_level": "full_auto"},
    )
    values = {
        QuotaKey("aws", "lambda", "L-B99A9384", "us-east-1"): (5000.0, 1200.0),
        QuotaKey("aws", "lambda", "L-B99A9384", "us-west-2"): (1000.0, 0.0),
        QuotaKey("aws", "ec2", "L-1216C47A", "us-east-1"): (512.0, 100.0),
        QuotaKey("aws", "ec2", "L-1216C47A", "us-west-2"): (64.0, 0.0),
        QuotaKey("aws", "vpc", "L-F678F1CE", "us-east-1"): (10.0, 0.0),  # not in use
        QuotaKey("aws", "vpc", "L-F678F1CE", "us-west-2"): (5.0, 0.0),
    }
    events, endpoint = processor(stack, values)
    outcomes = events.handle(load_event("engine_disaster_recovery"), now=NOW)["outcomes"]
    assert {(o["quota"], o["action"], o["new_limit"]) for o in outcomes} == {
        (f"aws:lambda/L-B99A9384@{A}/us-west-2", "emergency_increase", 5000.0),
        (f"aws:ec2/L-1216C47A@{A}/us-west-2", "alert_emergency", None),
    }
    assert [(r["QuotaCode"], r["DesiredValue"]) for r in endpoint.requests] == [
        ("L-B99A9384", 5000.0)
    ]


def test_cost_optimisation_reports_quotas_far_above_peak(stack):
    put_rules(
        stack, LAMBDA, {"service": "ec2", "code": "L-1216C47A", "automation_level": "alert_only"}
    )
    events, _ = processor(stack)
    quiet = QuotaKey("aws", "lambda", "L-B99A9384", "us-east-1", A)
    busy = QuotaKey("aws", "ec2", "L-1216C47A", "us-east-1", A)
    events.series.save(
        [
            StoredSeries(quiet, [1.0, 2.0], [10.0, 20.0], 1000.0),
            StoredSeries(busy, [1.0], [90.0], 100.0),
        ],
        NOW,
    )
    stack.config.__dict__["accounts"] = ()  # collect in "this account": keys without account
    far = events.handle(load_event("engine_cost_optimization"), now=NOW)["outcomes"]
    assert far == []  # the stored keys are bound to account A; "this account" has none
    from quotapilot.engine.config import MemberAccount

    stack.config.__dict__["accounts"] = (MemberAccount(A),)
    event = load_event("engine_cost_optimization")
    event["id"] = "second"
    far = events.handle(event, now=NOW)["outcomes"]
    assert [(f["quota"], f["peak"]) for f in far] == [(str(quiet), 20.0)]
    report = [a for a in stack.alerts() if a["kind"] == "cost_optimization"]
    assert report[-1]["quotas"][0]["limit"] == 1000.0
    # an account the event names is reviewed even when it isn't configured
    stack.config.__dict__["accounts"] = ()
    event = load_event("engine_cost_optimization")
    event["id"], event["detail"]["account"] = "third", A
    far = events.handle(event, now=NOW)["outcomes"]
    assert [(f["quota"], f["peak"]) for f in far] == [(str(quiet), 20.0)]


def test_service_quotas_breach_alerts_once_within_the_hour(stack):
    events, _ = processor(stack)
    first = events.handle(load_event("engine_service_quotas_breach"), now=NOW)["outcomes"]
    again = events.handle(load_event("engine_service_quotas_breach"), now=NOW)["outcomes"]
    assert first[0]["quota_name"] == "Trails per region" and first[0]["utilization"] == 96.0
    assert first[0]["alerted"] and not again[0]["alerted"]
    alerts = stack.alerts()
    assert [(a["kind"], a["level"]) for a in alerts] == [
        ("service_quotas_threshold_breach", "emergency")
    ]


@pytest.mark.parametrize(
    ("name", "error", "words"),
    [
        ("engine_unknown_detail_type", UnknownEventError, "unknown detail type"),
        ("engine_malformed_threshold", MalformedEventError, "usage"),
        ("eventbridge_scheduled", UnknownEventError, "unknown event source 'aws.events'"),
    ],
)
def test_bad_events_are_recorded_and_raised(stack, name, error, words):
    events, _ = processor(stack)
    with pytest.raises(error) as caught:
        events.handle(load_event(name), now=NOW)
    assert words in str(caught.value)
    recorded = stack.scan(stack.config.events_table)
    assert [(r["status"], r["event_id"].split("#")[0]) for r in recorded] == [
        ("rejected", load_event(name)["id"])
    ]
    assert words in recorded[0]["detail"]


def test_an_event_as_eventbridge_delivers_it(stack):
    """Put the event on a moto EventBridge bus, take what the rule delivers, process that."""
    import json as _json

    from quotapilot import wiring

    put_rules(stack, LAMBDA)
    bridge, sqs = make_client("events", region="us-east-1"), stack.clients["sqs"]
    bridge.create_event_bus(Name="quotapilot")
    queue = sqs.create_queue(QueueName="delivered")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    pattern = {"source": [wiring.EVENT_SOURCE], "detail-type": list(wiring.DETAIL_TYPES)}
    bridge.put_rule(
        Name="to-processor", EventBusName="quotapilot", EventPattern=_json.dumps(pattern)
    )
    bridge.put_targets(
        Rule="to-processor", EventBusName="quotapilot", Targets=[{"Id": "q", "Arn": queue_arn}]
    )
    detail = load_event("engine_threshold_exceeded")["detail"]
    bridge.put_events(
        Entries=[
            {
                "EventBusName": "quotapilot",
                "Source": wiring.EVENT_SOURCE,
                "DetailType": wiring.DETAIL_THRESHOLD_EXCEEDED,
                "Detail": _json.dumps(detail),
            }
        ]
    )
    (message,) = sqs.receive_message(QueueUrl=queue)["Messages"]
    delivered = _json.loads(message["Body"])
    # moto leaves out the envelope's "account", which EventBridge always sends: put it back
    # (and check that nothing else is missing)
    expected = set(load_event("engine_threshold_exceeded"))
    assert expected - set(delivered) <= {"account"}
    delivered.setdefault("account", "111111111111")
    events, _ = processor(stack)
    result = events.handle(delivered, now=NOW)
    assert result["event_id"] == delivered["id"]
    assert [o["action"] for o in result["outcomes"]] == ["emergency_increase"]

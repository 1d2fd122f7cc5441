"""The stack with its default arguments, as deployed: every planned resource exists, the
engine starts on its schedule, and every event reaches its function through the planned rule."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from quotapilot import wiring
from tests.twin.scenarios import DETAIL_EVENTS, START, entry


def test_every_planned_resource_is_created_with_its_settings(default_twin, default_plan):
    deployment = default_twin.deployment
    planned = Counter(r.type for r in default_plan.resources)
    assert {t: n for t, n in planned.items() if t not in deployment.skipped} == (deployment.created)
    dynamodb = default_twin.client("dynamodb")
    engine_env = deployment.functions["engine"].environment
    monitoring = dynamodb.describe_table(TableName=engine_env[wiring.ENV_MONITORING_TABLE])
    keys = [k["AttributeName"] for k in monitoring["Table"]["KeySchema"]]
    assert keys == list(wiring.TABLE_KEYS[wiring.ENV_MONITORING_TABLE])
    [index] = monitoring["Table"]["GlobalSecondaryIndexes"]
    assert index["IndexName"] == wiring.TABLE_INDEXES[wiring.ENV_MONITORING_TABLE][0]
    ttl = dynamodb.describe_time_to_live(TableName=engine_env[wiring.ENV_MONITORING_TABLE])
    assert ttl["TimeToLiveDescription"]["AttributeName"] == wiring.TTL_ATTRIBUTE


def test_the_engine_starts_on_its_schedule_with_the_planned_environment(default_twin):
    [cycle] = [i for i in default_twin.tick(START) if i.function == "engine"]
    assert cycle.ok, cycle.error
    assert cycle.result["rules"] == 0 and cycle.result["failures"] == []
    # no regression watch configured: no regression schedule, nothing failing every hour
    assert not any("regression" in name for name in default_twin.deployment.rules)


@pytest.mark.parametrize("detail_type", sorted(DETAIL_EVENTS))
def test_every_detail_type_arrives_through_its_rule_and_is_accepted(default_twin, detail_type):
    bus = default_twin.deployment.bus_name
    answer, invocations = default_twin.put_events([entry(DETAIL_EVENTS[detail_type], bus)])
    assert answer["FailedEntryCount"] == 0
    [delivered] = invocations
    assert delivered.function == "events"
    assert delivered.ok, delivered.error
    assert delivered.event["detail-type"] == detail_type


def test_service_quotas_breaches_arrive_from_the_default_bus(default_twin):
    _, invocations = default_twin.put_events([entry("engine_service_quotas_breach", None)])
    [delivered] = invocations
    assert delivered.function == "events" and delivered.ok, delivered.error


def test_events_no_rule_asks_for_reach_no_function(default_twin):
    bus = default_twin.deployment.bus_name
    foreign = {"Source": "someone.else", "DetailType": "Quota Threshold Exceeded",
               "Detail": "{}", "EventBusName": bus}  # fmt: skip
    unknown = entry("engine_unknown_detail_type", bus)
    _, invocations = default_twin.put_events([foreign, unknown])
    assert invocations == []


def test_a_malformed_event_is_retried_then_dead_lettered(default_twin):
    bus = default_twin.deployment.bus_name
    malformed = entry("engine_threshold_exceeded", bus)
    detail = json.loads(malformed["Detail"])
    detail["limit"] = "lots"  # the rule matches (usage is a number); the model refuses
    malformed["Detail"] = json.dumps(detail)
    before = len(default_twin.service.hosts["events"].invocations)
    _, invocations = default_twin.put_events([malformed])
    [result] = invocations
    assert not result.ok and result.error_type == "MalformedEventError"
    # Lambda's asynchronous retries (the planned 2), then the failure destination
    assert len(default_twin.service.hosts["events"].invocations) - before == 3
    [letter] = default_twin.dead_letters()
    assert letter["requestContext"]["condition"] == "RetriesExhausted"
    assert letter["requestPayload"]["detail"]["limit"] == "lots"


def test_events_act_as_the_rules_say(default_twin):
    """With rules and quotas in place, events through their rules make the events function
    act: an increase requested from a threshold event, the current limits and usage read for a
    scaling event (an approval for a costly increase), the stored series for a spike."""
    from tests.twin.scenarios import LAMBDA_DIMENSIONS, add_rule, usage
    from tests.twin.servicequotas import FakeQuota

    add_rule(default_twin, rule_id="lambda", service="lambda", code="L-B99A9384",
             automation_level="auto_request")  # fmt: skip
    add_rule(default_twin, rule_id="ec2", service="ec2", code="L-1216C47A",
             automation_level="full_auto", approval_required=True)  # fmt: skip
    quotas = default_twin.quotas.state
    quotas.add(FakeQuota("lambda", "L-B99A9384", "Concurrent executions", 1000, 1000,
                         dimensions=LAMBDA_DIMENSIONS))  # fmt: skip
    ec2 = {"Service": "EC2", "Type": "Resource", "Resource": "vCPU", "Class": "Standard/OnDemand"}
    quotas.add(FakeQuota("ec2", "L-1216C47A", "Standard vCPUs", 512, 5, dimensions=ec2))
    default_twin.at(START.replace(hour=6))
    usage(default_twin, 420, START.replace(hour=5, minute=59))
    usage(default_twin, 400, START.replace(hour=5, minute=59), ec2)
    bus = default_twin.deployment.bus_name
    threshold = entry("engine_threshold_exceeded", bus)
    detail = json.loads(threshold["Detail"])
    detail["usage"] = 960
    threshold["Detail"] = json.dumps(detail)
    spike = entry("engine_usage_spike", bus)
    spiked = json.loads(spike["Detail"])
    del spiked["baseline"]  # from the stored series
    spike["Detail"] = json.dumps(spiked)
    _, invocations = default_twin.put_events(
        [threshold, entry("engine_infrastructure_scaling", bus), spike]
    )
    assert len(invocations) == 3 and all(i.ok for i in invocations), [i.error for i in invocations]
    actions = {o["action"] for i in invocations for o in i.result["outcomes"] if o.get("action")}
    assert {"request_increase", "approval_requested"} <= actions
    assert [(r.code, r.status) for r in quotas.requests] == [("L-B99A9384", "PENDING")]

"""The stack with the fan-out cycle, as deployed, living through a quota running out (the
configured stack's climb, in two hours, in two regions: two shards, a batch each). The
schedule starts the cycle's state machine with
the planned starter role; moto's interpreter runs the planned definition (its S3 ItemReader,
Map, retries, ResultSelectors and intrinsic functions; batches of one stand in for
ItemBatcher, which it lacks); the state machine's tasks invoke the engine and the collector
in their containers, with the planned environment and policies. The outcome must be the
single-function cycle's: one alert per band, one increase approved and filed once."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from quotapilot import wiring
from quotapilot.engine.models import CollectInput, RunStep
from tests.twin.scenarios import APPROVER, climb_for_two_days

HOURS = 2


@pytest.fixture(scope="module")
def climb(fan_out_twin):
    return climb_for_two_days(fan_out_twin, hours=HOURS)


def invocations(twin, function: str):
    return twin.service.hosts[function].invocations


def test_the_schedule_starts_the_state_machine_and_every_run_succeeds(fan_out_twin, climb):
    assert fan_out_twin.deployment.cycle_state_machine_arn
    assert climb.cycles == HOURS * 12 and climb.failed_cycles == 0
    # the engine is never invoked for the single-function cycle
    engine = invocations(fan_out_twin, wiring.FUNCTION_ENGINE)
    assert not [i for i in engine if i.event.get("action", "cycle") == wiring.ACTION_CYCLE]
    summaries = [json.loads(run["output"]) for run in fan_out_twin.cycle_runs]
    assert all(s["shards"] == 2 and s["report"]["quotas_evaluated"] >= 2 for s in summaries)
    assert all(s["report"]["failures"] == 0 for s in summaries)


def test_each_step_gets_the_input_its_code_reads(fan_out_twin, climb):
    """What the planned definition hands each function is what the Lambda code validates."""
    engine = invocations(fan_out_twin, wiring.FUNCTION_ENGINE)
    listed = [i for i in engine if i.event.get("action") == wiring.ACTION_LIST_SHARDS]
    decided = [i for i in engine if i.event.get("action") == wiring.ACTION_DECIDE]
    collected = invocations(fan_out_twin, wiring.FUNCTION_COLLECTOR)
    assert len(listed) == len(decided) == climb.cycles
    assert len(collected) == 2 * climb.cycles  # a batch per shard
    assert all(i.ok for i in [*listed, *decided, *collected])
    batches: dict[str, list] = {}
    for batch in collected:
        run = CollectInput.model_validate(batch.event)
        batches.setdefault(run.run_id, []).extend(run.shards)
        assert batch.result["quotas"] >= 1
    for listing, decide in zip(listed, decided, strict=True):
        run_id = listing.result["run_id"]
        assert RunStep.model_validate(decide.event).run_id == run_id
        # the Map read the shard list the engine wrote, and gave each shard to one batch
        assert listing.result["key"].startswith(wiring.SHARDS_PREFIX)
        assert sorted((s.account, s.region) for s in batches[run_id]) == [
            ("123456789012", "eu-west-1"),
            ("123456789012", "us-east-1"),
        ]
        assert decide.result["quotas_evaluated"] >= 2 and decide.result["failures"] == []


def test_the_outcome_is_the_single_cycles(climb):
    bands = Counter(k for k in climb.alert_kinds.elements() if k.startswith("alert_"))
    assert bands == {"alert_warning": 1, "alert_critical": 1, "alert_emergency": 1}
    [request] = climb.requests
    assert (request.code, request.desired, request.status) == ("L-B99A9384", 1500.0, "APPROVED")
    [execution] = climb.executions  # the approval workflow
    assert execution["status"] == "SUCCEEDED"
    [filed] = [a for a in climb.audit if a["kind"] == "approved_increase"]
    assert filed["by"] == APPROVER
    assert climb.dead_letters == []


def test_the_collector_reads_member_accounts_with_its_own_role(fan_out_twin, climb):
    [batch, *_] = invocations(fan_out_twin, wiring.FUNCTION_COLLECTOR)
    actions = {c["action"] for c in batch.calls}
    assert {"sts:AssumeRole", "servicequotas:ListServiceQuotas", "dynamodb:PutItem"} <= actions
    # it reads and hands over; deciding and acting stay the engine's
    assert not actions & {"sns:Publish", "servicequotas:RequestServiceQuotaIncrease"}


def test_a_collector_that_dies_mid_batch_is_retried_and_no_shard_is_lost(fan_out_twin, climb):
    """The deployed definition's Retry: the first batch's container is killed after two AWS
    calls (its rows not written); the Map runs the batch again and the run decides over both
    shards."""
    from datetime import timedelta

    from tests.twin.scenarios import START

    collector = fan_out_twin.service.hosts[wiring.FUNCTION_COLLECTOR]
    before = len(collector.invocations)
    collector.crash_next(2)
    fan_out_twin.tick(START + timedelta(hours=HOURS + 1))
    run = fan_out_twin.cycle_runs[-1]
    assert run["status"] == "SUCCEEDED", run.get("cause")
    summary = json.loads(run["output"])
    assert summary["shards"] == 2 and summary["report"]["failures"] == 0
    batches = collector.invocations[before:]
    assert [b.ok for b in batches].count(False) == 1  # the crash
    assert len(batches) == 3  # two shards, one of them twice

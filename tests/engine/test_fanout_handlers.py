"""The fan-out cycle's handlers as the state machine calls them, against moto: list_shards
writes the run's shards where the Map reads them, the collector takes a batch, decide reads
the run back; anything else is refused with a clear error, never run."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from quotapilot import wiring
from quotapilot.engine.aws import make_client
from quotapilot.engine.exceptions import EngineConfigurationError, MalformedEventError
from quotapilot.engine.runtime import collector
from tests.engine.test_handlers import deployed, handler_of  # noqa: F401 (the fixture)

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC).isoformat()
SHARD = {"account": "", "role_arn": "", "region": "us-east-1"}


@pytest.fixture
def fanned_out(deployed, monkeypatch):  # noqa: F811 (the fixture imported above)
    make_client("s3", region="us-east-1").create_bucket(Bucket="artifacts")
    monkeypatch.setenv(wiring.ENV_ARTIFACTS_BUCKET, "artifacts")
    collector.parts.cache_clear()
    yield deployed
    collector.parts.cache_clear()


def test_list_collect_decide_hand_over_through_s3_and_the_table(fanned_out, lambda_context):
    listed = handler_of("engine")({"action": wiring.ACTION_LIST_SHARDS}, lambda_context)
    assert listed["bucket"] == "artifacts" and listed["key"].startswith(wiring.SHARDS_PREFIX)
    body = make_client("s3", region="us-east-1").get_object(Bucket="artifacts", Key=listed["key"])
    items = json.loads(body["Body"].read())
    assert len(items) == listed["shards"] == 1  # this account, the one region configured
    step = {"run_id": listed["run_id"], "now": listed["now"]}
    batch = handler_of("collector")({"action": "collect", **step, "shards": items}, lambda_context)
    assert batch["shards"] == 1
    report = handler_of("engine")({"action": wiring.ACTION_DECIDE, **step}, lambda_context)
    # no shard went missing between the steps
    assert report["failures"] == []


def test_list_shards_without_the_bucket_names_the_variable(deployed, lambda_context):  # noqa: F811
    with pytest.raises(EngineConfigurationError) as caught:
        handler_of("engine")({"action": wiring.ACTION_LIST_SHARDS}, lambda_context)
    assert caught.value.context["path"] == wiring.ENV_ARTIFACTS_BUCKET


@pytest.mark.parametrize(
    "event",
    [
        None,
        [],
        {},
        {"action": "collect"},
        {"action": "cycle", "run_id": "r", "now": NOW, "shards": [SHARD]},
        {"action": "collect", "run_id": "r", "now": NOW, "shards": []},
        {"action": "collect", "run_id": "../r", "now": NOW, "shards": [SHARD]},
        {"action": "collect", "run_id": "r", "now": "yesterday", "shards": [SHARD]},
        {"action": "collect", "run_id": "r", "now": NOW, "shards": [{**SHARD, "account": "1"}]},
        {"action": "collect", "run_id": "r", "now": NOW, "shards": [SHARD] * 1001},
        {"action": "collect", "run_id": "r", "now": NOW, "shards": [SHARD], "extra": 1},
    ],
)
def test_the_collector_refuses_what_is_not_a_batch(fanned_out, lambda_context, event):
    with pytest.raises(MalformedEventError):
        handler_of("collector")(event, lambda_context)
    assert fanned_out.scan(fanned_out.config.monitoring_table) == []  # nothing written


@pytest.mark.parametrize(
    "event",
    [
        {"action": wiring.ACTION_DECIDE},
        {"action": wiring.ACTION_DECIDE, "run_id": "r"},
        {"action": wiring.ACTION_DECIDE, "run_id": "r#1", "now": NOW},
    ],
)
def test_decide_refuses_a_step_without_its_run(fanned_out, lambda_context, event):
    with pytest.raises(MalformedEventError):
        handler_of("engine")(event, lambda_context)


def test_decide_expects_the_shards_the_run_listed_not_todays(fanned_out, lambda_context):
    """The organisation may change between the steps; the run may not: a shard the run listed
    but nobody collected is reported, and a run whose list is gone fails (the state machine
    retries it, then its alarm)."""
    from quotapilot.engine.collect.rows import ShardLists
    from quotapilot.engine.collect.shards import Shard

    extra = {"account": "222222222222", "role_arn": "arn:aws:iam::222222222222:role/qp",
             "region": "us-east-1"}  # fmt: skip
    step = {"run_id": "run-1", "now": NOW}
    lists = ShardLists("artifacts")
    lists.write("run-1", [Shard.from_json(SHARD), Shard.from_json(extra)])
    handler_of("collector")({"action": "collect", **step, "shards": [SHARD]}, lambda_context)
    report = handler_of("engine")({"action": wiring.ACTION_DECIDE, **step}, lambda_context)
    assert [(f["account"], f["error"]) for f in report["failures"]] == [
        ("222222222222", "not collected: its batch failed every retry")
    ]
    make_client("s3", region="us-east-1").delete_object(Bucket="artifacts", Key=lists.key("run-1"))
    with pytest.raises(Exception, match="NoSuchKey"):
        handler_of("engine")({"action": wiring.ACTION_DECIDE, **step}, lambda_context)

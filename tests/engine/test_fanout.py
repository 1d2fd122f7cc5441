"""The fan-out cycle decides what the single-function cycle decides: an organisation of ten
accounts in two regions, run once through each path on a fresh local AWS. The fan-out path
runs its steps in-process as the state machine would: list_shards writes the shard list to
S3, the Map's batches go to the collector, the decide step reads the rows back."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest

from quotapilot.domain import QuotaKey
from quotapilot.engine.accounts import AccountClients
from quotapilot.engine.aws import make_client
from quotapilot.engine.collect.rows import RunRowsReader, ShardLists
from quotapilot.engine.collect.shards import Shard, keys_by_shard, shards_of
from quotapilot.engine.config import MemberAccount
from quotapilot.engine.exceptions import ShardsFailed
from quotapilot.engine.roots import collector as collector_root
from quotapilot.engine.roots import engine as engine_root
from tests.engine.conftest import make_stack, put_rules
from tests.engine.fakes import FakeSource, GrowthForecaster, ServiceQuotasEndpoint

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ACCOUNTS = [f"{100000000000 + i}" for i in range(10)]
REGIONS = ("us-east-1", "eu-west-1")
CODES = [f"L-{i:08d}" for i in range(6)]


def organisation(stack):
    config = dataclasses.replace(
        stack.config,
        accounts=tuple(MemberAccount(a, f"arn:aws:iam::{a}:role/qp") for a in ACCOUNTS),
        regions=REGIONS,
        artifacts_bucket="artifacts",
    )
    put_rules(
        stack,
        *(
            {"service": "lambda", "code": code, "automation_level": level, "unit_monthly_cost": 0}
            for code, level in zip(
                CODES, ["full_auto", "alert_only", "auto_request"] * 2, strict=True
            )
        ),
    )
    # each account and region at its own utilisation: every band somewhere
    sources = {
        a: FakeSource(
            a,
            {
                QuotaKey("aws", "lambda", code, region): (
                    100.0,
                    40.0 + (i * 7 + j * 5 + r * 3) % 60,
                )
                for j, code in enumerate(CODES)
                for r, region in enumerate(REGIONS)
            },
        )
        for i, a in enumerate(ACCOUNTS)
    }
    # Service Quotas is regional: one endpoint per account and region
    endpoints = {(a, r): ServiceQuotasEndpoint() for a in ACCOUNTS for r in REGIONS}
    clients = AccountClients(config.accounts)
    for (account, region), endpoint in endpoints.items():
        client = endpoint.attach(make_client("service-quotas", region=region))
        clients.inject("service-quotas", account, region, client)
    return config, sources, endpoints, clients


def decisions(report):
    return sorted(
        (d["quota"], d["action"], d.get("status"), d.get("new_limit")) for d in report.decisions
    )


def filed(endpoints):
    return sorted((a, r["QuotaCode"], r["DesiredValue"]) for a, e in endpoints.items()
                  for r in e.requests)  # fmt: skip


def run_single():
    with make_stack() as stack:
        config, sources, endpoints, clients = organisation(stack)
        engine = engine_root.build(config, source_factory=lambda a, r: sources[a.account],
                                   forecaster=GrowthForecaster(), clients=clients)  # fmt: skip
        report = engine.cycle.run(NOW)
        return report, filed(endpoints), len(stack.alerts())


def run_fanned_out(batch: int, fail_once: set[str] = frozenset(), lose: int | None = None):
    with make_stack() as stack:
        config, sources, endpoints, clients = organisation(stack)
        s3 = make_client("s3", region="us-east-1")
        s3.create_bucket(Bucket="artifacts")
        factory_calls = {"n": 0}
        failing = set(fail_once)

        def factory(account, regions):
            factory_calls["n"] += 1
            if account.account in failing:
                failing.discard(account.account)  # fails the first time only
                raise ConnectionError("the member account's endpoint timed out")
            return sources[account.account]

        engine = engine_root.build(config, source_factory=factory,
                                   forecaster=GrowthForecaster(), clients=clients)  # fmt: skip
        # list_shards: the plan's shards, written where the Map's ItemReader reads them
        shards = engine.cycle.plan().shards
        key = ShardLists("artifacts", s3).write("run-1", shards)
        items = json.loads(s3.get_object(Bucket="artifacts", Key=key)["Body"].read())
        # the Distributed Map: batches of items, each to a collector; a failed batch retried
        collector = collector_root.build(config, source_factory=factory).collector
        retried = 0
        for start in range(0, len(items), batch):
            chunk = [Shard.from_json(i) for i in items[start : start + batch]]
            if start == lose:
                continue  # this batch failed every retry, and the Map tolerated it
            for _attempt in range(3):
                try:
                    collector.collect("run-1", NOW, chunk)
                    break
                except ShardsFailed:
                    retried += 1
            else:
                pytest.fail(f"batch at {start} failed every retry")
        report = engine.cycle.decide_run(RunRowsReader(config.monitoring_table), "run-1", NOW)
        return report, filed(endpoints), len(stack.alerts()), len(items), retried


def test_the_fan_out_decides_what_the_single_function_decides():
    single, single_filed, single_alerts = run_single()
    fanned, fanned_filed, fanned_alerts, shards, _ = run_fanned_out(batch=3)
    assert shards == len(ACCOUNTS) * len(REGIONS)
    assert single.quotas_evaluated == fanned.quotas_evaluated == 10 * 2 * len(CODES)
    assert decisions(fanned) == decisions(single) and decisions(single)
    assert fanned_filed == single_filed and single_filed
    assert fanned_alerts == single_alerts > 0
    assert [f for f in fanned.failures if f["stage"] != "collect"] == []


def test_a_failed_shard_fails_its_batch_and_the_retry_loses_nothing():
    single, single_filed, _ = run_single()
    fanned, fanned_filed, _, _, retried = run_fanned_out(batch=4, fail_once={ACCOUNTS[3]})
    assert retried == 1
    assert decisions(fanned) == decisions(single)
    assert fanned_filed == single_filed


def test_every_key_lands_in_exactly_one_shard_of_its_account():
    accounts = (MemberAccount("1"), MemberAccount("2"))
    shards = shards_of(accounts, ["us-east-1", "eu-west-1"])
    keys = [QuotaKey("aws", "lambda", "L-1", "us-east-1"), QuotaKey("aws", "iam", "L-2"),
            QuotaKey("aws", "ec2", "L-3", "ap-south-1")]  # fmt: skip
    placed = keys_by_shard(shards, keys)
    for account in accounts:
        mine = [k for s, ks in placed.items() if s.account == account for k in ks]
        assert sorted(mine) == sorted(keys)  # none dropped, none twice
    assert placed[Shard(accounts[0], "eu-west-1")] == []


def test_a_shard_the_map_gave_up_on_is_reported_not_silently_missing():
    single, _, _ = run_single()
    # batches of two are one account's two regions; the third one fails every retry
    fanned, _, _, _, _ = run_fanned_out(batch=2, lose=4)
    lost = [Shard.from_json(s) for s in shards_of_run()[4:6]]
    missing = [f for f in fanned.failures if f["stage"] == "collect"]
    assert missing == [
        {
            "stage": "collect",
            "account": shard.account.account,
            "region": shard.region,
            "error": "not collected: its batch failed every retry",
        }
        for shard in lost
    ]
    # the rest is decided as the single cycle decides it
    account = f"@{lost[0].account.account}/"
    others = [d for d in decisions(single) if account not in d[0]]
    assert len(others) < len(decisions(single))  # the lost account had decisions to lose
    assert decisions(fanned) == others
    assert fanned.quotas_evaluated == single.quotas_evaluated - len(CODES) * len(REGIONS)


def shards_of_run():
    """The shard list as list_shards writes it, in order."""
    accounts = tuple(MemberAccount(a, f"arn:aws:iam::{a}:role/qp") for a in ACCOUNTS)
    return [s.to_json() for s in shards_of(accounts, REGIONS)]

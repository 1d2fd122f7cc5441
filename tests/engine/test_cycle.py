"""The cycle end to end against moto (DynamoDB, SNS->SQS, Step Functions) and the Service
Quotas endpoint fake; every AWS operation made must be declared in FUNCTION_NEEDS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quotapilot import wiring
from quotapilot.domain import QuotaKey
from quotapilot.engine.accounts import AccountClients
from quotapilot.engine.aws import make_client
from quotapilot.engine.permissions import actions_of
from quotapilot.engine.roots.engine import build
from tests.engine.conftest import put_rules
from tests.engine.fakes import FakeSource, GrowthForecaster, ServiceQuotasEndpoint

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
A, B = "111111111111", "222222222222"
LAMBDA = QuotaKey("aws", "lambda", "L-B99A9384", "us-east-1")
EC2 = QuotaKey("aws", "ec2", "L-1216C47A", "eu-west-1")
VPC = QuotaKey("aws", "vpc", "L-F678F1CE", "us-east-1")


def engine_for(stack, sources, endpoint, forecaster=None, clients=None):
    clients = clients or AccountClients(stack.config.accounts)
    for account in (A, B):
        for region in ("us-east-1", "eu-west-1"):
            clients.inject(
                "service-quotas",
                account,
                region,
                endpoint.attach(make_client("service-quotas", region=region)),
            )
    return build(
        stack.config,
        source_factory=lambda account, regions: sources[account.account],
        forecaster=forecaster or GrowthForecaster(),
        clients=clients,
    ).cycle


RULES = (
    {
        "service": "lambda",
        "code": "L-B99A9384",
        "automation_level": "full_auto",
        "unit_monthly_cost": 0,
    },
    {
        "service": "ec2",
        "code": "L-1216C47A",
        "automation_level": "auto_approve",
        "cost_threshold": 100,
    },
    {
        "service": "vpc",
        "code": "L-F678F1CE",
        "automation_level": "alert_only",
        "region": "us-east-1",
    },
)


def test_cycle_collects_decides_acts_and_records(stack, aws_calls):
    put_rules(stack, *RULES)
    sources = {
        A: FakeSource(A, {LAMBDA: (1000, 960), EC2: (100, 90), VPC: (5, 4)}),
        B: FakeSource(B, {LAMBDA: (1000, 100), EC2: (100, 10), VPC: (5, 1)}),
    }
    endpoint = ServiceQuotasEndpoint()
    forecaster = GrowthForecaster()
    report = engine_for(stack, sources, endpoint, forecaster).run(NOW)
    engine_calls = set(aws_calls)  # before the test's own reads

    assert report.rules == 3 and report.quotas_evaluated == 6
    # one batch per horizon: VPCs are granted through the API (7 days), Lambda and EC2
    # increases are reviewed (14 days)
    assert sorted(zip(forecaster.horizons, forecaster.batches, strict=True)) == [
        (7 * 86_400.0, 2),
        (14 * 86_400.0, 4),
    ]
    actions = {d["quota"]: d["action"] for d in report.decisions}
    assert actions == {
        str(LAMBDA.in_account(A)): "emergency_increase",
        str(EC2.in_account(A)): "approval_requested",  # 50 more vCPU x $72 > $100
        str(VPC.in_account(A)): "alert_warning",
    }
    assert [(r["QuotaCode"], r["DesiredValue"]) for r in endpoint.requests] == [
        ("L-B99A9384", 2000.0)
    ]
    assert report.increases_requested == 1 and report.approvals_requested == 1
    executions = stack.clients["stepfunctions"].list_executions(
        stateMachineArn=stack.config.approval_state_machine_arn
    )["executions"]
    assert len(executions) == 1 and executions[0]["name"].startswith("qp-")
    kinds = sorted(a["kind"] for a in stack.alerts())
    # every band is announced; the filed request is announced too
    assert kinds == ["alert_critical", "alert_emergency", "alert_warning", "emergency_increase"]
    audit = stack.scan(stack.config.log_table)
    assert sorted(r["kind"] for r in audit) == [
        "alert_critical",
        "alert_emergency",
        "alert_warning",
        "approval_requested",
        "emergency_increase",
    ]
    assert all(
        r["by"] == "quotapilot-engine" and r["why"] and r["ttl"] > NOW.timestamp() + 364 * 86400
        for r in audit
    )
    series = [i for i in stack.scan(stack.config.monitoring_table) if i["pk"].startswith("series#")]
    assert len(series) == 6
    # rules without a region cover both configured regions; the fakes know one each
    assert sorted((f["account"], f["quota"]) for f in report.failures) == sorted(
        (account, f"aws:{service}@{region}")
        for account in (A, B)
        for service, region in (("ec2/L-1216C47A", "us-east-1"), ("lambda/L-B99A9384", "eu-west-1"))
    )
    assert all(f["error"] == "not in the fake" for f in report.failures)
    declared = actions_of(wiring.FUNCTION_ENGINE)
    assert engine_calls <= declared, engine_calls - declared
    assert "servicequotas:RequestServiceQuotaIncrease" in engine_calls


def test_second_cycle_requests_nothing_twice_and_alerts_within_cooldown_once(stack):
    put_rules(stack, *RULES)
    sources = {
        A: FakeSource(A, {LAMBDA: (1000, 960), EC2: (100, 10), VPC: (5, 4)}),
        B: FakeSource(B, {}),
    }
    endpoint = ServiceQuotasEndpoint()
    first = engine_for(stack, sources, endpoint).run(NOW)
    sources[A].at = NOW.replace(minute=5)
    second = engine_for(stack, sources, endpoint).run(NOW.replace(minute=5))
    assert len(endpoint.requests) == 1
    # first: the emergency band, the filed request, the warning; second: both bands are
    # within their cooldown (no storm)
    assert first.alerts_sent == 3 and second.alerts_sent == 0 and second.alerts_suppressed == 2
    # the open request turns the second cycle's increase into the band's alert
    assert {d["action"] for d in second.decisions} == {"alert_emergency", "alert_warning"}
    from quotapilot.engine.collect.store import SeriesStore

    stored = SeriesStore(stack.config.monitoring_table).load([LAMBDA.in_account(A)])
    series = stored[LAMBDA.in_account(A)]
    assert series.values == [960.0, 960.0] and series.times[1] - series.times[0] == 300.0
    assert series.limit == 1000
    [item] = [
        i
        for i in stack.scan(stack.config.monitoring_table)
        if i["pk"] == f"series#{LAMBDA.in_account(A)}"
    ]
    assert (item["service"], float(item["utilisation"])) == ("lambda", 96.0)  # by-service index


def test_failing_account_and_quota_are_reported_and_skipped(stack):
    put_rules(stack, *RULES)

    class Broken:
        name = "broken"

        def read(self, keys):
            raise RuntimeError("AccessDenied assuming the role")

    sources = {A: Broken(), B: FakeSource(B, {LAMBDA: (1000, 990)})}
    report = engine_for(stack, sources, ServiceQuotasEndpoint()).run(NOW)
    assert report.quotas_evaluated == 1
    assert {d["action"] for d in report.decisions} == {"emergency_increase"}
    stages = [(f["stage"], f.get("account")) for f in report.failures]
    assert ("collect", A) in stages
    # B's other keys are unknown to the fake: reported, not dropped
    assert sum(1 for f in report.failures if f.get("account") == B) == 4


def test_invalid_rule_is_reported_and_the_others_run(stack):
    put_rules(
        stack, RULES[0], {"service": "ec2", "code": "L-1216C47A", "automation_level": "sometimes"}
    )
    sources = {A: FakeSource(A, {LAMBDA: (1000, 700)}), B: FakeSource(B, {})}
    report = engine_for(stack, sources, ServiceQuotasEndpoint()).run(NOW)
    assert report.rules == 1
    assert any("automation_level" in f["error"] for f in report.failures)
    assert [d["action"] for d in report.decisions] == ["preemptive_increase"]
    assert "rule_rejected" in {r["kind"] for r in stack.scan(stack.config.log_table)}


def test_engine_refuses_to_start_without_its_tables():
    from quotapilot.engine.config import EngineConfig
    from quotapilot.engine.exceptions import EngineConfigurationError

    with pytest.raises(EngineConfigurationError, match="QUOTAPILOT_MONITORING_TABLE"):
        build(EngineConfig())


def test_a_warm_engine_starts_each_cycle_afresh(stack):
    """Lambda reuses the cycle between runs: counts and open-request knowledge reset."""
    put_rules(stack, RULES[2])  # vpc alert_only
    sources = {A: FakeSource(A, {VPC: (5, 4)}), B: FakeSource(B, {})}
    engine = engine_for(stack, sources, ServiceQuotasEndpoint())
    first = engine.run(NOW)
    engine.actions._open[("x", "y")] = {("vpc", "L-F678F1CE")}
    second = engine.run(NOW + timedelta(days=1, hours=2))  # after the (daily) cooldown
    assert first.alerts_sent == 1 and second.alerts_sent == 1
    assert ("x", "y") not in engine.actions._open

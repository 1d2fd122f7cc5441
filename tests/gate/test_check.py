"""The check's arithmetic and verdicts, on hand-built plans and snapshot sources."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quotapilot.domain import FindingKind, PlannedResource, QuotaKey
from quotapilot.gate.check import parse_key, run_check
from quotapilot.sources.snapshot import SnapshotSource

REGIONS = {"aws": "eu-west-1", "gcp": "europe-west1"}
EC2 = ("ec2", "L-1216C47A")


def source(*entries, region="eu-west-1", name="serving"):
    quotas = [
        {
            "service": s,
            "code": c,
            "limit": limit,
            **({"usage": usage} if usage is not None else {}),
            **extra,
        }
        for s, c, limit, usage, *rest in entries
        for extra in [rest[0] if rest else {}]
    ]
    return SnapshotSource.from_document(
        {"provider": "aws", "account": "123456789012", "region": region, "quotas": quotas},
        path=name,
    )


def instances(count, instance_type="m5.xlarge", prefix="web"):
    return [
        PlannedResource(
            "aws:ec2/instance:Instance",
            f"{prefix}{i}",
            urn=f"urn:{prefix}{i}",
            properties={"instanceType": instance_type},
        )
        for i in range(count)
    ]


def kinds(result):
    return sorted((str(f.kind), str(f.severity)) for f in result.findings)


def test_exceeds_blocks_with_the_numbers_and_the_exact_command():
    # 3 x m5.xlarge = 12 vCPUs; 40 in use; limit 56 with a 10% buffer -> usable 50.4
    result = run_check(instances(3), source((*EC2, 56, 40)), regions=REGIONS)
    assert not result.passed
    [finding] = [f for f in result.findings if f.kind is FindingKind.EXCEEDS]
    assert (finding.limit, finding.usage, finding.demand) == (56, 40, 12)
    assert finding.shortfall == pytest.approx(52 - 50.4)
    assert finding.remedy.desired_limit == math.ceil(52 / 0.9)  # 58
    assert finding.remedy.command == (
        "aws service-quotas request-service-quota-increase --service-code ec2 "
        "--quota-code L-1216C47A --desired-value 58 --region eu-west-1"
    )


def test_buffer_is_configurable():
    assert run_check(instances(3), source((*EC2, 56, 40)), regions=REGIONS, buffer=0.0).passed
    with pytest.raises(Exception, match="buffer"):
        run_check(instances(1), source((*EC2, 56, 40)), regions=REGIONS, buffer=1.5)


def test_low_headroom_warns_but_passes():
    # 52 of 64 usable = 81%
    result = run_check(instances(3), source((*EC2, 64, 40)), regions=REGIONS, buffer=0.0)
    assert result.passed
    assert ("low_headroom", "warn") in kinds(result)


def test_regression_compares_limits_and_handles_unlimited():
    serving = source((*EC2, 256, 0), ("lambda", "L-B99A9384", None, 0))
    plan = [*instances(1), PlannedResource("aws:lambda/function:Function", "f", urn="urn:f")]
    lower = source((*EC2, 512, None), ("lambda", "L-B99A9384", 1000, None), name="loadtest")
    result = run_check(plan, serving, baseline=lower, regions=REGIONS)
    [regression] = [f for f in result.findings if f.kind is FindingKind.REGRESSION]
    assert (regression.key.code, regression.limit, regression.baseline_limit) == (
        "L-1216C47A",
        256,
        512,
    )
    assert regression.remedy.desired_limit == 512
    # unlimited serving never regresses; unlimited load test always outranks a finite one
    unlimited_baseline = source((*EC2, -1, None), name="loadtest")
    result = run_check(
        instances(1), source((*EC2, 256, 0)), baseline=unlimited_baseline, regions=REGIONS
    )
    [regression] = [f for f in result.findings if f.kind is FindingKind.REGRESSION]
    assert math.isinf(regression.baseline_limit) and regression.remedy is None


def test_watched_quota_is_checked_for_regression_even_when_untouched():
    key = parse_key("aws:vpc/L-F678F1CE@eu-west-1")
    serving = source((*EC2, 100, 0), ("vpc", "L-F678F1CE", 5, 1))
    baseline = source(("vpc", "L-F678F1CE", 10, None), name="loadtest")
    result = run_check(instances(1), serving, baseline=baseline, watch=[key], regions=REGIONS)
    assert [f.key for f in result.findings if f.kind is FindingKind.REGRESSION] == [key]


def test_deployed_stack_is_not_counted_twice():
    plan = instances(3)
    serving = source((*EC2, 56, 48))  # the 12 vCPUs of this stack are in the 48
    assert not run_check(plan, serving, regions=REGIONS).passed
    result = run_check(plan, serving, deployed=plan, regions=REGIONS)
    assert result.passed
    assert result.facts[QuotaKey("aws", "ec2", "L-1216C47A", "eu-west-1")].usage == 36


def test_unknowns_warn_or_block_in_strict_mode():
    plan = instances(1, "m99.huge") + instances(1, prefix="ok")
    serving = source((*EC2, 100, 0))
    relaxed = run_check(plan, serving, regions=REGIONS)
    assert relaxed.passed and ("unknown", "warn") in kinds(relaxed)
    assert any("m99.huge" in f.message for f in relaxed.findings)
    strict = run_check(plan, serving, regions=REGIONS, strict=True)
    assert not strict.passed and ("unknown", "block") in kinds(strict)
    missing = run_check(instances(1), source(("lambda", "L-B99A9384", 10, 0)), regions=REGIONS)
    assert any("not in snapshot" in f.message for f in missing.findings)


def test_per_bus_rule_quota_counts_the_busiest_bus():
    rules = [
        PlannedResource(
            "aws:cloudwatch/eventRule:EventRule",
            f"r{i}",
            urn=f"urn:r{i}",
            properties={"eventBusName": "ops" if i < 3 else "default"},
        )
        for i in range(5)
    ]
    result = run_check(rules, source(("events", "L-244521F2", 300, 0)), regions=REGIONS)
    fact = result.facts[QuotaKey("aws", "events", "L-244521F2", "eu-west-1")]
    assert (fact.demand, fact.busiest) == (3, "ops")


def test_allocation_blocks_a_stack_over_its_team_share(tmp_path):
    from quotapilot.ledger import open_ledger
    from quotapilot.ledger.source import LedgerSource

    with open_ledger(f"sqlite:///{tmp_path}/ledger.db") as ledger:
        name = "aws:ec2/L-1216C47A@eu-west-1"
        ledger.set_limit("acme/payments", name, 16)
        ledger.apply("acme/payments/batch", {name: 8})
        result = run_check(
            instances(3),
            source((*EC2, 1000, 0)),
            regions=REGIONS,
            allocation=LedgerSource(ledger, "acme/payments/api"),
            allocation_scope="acme/payments/api",
        )
    [finding] = [f for f in result.findings if f.kind is FindingKind.ALLOCATION]
    assert finding.blocks and "acme/payments/api" in finding.message


@given(
    count=st.integers(0, 40),
    usage=st.integers(0, 400),
    limit=st.integers(1, 400),
    buffer=st.sampled_from([0.0, 0.1, 0.25]),
)
def test_blocks_exactly_when_demand_plus_usage_exceeds_the_buffered_limit(
    count, usage, limit, buffer
):
    result = run_check(
        instances(count, "m5.large"), source((*EC2, limit, usage)), regions=REGIONS, buffer=buffer
    )
    exceeds = any(f.kind is FindingKind.EXCEEDS for f in result.findings)
    # a plan with no instances doesn't touch the quota: existing usage is not its problem
    assert exceeds == (count > 0 and 2 * count + usage > round(limit * (1 - buffer), 6))

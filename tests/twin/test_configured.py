"""The stack with accounts, regions, the regression watch and approvers set, as deployed, living
through two days of a quota running out: alerts per band without a storm, one increase,
approved by an approver and filed by the workflow, one audit record per action; then the
hourly regression watch, reading the sources its stack config names."""

from __future__ import annotations

from collections import Counter

import pytest

from quotapilot import wiring
from quotapilot.engine.config import EngineConfig
from tests.twin.scenarios import APPROVER, START, climb_for_two_days


@pytest.fixture(scope="module")
def two_days(configured_twin):
    return climb_for_two_days(configured_twin)


def test_the_engine_reads_the_configuration_the_stack_gave_it(configured_twin):
    env = configured_twin.deployment.functions["engine"].environment
    config = EngineConfig.from_env(env)
    assert [a.role_arn for a in config.accounts] == [
        "arn:aws:iam::123456789012:role/quotapilot-collector"
    ]
    assert config.regions == ("us-east-1",)
    assert config.regression_watch.loadtest.startswith("s3://")
    approval = configured_twin.deployment.functions["approval"].environment
    assert EngineConfig.from_env(approval).approvers == {APPROVER}


def test_every_cycle_of_two_days_completes(two_days):
    assert two_days.cycles == 48 * 12 and two_days.failed_cycles == 0


def test_one_alert_per_band_and_no_storm(two_days):
    bands = Counter(k for k in two_days.alert_kinds.elements() if k.startswith("alert_"))
    assert bands == {"alert_warning": 1, "alert_critical": 1, "alert_emergency": 1}


def test_one_increase_approved_through_the_workflow_and_filed_once(two_days):
    [request] = two_days.requests
    assert (request.code, request.desired, request.status) == ("L-B99A9384", 1500.0, "APPROVED")
    [execution] = two_days.executions
    assert execution["status"] == "SUCCEEDED"
    approvals = [a for a in two_days.alerts if a.get("kind") == "approval_requested"]
    assert len(approvals) == 1  # the approvers were asked once


def test_one_audit_record_per_action(two_days):
    kinds = Counter(a["kind"] for a in two_days.audit)
    assert kinds == {
        "alert_warning": 1,
        "alert_critical": 1,
        "alert_emergency": 1,
        "approval_requested": 1,  # the engine started the workflow
        "approval_pending": 1,  # the approval function asked the approvers
        "approval_approved": 1,  # an approver decided, through the URL
        "approved_increase": 1,  # the workflow's engine step filed it
        # the hourly watch: serving (1,000 then 1,500) is behind the load test's 3,000; it
        # alerts (and records) once a day, not every hour
        "quota_regression": 2,
    }
    [filed] = [a for a in two_days.audit if a["kind"] == "approved_increase"]
    assert filed["by"] == APPROVER


def test_nothing_is_dead_lettered(two_days):
    assert two_days.dead_letters == []


def test_the_regression_watch_compares_with_the_load_test_snapshot(configured_twin, two_days):
    """Hourly: serving (this account's live quotas) against the load-test snapshot the stack
    uploaded to its artifacts bucket (3,000 there, 1,500 here after the increase)."""
    invocations = configured_twin.tick(START.replace(day=START.day + 3))
    [watch] = [
        i for i in invocations if i.function == "engine" and "regressions" in (i.result or {})
    ]
    assert watch.ok, watch.error
    assert watch.result["checked"] == 1
    [regression] = watch.result["regressions"]
    assert (regression["serving_limit"], regression["loadtest_limit"]) == (1500.0, 3000.0)
    assert regression["loadtest"].startswith("s3://")
    actions = {c["action"] for c in watch.calls}
    assert {"s3:GetObject", "servicequotas:ListServiceQuotas"} <= actions
    assert wiring.ACTION_REGRESSION_WATCH in str(watch.event)

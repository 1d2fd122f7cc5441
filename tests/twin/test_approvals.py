"""The approval workflow as deployed: a denial, a timeout, and callers who may not decide.
The planned state machine runs (moto's interpreter), waiting on its task token; the approval
function completes it, or the timeout denies it."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest

from tests.twin.cloud import Twin
from tests.twin.scenarios import (
    START,
    add_rule,
    audit_records,
    decide_by_url,
    pending_approvals,
    usage,
)
from tests.twin.servicequotas import FakeQuota

LIMIT = 1000


@pytest.fixture(scope="module")
def twin(tmp_path_factory, configured_plan):
    twin = Twin(tmp_path_factory.mktemp("approvals"), approval_timeout_s=3).start()
    try:
        twin.deploy(configured_plan)
        add_rule(twin, rule_id="r", service="lambda", code="L-B99A9384",
                 automation_level="auto_approve", approval_required=True)  # fmt: skip
        from tests.twin.scenarios import LAMBDA_DIMENSIONS

        twin.quotas.state.add(
            FakeQuota(
                "lambda",
                "L-B99A9384",
                "Concurrent executions",
                LIMIT,
                LIMIT,
                dimensions=LAMBDA_DIMENSIONS,
            )
        )
        yield twin
    finally:
        twin.stop()


def ask(twin: Twin, step: int) -> str:
    """A cycle in the critical band: the engine starts the workflow, which parks its token."""
    now = START.replace(hour=step, minute=5)
    usage(twin, 0.9 * LIMIT, now - timedelta(minutes=1))  # CloudWatch's latest datapoint
    twin.tick(now)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        pending = pending_approvals(twin)
        if pending:
            return pending[-1]
        time.sleep(0.05)
    raise AssertionError("the workflow never asked the approvers")


def execution(twin: Twin, request_id: str) -> dict:
    return next(e for e in twin.executions() if e["name"] == request_id)


def test_a_caller_who_is_not_an_approver_is_refused(twin):
    request_id = ask(twin, 1)
    answer = decide_by_url(
        twin, request_id, "approve", caller="arn:aws:iam::123456789012:user/mallory"
    )
    assert answer["statusCode"] == 403
    assert pending_approvals(twin) == [request_id]  # still waiting for a real approver
    answer = decide_by_url(twin, "qp-nobody-asked-for-this", "approve")
    assert answer["statusCode"] == 409


def test_a_denial_fails_the_task_and_nothing_is_filed(twin):
    [request_id] = pending_approvals(twin)
    answer = decide_by_url(twin, request_id, "deny")
    assert answer["statusCode"] == 200, answer
    twin.settle_workflows()
    done = execution(twin, request_id)
    assert done["status"] == "SUCCEEDED" and "QuotaIncreaseDenied" in done["output"]
    assert twin.quotas.state.requests == []
    kinds = [a["kind"] for a in audit_records(twin)]
    assert kinds.count("approval_denied") == 1 and "approved_increase" not in kinds


def test_a_timeout_denies_and_a_late_decision_says_so(twin):
    # the denial settled the first request; a new limit makes a new one
    twin.quotas.state.quotas[("lambda", "L-B99A9384")].value = LIMIT + 1
    request_id = ask(twin, 2)
    deadline = time.monotonic() + 15
    while execution(twin, request_id)["status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.1)
    done = execution(twin, request_id)
    assert done["status"] == "SUCCEEDED" and "States.Timeout" in done["output"]
    late = decide_by_url(twin, request_id, "approve")
    assert late["statusCode"] == 409
    assert "timed out" in json.loads(late["body"])["error"]
    assert twin.quotas.state.requests == []  # a late approval files nothing
    assert pending_approvals(twin) == []

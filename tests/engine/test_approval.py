"""Approval: tokens parked once, only approvers decide, no replay, deny fails the task."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from botocore.stub import ANY, Stubber

from quotapilot import wiring
from quotapilot.domain import QuotaKey
from quotapilot.engine.act.alerts import Alerter
from quotapilot.engine.approval.desk import ApprovalDesk
from quotapilot.engine.approval.request import ApprovalStarter, IncreaseRequest, request_id_for
from quotapilot.engine.audit import AuditLog
from quotapilot.engine.aws import make_client
from quotapilot.engine.exceptions import ApprovalError
from quotapilot.engine.permissions import actions_of
from tests.conftest import load_event

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ALICE = "arn:aws:iam::111111111111:user/alice"
MALLORY = "arn:aws:iam::111111111111:user/mallory"
KEY = QuotaKey("aws", "ec2", "L-1216C47A", "us-east-1", "111111111111")


@pytest.fixture
def desk(stack):
    states = make_client("stepfunctions", region="us-east-1")
    stubber = Stubber(states)
    stubber.activate()
    alerter = Alerter(stack.config.alerts_topic_arn, None)
    desk = ApprovalDesk(
        stack.config.monitoring_table,
        frozenset({ALICE}),
        alerter,
        states=states,
        audit=AuditLog(stack.config.log_table),
    )
    desk.stubber = stubber
    return desk


def parked(desk, token="token-1"):
    request = load_event("engine_approval_request")["request"]
    assert desk.park(token, request, now=NOW) == "parked"
    return request


def test_park_once_and_notify_approvers(stack, desk, aws_calls):
    request = parked(desk)
    assert desk.park("token-2", request, now=NOW) == "already_parked"
    (alert,) = stack.alerts()
    assert alert["kind"] == "approval_requested" and alert["request"]["desired_limit"] == 150
    assert alert["how"]["request_id"] == request["request_id"]
    assert {c for c in aws_calls if not c.startswith("sqs:")} <= actions_of(
        wiring.FUNCTION_APPROVAL
    )


def test_a_retried_park_hands_the_decision_to_the_newest_token(stack, desk):
    """The workflow retries a failed park with a new token: the decision must complete the
    token the workflow is waiting on, and the approvers are asked once."""
    request = parked(desk, "token-1")
    assert desk.park("token-2", request, now=NOW) == "already_parked"
    assert len(stack.alerts()) == 1
    desk.stubber.add_response("send_task_success", {}, {"taskToken": "token-2", "output": ANY})
    assert desk.decide(ALICE, request["request_id"], "approve", now=NOW)["approved"]
    desk.stubber.assert_no_pending_responses()
    # a park after the decision leaves it alone
    assert desk.park("token-3", request, now=NOW) == "already_decided"


def test_a_park_that_died_before_notifying_notifies_on_its_retry(stack, desk, monkeypatch):
    request = load_event("engine_approval_request")["request"]
    publish = desk.alerter.send

    def dies(*args, **kwargs):
        raise RuntimeError("the container died")

    monkeypatch.setattr(desk.alerter, "send", dies)
    with pytest.raises(RuntimeError):
        desk.park("token-1", request, now=NOW)
    monkeypatch.setattr(desk.alerter, "send", publish)
    assert desk.park("token-2", request, now=NOW) == "parked"
    assert len(stack.alerts()) == 1
    pending = [r for r in stack.scan(stack.config.log_table) if r["kind"] == "approval_pending"]
    assert len(pending) == 1


def test_approve_completes_the_token_once(stack, desk, aws_calls):
    request = parked(desk)
    desk.stubber.add_response("send_task_success", {}, {"taskToken": "token-1", "output": ANY})
    result = desk.decide(ALICE, request["request_id"], "approve", "fine", now=NOW)
    assert result["approved"] and result["approver"] == ALICE
    with pytest.raises(ApprovalError, match="already decided"):
        desk.decide(ALICE, request["request_id"], "deny", now=NOW)  # no replay
    desk.stubber.assert_no_pending_responses()
    audit = {r["kind"]: r for r in stack.scan(stack.config.log_table)}
    assert audit["approval_approved"]["by"] == ALICE
    declared = actions_of(wiring.FUNCTION_APPROVAL)
    assert {c for c in aws_calls if not c.startswith(("sqs:", "dynamodb:Scan"))} <= declared


def test_approve_output_is_the_contract(stack, desk):
    request = parked(desk)
    seen = {}

    def capture(params, **_):
        seen.update(params)

    desk.stubber.add_response("send_task_success", {}, {"taskToken": "token-1", "output": ANY})
    desk.states.meta.events.register(
        "provide-client-params.sfn.SendTaskSuccess", lambda params, **_: capture(params)
    )
    desk.decide(ALICE, request["request_id"], "approve", now=NOW)
    assert json.loads(seen["output"]) == {
        "approved": True,
        "approver": ALICE,
        "decided_at": NOW.isoformat(),
    }


def test_deny_fails_the_task(stack, desk):
    request = parked(desk)
    desk.stubber.add_response(
        "send_task_failure",
        {},
        {"taskToken": "token-1", "error": "QuotaIncreaseDenied", "cause": "too expensive"},
    )
    assert (
        desk.decide(ALICE, request["request_id"], "deny", "too expensive", now=NOW)["status"]
        == "denied"
    )
    desk.stubber.assert_no_pending_responses()


def test_only_approvers_decide(stack, desk):
    request = parked(desk)
    with pytest.raises(ApprovalError, match="not an approver"):
        desk.decide(MALLORY, request["request_id"], "approve", now=NOW)
    refused = [r for r in stack.scan(stack.config.log_table) if r["kind"] == "approval_refused"]
    assert refused[0]["by"] == MALLORY
    # the request is still pending: a real approver can decide
    desk.stubber.add_response("send_task_success", {}, {"taskToken": "token-1", "output": ANY})
    desk.decide(ALICE, request["request_id"], "approve", now=NOW)


def test_unknown_request_is_refused(stack, desk):
    with pytest.raises(ApprovalError, match="no pending approval"):
        desk.decide(ALICE, "qp-unknown", "approve", now=NOW)


def test_starting_twice_is_one_execution(stack):
    starter = ApprovalStarter(stack.config.approval_state_machine_arn)
    request = IncreaseRequest.for_increase(KEY, 100, 150, "critical", 3600.0, "quotapilot-engine")
    # one approval per quota and current limit, whatever the increase is sized at meanwhile
    assert request.request_id == request_id_for(KEY, 100) == request_id_for(KEY, 100.0)
    other = IncreaseRequest.for_increase(KEY, 100, 200, "emergency", 7200.0, "quotapilot-engine")
    assert other.request_id == request.request_id
    assert request_id_for(KEY, 100) != request_id_for(KEY, 150)
    assert starter.start(request) == "started"
    assert starter.start(request) in ("already_started", "started")
    executions = stack.clients["stepfunctions"].list_executions(
        stateMachineArn=stack.config.approval_state_machine_arn
    )
    assert len(executions["executions"]) == 1
    machine_input = json.loads(
        stack.clients["stepfunctions"].describe_execution(
            executionArn=executions["executions"][0]["executionArn"]
        )["input"]
    )
    assert set(machine_input) == {
        "request_id",
        "key",
        "current_limit",
        "desired_limit",
        "reason",
        "estimated_monthly_cost",
        "requested_by",
    }
    assert machine_input["key"] == {
        "provider": "aws",
        "service": "ec2",
        "code": "L-1216C47A",
        "region": "us-east-1",
        "account": "111111111111",
    }


def test_start_treats_execution_already_exists_as_started():
    client = make_client("stepfunctions", region="us-east-1")
    request = IncreaseRequest.for_increase(KEY, 100, 150, "critical", 1.0, "x")
    with Stubber(client) as stubber:
        stubber.add_client_error("start_execution", "ExecutionAlreadyExists", http_status_code=400)
        assert (
            ApprovalStarter("arn:aws:states:us-east-1:111111111111:stateMachine:a", client).start(
                request
            )
            == "already_started"
        )

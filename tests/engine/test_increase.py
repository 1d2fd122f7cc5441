"""Increase requests with botocore's Stubber for Service Quotas (every request is checked
against the real API model) and moto for the locks and the Support API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from botocore.stub import Stubber

from quotapilot import wiring
from quotapilot.domain import QuotaKey
from quotapilot.engine.act.increase import IncreaseRequester, RequestLocks
from quotapilot.engine.aws import make_client
from quotapilot.engine.permissions import actions_of

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
KEY = QuotaKey("aws", "ec2", "L-1216C47A", "us-east-1", "111111111111")
BY_QUOTA = {"ServiceCode": "ec2", "QuotaCode": "L-1216C47A"}


@pytest.fixture
def quotas():
    client = make_client("service-quotas", region="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def requester(stack, client, **kwargs):
    support = make_client("support", region="us-east-1")
    return IncreaseRequester(
        RequestLocks(stack.config.monitoring_table), client, support=support, **kwargs
    )


def requested(request_id="r-1", status="PENDING", created=NOW, **extra):
    return {
        "Id": request_id,
        "ServiceCode": "ec2",
        "QuotaCode": "L-1216C47A",
        "DesiredValue": 150.0,
        "Status": status,
        "Created": created,
        **extra,
    }


def test_request_once_then_adopt_the_lock(stack, quotas, aws_calls):
    client, stubber = quotas
    stubber.add_response(
        "list_requested_service_quota_change_history_by_quota", {"RequestedQuotas": []}, BY_QUOTA
    )
    stubber.add_response(
        "request_service_quota_increase",
        {"RequestedQuota": requested()},
        {**BY_QUOTA, "DesiredValue": 150.0, "SupportCaseAllowed": True},
    )
    outcome = requester(stack, client).request(KEY, 150, now=NOW)
    assert (outcome.status, outcome.request_id) == ("requested", "r-1")
    # an overlapping run that doesn't see the request in the history yet: the lock stops it
    stubber.add_response(
        "list_requested_service_quota_change_history_by_quota", {"RequestedQuotas": []}, BY_QUOTA
    )
    again = requester(stack, client).request(KEY, 150, now=NOW)
    assert (again.status, again.request_id) == ("already_requested", "r-1")
    assert aws_calls <= actions_of(wiring.FUNCTION_ENGINE) | {"dynamodb:CreateTable"}


def test_open_request_is_not_duplicated(stack, quotas):
    client, stubber = quotas
    stubber.add_response(
        "list_requested_service_quota_change_history_by_quota",
        {
            "RequestedQuotas": [
                requested(status="CASE_OPENED", CaseId="case-9"),
                requested("r-0", status="DENIED"),
            ]
        },
        BY_QUOTA,
    )
    outcome = requester(stack, client).request(KEY, 200, now=NOW)
    assert (outcome.status, outcome.request_id, outcome.case_id) == (
        "already_open",
        "r-1",
        "case-9",
    )


def test_a_stale_lock_of_a_dead_run_is_taken_over(stack, quotas):
    client, stubber = quotas
    locks = RequestLocks(stack.config.monitoring_table)
    assert locks.acquire(KEY, 150, NOW - timedelta(hours=1)) is None  # died before requesting
    stubber.add_response(
        "list_requested_service_quota_change_history_by_quota", {"RequestedQuotas": []}, BY_QUOTA
    )
    stubber.add_response(
        "request_service_quota_increase",
        {"RequestedQuota": requested()},
        {**BY_QUOTA, "DesiredValue": 150.0, "SupportCaseAllowed": True},
    )
    assert requester(stack, client).request(KEY, 150, now=NOW).status == "requested"


def test_a_fresh_lock_without_request_is_in_flight(stack, quotas):
    client, stubber = quotas
    RequestLocks(stack.config.monitoring_table).acquire(KEY, 150, NOW - timedelta(minutes=1))
    stubber.add_response(
        "list_requested_service_quota_change_history_by_quota", {"RequestedQuotas": []}, BY_QUOTA
    )
    assert requester(stack, client).request(KEY, 150, now=NOW).status == "in_flight"


def test_an_owner_that_died_holding_its_lock_retakes_it_at_once(stack, quotas):
    """The approval workflow's filing step died after taking the lock: its retry (same
    owner) files at once; anyone else still sees the increase in flight."""
    client, stubber = quotas
    locks = RequestLocks(stack.config.monitoring_table)
    assert locks.acquire(KEY, 150, NOW - timedelta(minutes=1), owner="approval#a-1") is None
    assert locks.acquire(KEY, 150, NOW) is not None  # anonymous: not the owner
    assert locks.acquire(KEY, 150, NOW, owner="approval#a-2") is not None
    stubber.add_response(
        "list_requested_service_quota_change_history_by_quota", {"RequestedQuotas": []}, BY_QUOTA
    )
    stubber.add_response(
        "request_service_quota_increase",
        {"RequestedQuota": requested()},
        {**BY_QUOTA, "DesiredValue": 150.0, "SupportCaseAllowed": True},
    )
    outcome = requester(stack, client).request(KEY, 150, now=NOW, owner="approval#a-1")
    assert outcome.status == "requested"


def test_already_exists_adopts_the_open_request(stack, quotas):
    client, stubber = quotas
    stubber.add_response(
        "list_requested_service_quota_change_history_by_quota", {"RequestedQuotas": []}, BY_QUOTA
    )
    stubber.add_client_error(
        "request_service_quota_increase", "ResourceAlreadyExistsException", http_status_code=400
    )
    stubber.add_response(
        "list_requested_service_quota_change_history_by_quota",
        {"RequestedQuotas": [requested("r-7")]},
        BY_QUOTA,
    )
    outcome = requester(stack, client).request(KEY, 150, now=NOW)
    assert (outcome.status, outcome.request_id) == ("already_open", "r-7")


def test_long_pending_request_gets_the_service_quotas_support_case_once(stack, quotas):
    client, stubber = quotas
    old = requested(created=NOW - timedelta(days=2))
    stubber.add_response(
        "list_requested_service_quota_change_history_by_quota", {"RequestedQuotas": [old]}, BY_QUOTA
    )
    stubber.add_response("create_support_case", {}, {"RequestId": "r-1"})
    outcome = requester(stack, client).request(KEY, 150, now=NOW)
    assert (outcome.status, outcome.case_id) == ("case_opened", "service-quotas:r-1")
    # the next cycle, still pending (AWS is slow to update): no second case
    stubber.add_response(
        "list_requested_service_quota_change_history_by_quota", {"RequestedQuotas": [old]}, BY_QUOTA
    )
    assert requester(stack, client).request(KEY, 150, now=NOW).status == "already_open"


def test_support_api_is_the_fallback(stack, quotas, aws_calls):
    client, stubber = quotas
    old = requested(created=NOW - timedelta(days=2))
    stubber.add_response(
        "list_requested_service_quota_change_history_by_quota", {"RequestedQuotas": [old]}, BY_QUOTA
    )
    stubber.add_client_error(
        "create_support_case", "DependencyAccessDeniedException", http_status_code=400
    )
    outcome = requester(stack, client).request(KEY, 150, now=NOW)
    assert outcome.status == "case_opened" and outcome.case_id  # moto's Support backend
    cases = make_client("support", region="us-east-1").describe_cases()["cases"]
    assert len(cases) == 1 and "L-1216C47A" in cases[0]["subject"]
    assert (
        "support:CreateCase"
        in aws_calls
        <= actions_of(wiring.FUNCTION_ENGINE) | {"support:DescribeCases"}
    )


def test_recent_pending_request_waits(stack, quotas):
    client, stubber = quotas
    stubber.add_response(
        "list_requested_service_quota_change_history_by_quota",
        {"RequestedQuotas": [requested()]},
        BY_QUOTA,
    )
    assert requester(stack, client).request(KEY, 150, now=NOW).status == "already_open"

"""An apply whose outcome DynamoDB left unknown is resent as the same request, and counted once.

Two kinds of evidence: botocore's Stubber (every request validated against the real API
model) shows what goes on the wire, send after send; moto with a fault injected at the HTTP
layer shows the count: the request reaches the table, then its answer is lost.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ReadTimeoutError
from botocore.stub import ANY, Stubber
from moto import mock_aws
from moto.core.models import botocore_stubber

from quotapilot.ledger import QuotaExceeded
from quotapilot.ledger.dynamodb import DynamoDBLedger
from quotapilot.ledger.exceptions import LedgerUnsettled
from tests.ledger.conftest import create_table

Q = "lambda-concurrency"
TRANSACTION = "dynamodb.TransactWriteItems"


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr("quotapilot.ledger.dynamodb.transaction.time.sleep", lambda _: None)


@pytest.fixture
def fake_credentials(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")


def only_transactions(handler):
    def wrapped(event_name, **kwargs):
        if event_name.endswith(TRANSACTION):
            return handler(event_name=event_name, **kwargs)
        return None

    return wrapped


def before_transaction(client, stage: str, handler) -> None:
    """Run ``handler`` at ``stage`` ("before-call", "before-send") of every
    TransactWriteItems, ahead of the Stubber's and moto's handlers (botocore calls handlers
    of ``stage.*.*`` before those of ``stage``, and first-registered ones first)."""
    client.meta.events.register_first(f"{stage}.*.*", only_transactions(handler))


def record_bodies(client) -> list[dict]:
    """The body of every TransactWriteItems the client sends, as it goes on the wire."""
    bodies: list[dict] = []
    before_transaction(
        client, "before-call", lambda params, **_: bodies.append(json.loads(params["body"]))
    )
    return bodies


# Stubber: what goes on the wire --------------------------------------------------------


@pytest.fixture
def stubbed(fake_credentials):
    client = boto3.client("dynamodb", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("batch_write_item", {"UnprocessedItems": {}})
        yield client, stub
        stub.assert_no_pending_responses()


def lose_first_response(client) -> None:
    """The first TransactWriteItems times out reading its answer (as after a commit)."""
    lost = []

    def handler(**_):
        if not lost:
            lost.append(True)
            raise ReadTimeoutError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com/")

    before_transaction(client, "before-call", handler)


@pytest.mark.parametrize(
    "first_answer",
    [
        "InternalServerError",
        "TransactionInProgressException",
        "ThrottlingException",
        "lost response",
    ],
)
def test_every_send_of_one_apply_carries_one_token_and_the_same_items(stubbed, first_answer):
    client, stub = stubbed
    bodies = record_bodies(client)
    expected = {"TransactItems": ANY, "ClientRequestToken": ANY}
    if first_answer == "lost response":
        lose_first_response(client)
    else:
        status = 500 if first_answer == "InternalServerError" else 400
        stub.add_client_error(
            "transact_write_items", first_answer, http_status_code=status, expected_params=expected
        )
    stub.add_response("transact_write_items", {}, expected_params=expected)
    assert DynamoDBLedger("ledger", client=client).apply("acme/a", {Q: 4}) == {Q: 4}
    assert len(bodies) == 2
    assert bodies[0] == bodies[1]
    assert bodies[0]["ClientRequestToken"]


def test_a_resend_refused_because_the_delta_exists_is_counted_once(stubbed):
    # Past DynamoDB's 10-minute token window (or on a store that ignores tokens) the resend
    # runs again: the delta's put, which only creates, fails, and that proves the commit.
    client, stub = stubbed
    bodies = record_bodies(client)
    lose_first_response(client)
    stub.add_client_error(
        "transact_write_items",
        "TransactionCanceledException",
        expected_params={"TransactItems": ANY, "ClientRequestToken": ANY},
        modeled_fields={
            "CancellationReasons": [
                {"Code": "ConditionalCheckFailed"},  # acme/a at its limit, after our +4
                {"Code": "None"},
                {"Code": "ConditionalCheckFailed"},  # the delta is already there
            ]
        },
    )
    assert DynamoDBLedger("ledger", client=client).apply("acme/a", {Q: 4}) == {Q: 4}
    assert len(bodies) == 2 and bodies[0] == bodies[1]


def test_a_conflict_is_definite_and_the_rebuilt_request_gets_a_new_token(stubbed):
    client, stub = stubbed
    stub.add_client_error(
        "transact_write_items",
        "TransactionCanceledException",
        modeled_fields={"CancellationReasons": [{"Code": "TransactionConflict"}]},
    )
    stub.add_response("transact_write_items", {})
    bodies = record_bodies(client)
    assert DynamoDBLedger("ledger", client=client).apply("acme", {Q: 1}) == {Q: 1}
    assert bodies[0]["ClientRequestToken"] != bodies[1]["ClientRequestToken"]


def test_the_ledgers_own_client_retries_in_standard_mode():
    # Explicit, not botocore's default: older releases in our range default to legacy.
    retries = DynamoDBLedger("ledger", region="us-east-1").client.meta.config.retries
    assert retries == {"mode": "standard", "total_max_attempts": 10}


# moto: the count -----------------------------------------------------------------------


def fault_after_commit(client, fault: str, times: int = 1) -> list[int]:
    """The first ``times`` TransactWriteItems reach moto (and commit there), then their
    answer is lost (``timeout``) or replaced by a 500 (``500``)."""
    seen = [0]

    def handler(event_name, request, **_):
        answer = botocore_stubber(event_name, request)
        seen[0] += 1
        if seen[0] > times:
            return answer
        if fault == "timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        body = b'{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError"}'
        return AWSResponse(request.url, 500, {}, _Raw(body))

    before_transaction(client, "before-send", handler)
    return seen


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_):
        yield self.body

    def read(self, *_) -> bytes:
        return self.body


@pytest.fixture(params=["botocore retries", "ledger resends"])
def moto_client(request):
    # With botocore's retries the resend happens inside one call; without, the ledger's own.
    attempts = 3 if request.param == "botocore retries" else 1
    with mock_aws():
        client = boto3.client(
            "dynamodb",
            region_name="us-east-1",
            config=Config(retries={"mode": "standard", "total_max_attempts": attempts}),
        )
        create_table(client, "ledger")
        yield client


@pytest.mark.parametrize("fault", ["timeout", "500"])
def test_an_apply_committed_before_its_answer_was_lost_is_counted_once(moto_client, fault):
    ledger = DynamoDBLedger("ledger", client=moto_client)
    ledger.set_limit("acme", Q, 10)
    seen = fault_after_commit(moto_client, fault)
    assert ledger.apply("acme/a", {Q: 4}) == {Q: 4}
    assert seen[0] == 2
    assert ledger.usage("acme", Q) == 4 and ledger.usage("acme/a", Q) == 4
    assert len(ledger.history("acme/a", Q)) == 1


def test_a_lost_answer_at_the_limit_is_not_reported_as_refused(moto_client):
    ledger = DynamoDBLedger("ledger", client=moto_client)
    ledger.set_limit("acme", Q, 10)
    fault_after_commit(moto_client, "timeout")
    assert ledger.apply("acme/a", {Q: 10}) == {Q: 10}
    assert ledger.usage("acme", Q) == 10
    with pytest.raises(QuotaExceeded):
        ledger.apply("acme/a", {Q: 1})


def test_an_apply_whose_every_answer_was_lost_is_found_recorded(moto_client):
    ledger = DynamoDBLedger("ledger", client=moto_client)
    fault_after_commit(moto_client, "timeout", times=10**6)
    assert ledger.apply("acme/a", {Q: 4}) == {Q: 4}
    assert ledger.usage("acme", Q) == 4 and len(ledger.history("acme/a", Q)) == 1


def test_an_apply_that_never_got_through_is_unsettled_and_recorded_nowhere(moto_client):
    ledger = DynamoDBLedger("ledger", client=moto_client)
    ledger.usage("acme", Q)

    def refuse(request, **_):
        raise ReadTimeoutError(endpoint_url=request.url)

    handler = only_transactions(refuse)
    moto_client.meta.events.register_first("before-send.*.*", handler)
    with pytest.raises(LedgerUnsettled, match="no definite answer"):
        ledger.apply("acme/a", {Q: 4})
    moto_client.meta.events.unregister("before-send.*.*", handler)
    assert ledger.usage("acme", Q) == 0 and ledger.history("acme/a", Q) == []

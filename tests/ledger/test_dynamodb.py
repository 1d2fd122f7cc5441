"""What only the DynamoDB backend has: item layout, conflict retries, the 100-item cap."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from quotapilot.exceptions import LedgerError
from quotapilot.ledger import LedgerContention, QuotaExceeded
from quotapilot.ledger.dynamodb import DynamoDBLedger
from tests.ledger.conftest import create_table

Q = "lambda-concurrency"


@pytest.fixture
def client():
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, "ledger")
        yield client


class FlakyClient:
    """The real (moto) client, whose next transactions are cancelled by a conflict."""

    def __init__(self, client, conflicts: int) -> None:
        self._client = client
        self.conflicts = conflicts
        self.transactions = 0

    def __getattr__(self, name):
        return getattr(self._client, name)

    def transact_write_items(self, **kwargs):
        self.transactions += 1
        if self.conflicts:
            self.conflicts -= 1
            reasons = [{"Code": "TransactionConflict"}] + [{"Code": "None"}] * (
                len(kwargs["TransactItems"]) - 1
            )
            raise self._client.exceptions.TransactionCanceledException(
                {
                    "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
                    "CancellationReasons": reasons,
                },
                "TransactWriteItems",
            )
        return self._client.transact_write_items(**kwargs)


def test_items_fit_the_fixed_key_schema(client):
    ledger = DynamoDBLedger("ledger", client=client)
    ledger.set_limit("acme/payments", Q, 400)
    ledger.apply("acme/payments/api", {Q: 150})
    items = client.scan(TableName="ledger")["Items"]
    keys = {(item["pk"]["S"], item["sk"]["S"].split("#20")[0]) for item in items}
    assert keys == {
        ("SCOPES", "acme"),
        ("SCOPES", "acme/payments"),
        ("SCOPES", "acme/payments/api"),
        ("S#acme", f"Q#{Q}"),
        ("S#acme/payments", f"Q#{Q}"),
        ("S#acme/payments/api", f"Q#{Q}"),
        ("D#acme/payments/api", Q),
    }
    total = next(i for i in items if i["pk"]["S"] == "S#acme/payments")
    assert (total["lim"]["N"], total["usage"]["N"], total["room"]["N"]) == ("400", "150", "250")


def test_a_conflicting_transaction_is_retried_and_recorded_once(client):
    flaky = FlakyClient(client, conflicts=3)
    ledger = DynamoDBLedger("ledger", client=flaky)
    ledger.set_limit("acme", Q, 10)
    assert ledger.apply("acme/a", {Q: 4}) == {Q: 4}
    assert flaky.transactions == 4
    assert ledger.usage("acme", Q) == 4
    assert len(ledger.history("acme/a", Q)) == 1


def test_endless_conflicts_give_up_without_recording(client):
    ledger = DynamoDBLedger("ledger", client=FlakyClient(client, conflicts=10**6), max_attempts=3)
    with pytest.raises(LedgerContention, match="nothing was recorded"):
        ledger.apply("acme/a", {Q: 4})
    assert ledger.usage("acme", Q) == 0


def test_a_failed_limit_condition_is_quota_exceeded_not_a_retry(client):
    flaky = FlakyClient(client, conflicts=0)
    ledger = DynamoDBLedger("ledger", client=flaky)
    ledger.set_limit("acme", Q, 3)
    with pytest.raises(QuotaExceeded):
        ledger.apply("acme/a", {Q: 4})
    assert flaky.transactions == 1


def test_an_apply_too_big_for_one_transaction_is_refused_whole(client):
    ledger = DynamoDBLedger("ledger", client=client)
    deep = "/".join("abcdefghij")  # 10 totals + 1 delta per quota: 9 quotas fit, 10 don't
    ledger.apply(deep, {f"q{i}": 1 for i in range(9)})
    with pytest.raises(LedgerError, match="110 items"):
        ledger.apply(deep, {f"q{i}": 1 for i in range(10)})
    assert ledger.usage("a", "q0") == 1


def test_aws_errors_become_ledger_errors(client):
    ledger = DynamoDBLedger("missing-table", client=client)
    with pytest.raises(LedgerError, match="ResourceNotFoundException"):
        ledger.usage("acme", Q)

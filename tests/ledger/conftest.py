"""One suite, both backends: every test taking ``make_ledger`` runs on SQLite and DynamoDB."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest

from quotapilot.ledger import Ledger, open_ledger

_counter = itertools.count()


def create_table(client, name: str) -> None:
    """The table exactly as the components create it: pk/sk strings, no index, on demand."""
    client.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


@pytest.fixture(params=["sqlite", "dynamodb"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def make_ledger(backend, tmp_path) -> Iterator[Callable[[], Ledger]]:
    """A factory of fresh, empty ledgers on the backend under test."""
    opened: list[Ledger] = []
    if backend == "sqlite":

        def make() -> Ledger:
            ledger = open_ledger(f"sqlite:///{tmp_path}/ledger-{next(_counter)}.db")
            opened.append(ledger)
            return ledger

        yield make
    else:
        import boto3
        from moto import mock_aws

        with mock_aws():
            client = boto3.client("dynamodb", region_name="us-east-1")

            def make() -> Ledger:
                table = f"ledger-{next(_counter)}"
                create_table(client, table)
                ledger = open_ledger(f"dynamodb://{table}?region=us-east-1", client=client)
                opened.append(ledger)
                return ledger

            yield make
    for ledger in opened:
        ledger.close()


@pytest.fixture
def ledger(make_ledger) -> Ledger:
    return make_ledger()

"""Several processes race against one limit: exactly the limit is admitted, nothing more."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from quotapilot.ledger import open_ledger
from tests.ledger.conftest import create_table
from tests.ledger.racing import IsolatingMotoServer, free_port, race

PROCESSES, ATTEMPTS, LIMIT = 4, 15, 37
Q = "lambda-concurrency"


@pytest.fixture(params=["sqlite", "dynamodb"])
def shared_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/race.db"
        return
    import boto3

    port = free_port()
    server = IsolatingMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        create_table(
            boto3.client("dynamodb", region_name="us-east-1", endpoint_url=endpoint), "race"
        )
        yield f"dynamodb://race?region=us-east-1&endpoint_url={endpoint}"
    finally:
        server.stop()


@pytest.mark.slow
def test_processes_racing_for_one_limit_take_exactly_the_limit(shared_url):
    with open_ledger(shared_url) as ledger:
        ledger.set_limit("acme/payments", Q, LIMIT)
    start_at = time.time() + 2.0  # after every spawned process has imported the ledger
    jobs = [
        (shared_url, f"acme/payments/stack{i}", Q, ATTEMPTS, start_at) for i in range(PROCESSES)
    ]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        results = pool.starmap(race, jobs)
    accepted = sum(a for a, _ in results)
    rejected = sum(r for _, r in results)
    assert accepted == LIMIT
    assert rejected == PROCESSES * ATTEMPTS - LIMIT
    with open_ledger(shared_url) as ledger:
        assert ledger.usage("acme/payments", Q) == LIMIT
        assert ledger.usage("acme", Q) == LIMIT
        # Every rejected apply left no trace: one +1 delta per admission and nothing else.
        history = [
            d for i in range(PROCESSES) for d in ledger.history(f"acme/payments/stack{i}", Q)
        ]
        assert len(history) == LIMIT and {d.amount for d in history} == {1}
        for i, (taken, _) in enumerate(results):
            assert ledger.usage(f"acme/payments/stack{i}", Q) == taken

from __future__ import annotations

import pytest

from quotapilot.domain import QuotaKey
from quotapilot.exceptions import SourceError
from quotapilot.ledger import LedgerError
from quotapilot.ledger.source import LedgerSource
from quotapilot.sources.base import QuotaSource

LAMBDA = QuotaKey("aws", "lambda", "L-B99A9384", "us-east-1")
REGIONAL = "aws:lambda/L-B99A9384@us-east-1"


def test_reports_the_tightest_allocation_on_the_path(ledger):
    ledger.set_limit("acme", REGIONAL, 1000)
    ledger.set_limit("acme/payments", REGIONAL, 400)
    ledger.apply("acme/payments/api", {REGIONAL: 150})
    ledger.apply("acme/search", {REGIONAL: 800})
    source = LedgerSource(ledger, "acme/payments/api")
    assert isinstance(source, QuotaSource)
    reading = source.read([LAMBDA]).get(LAMBDA)
    # acme has 200 left, payments 250: the organisation is the tighter allocation.
    assert (reading.quota.limit, reading.usage.value) == (1000, 950)
    assert reading.quota.name == "allocation of acme"


def test_a_region_less_allocation_applies_in_every_region(ledger):
    ledger.set_limit("acme", "aws:lambda/L-B99A9384", 50)
    ledger.apply("acme/a", {"aws:lambda/L-B99A9384": 20})
    reading = LedgerSource(ledger, "acme/a").read([LAMBDA.in_region("eu-west-1")])
    only = next(iter(reading.readings.values()))
    assert (only.quota.limit, only.usage.value) == (50, 20)


def test_no_allocation_is_unlimited(ledger):
    ledger.apply("acme/a", {REGIONAL: 5})
    reading = LedgerSource(ledger, "acme/a").read([LAMBDA]).get(LAMBDA)
    assert reading.quota.limit is None and reading.usage.value == 5


def test_a_key_that_is_no_ledger_name_is_unknown_not_an_error(ledger):
    odd = QuotaKey("gcp", "compute.googleapis.com", "CPUS per region", "us-central1")
    result = LedgerSource(ledger, "acme").read([odd, LAMBDA])
    assert "not a ledger quota name" in result.unknown[odd].reason
    assert LAMBDA in result.readings


def test_an_unreadable_ledger_is_a_source_error(ledger):
    class Broken:
        name = "broken"

        def tightest(self, scope, quota):
            raise LedgerError("disk on fire")

    with pytest.raises(SourceError, match="could not read the ledger"):
        LedgerSource(Broken(), "acme").read([LAMBDA])

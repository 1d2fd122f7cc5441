from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import quotapilot.ledger
from quotapilot.exceptions import LedgerError
from quotapilot.ledger import (
    LedgerPathError,
    LedgerUrlError,
    QuotaExceeded,
    default_url,
    open_ledger,
)

Q = "lambda-concurrency"


def test_the_issue_example_holds(ledger):
    ledger.set_limit("acme/payments", Q, 400)
    assert ledger.apply("acme/payments/api", {Q: 150}) == {Q: 150}
    assert ledger.usage("acme/payments", Q) == 150
    assert ledger.usage("acme", Q) == 150
    assert ledger.usage("acme/payments/api", Q) == 150
    assert ledger.limit("acme/payments", Q) == 400
    assert ledger.limit("acme", Q) is None


def test_quota_exceeded_names_scope_quota_limit_usage_and_delta(ledger):
    ledger.set_limit("acme", Q, 1000)
    ledger.set_limit("acme/payments", Q, 400)
    ledger.apply("acme/payments/api", {Q: 150})
    with pytest.raises(QuotaExceeded) as caught:
        ledger.apply("acme/payments/web", {Q: 251})
    error = caught.value
    assert isinstance(error, LedgerError)
    assert (error.scope, error.quota, error.limit, error.usage, error.delta) == (
        "acme/payments",
        Q,
        400,
        150,
        251,
    )
    assert error.origin == "acme/payments/web"
    assert "acme/payments" in str(error) and "400" in str(error) and "251" in str(error)


def test_a_rejected_apply_records_nothing_of_any_quota(ledger):
    ledger.set_limit("acme/payments", "vcpus", 10)
    ledger.apply("acme/payments/api", {Q: 5, "vcpus": 4})
    with pytest.raises(QuotaExceeded):
        ledger.apply("acme/payments/api", {Q: 100, "vcpus": 7})
    assert ledger.usage("acme", Q) == 5
    assert ledger.usage("acme", "vcpus") == 4
    assert [d.amount for d in ledger.history("acme/payments/api", Q)] == [5]
    assert [d.amount for d in ledger.history("acme/payments/api", "vcpus")] == [4]


def test_an_apply_up_to_the_limit_exactly_is_accepted(ledger):
    ledger.set_limit("acme", Q, 10)
    ledger.apply("acme/a", {Q: 4})
    ledger.apply("acme/b", {Q: 6})
    with pytest.raises(QuotaExceeded):
        ledger.apply("acme/c", {Q: 1})
    assert ledger.usage("acme", Q) == 10


@pytest.mark.parametrize("unlimited", [None, -1])
def test_none_and_minus_one_are_unlimited(ledger, unlimited):
    ledger.set_limit("acme", Q, 5)
    ledger.set_limit("acme", Q, unlimited)
    assert ledger.limit("acme", Q) is None
    ledger.apply("acme/x", {Q: 10_000})
    assert ledger.usage("acme", Q) == 10_000


def test_releases_are_never_rejected_and_clamped_to_what_the_scope_holds(ledger):
    ledger.set_limit("acme", Q, 10)
    ledger.apply("acme/a", {Q: 10})
    ledger.set_limit("acme", Q, 2)  # lowered below usage: only releases pass now
    with pytest.raises(QuotaExceeded):
        ledger.apply("acme/b", {Q: 1})
    assert ledger.apply("acme/a", {Q: -3}) == {Q: -3}
    assert ledger.apply("acme/a", {Q: -100}) == {Q: -7}
    assert ledger.usage("acme", Q) == 0
    # A scope can't release what its children hold.
    ledger.apply("acme/a", {Q: 2})
    assert ledger.apply("acme", {Q: -2}) == {}
    assert ledger.usage("acme", Q) == 2


def test_set_usage_records_a_compensating_delta(ledger):
    ledger.set_limit("acme", Q, 10)
    ledger.apply("acme/a", {Q: 3})
    assert ledger.set_usage("acme/a", {Q: 8}) == {Q: 5}
    assert ledger.set_usage("acme/a", {Q: 8}) == {}
    assert ledger.set_usage("acme/a", {Q: 1}) == {Q: -7}
    with pytest.raises(QuotaExceeded):
        ledger.set_usage("acme/a", {Q: 11})
    assert ledger.usage("acme", Q) == 1
    assert [d.amount for d in ledger.history("acme/a", Q)] == [3, 5, -7]
    with pytest.raises(LedgerPathError, match="negative"):
        ledger.set_usage("acme/a", {Q: -1})


def test_recalculate_replaces_own_usage_even_over_the_limit(ledger):
    ledger.set_limit("acme", Q, 10)
    ledger.apply("acme/a", {Q: 3, "vcpus": 2})
    assert ledger.recalculate("acme/a", {Q: 12}) == {Q: 9, "vcpus": -2}
    assert ledger.own_usage("acme/a") == {Q: 12}
    assert ledger.usage("acme", Q) == 12


def test_compaction_folds_old_deltas_and_keeps_every_sum(ledger):
    for amount in (1, 2, 3, -1):
        ledger.apply("acme/a", {Q: amount})
    ledger.apply("acme/b", {Q: 5})
    folded = ledger.compact(datetime.now(UTC) + timedelta(seconds=1))
    assert folded == 3
    history = ledger.history("acme/a", Q)
    assert [(d.amount, d.checkpoint) for d in history] == [(5, True)]
    assert ledger.usage("acme", Q) == 10 and ledger.usage("acme/a", Q) == 5
    ledger.apply("acme/a", {Q: 1})
    assert ledger.compact(datetime.now(UTC) - timedelta(days=1)) == 0
    assert ledger.usage("acme/a", Q) == 6


def test_lines_cover_a_subtree_with_rolled_up_usage(ledger):
    ledger.set_limit("acme/payments", Q, 400)
    ledger.apply("acme/payments/api", {Q: 150})
    ledger.apply("other/x", {Q: 1})
    lines = {(line.scope, line.quota): line for line in ledger.lines("acme")}
    assert set(lines) == {("acme", Q), ("acme/payments", Q), ("acme/payments/api", Q)}
    assert lines[("acme/payments", Q)].limit == 400
    assert lines[("acme/payments", Q)].usage == 150
    assert lines[("acme/payments/api", Q)].own == 150
    assert len(ledger.lines()) == 5


def test_tightest_scope_is_the_one_with_least_headroom(ledger):
    ledger.set_limit("acme", Q, 1000)
    ledger.set_limit("acme/payments", Q, 400)
    ledger.apply("acme/other", {Q: 990})
    tight = ledger.tightest("acme/payments/api", Q)
    assert (tight.scope, tight.limit, tight.usage) == ("acme", 1000, 990)
    assert ledger.tightest("acme/payments/api", "vcpus") is None


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("", "empty"),
        ("a//b", "bad segment ''"),
        ("a/b c", "bad segment 'b c'"),
        ("a/#x", "bad segment '#x'"),
        ("/".join("abcdefghijk"), "at most 10 segments"),
    ],
)
def test_bad_scope_paths_are_refused_with_the_reason(ledger, path, message):
    with pytest.raises(LedgerPathError, match=message):
        ledger.apply(path, {Q: 1})


def test_depth_ten_is_accepted(ledger):
    deep = "/".join("abcdefghij")
    ledger.set_limit("a", Q, 3)
    ledger.apply(deep, {Q: 3})
    assert ledger.usage("a/b", Q) == 3


@pytest.mark.parametrize(
    ("deltas", "message"),
    [
        ({"bad name": 1}, "bad quota name"),
        ({"a#b": 1}, "bad quota name"),
        ({Q: "5"}, "must be a number"),
        ({Q: True}, "must be a number"),
        ({Q: float("nan")}, "finite"),
        ([(Q, 1)], "mapping"),
    ],
)
def test_bad_deltas_are_refused_and_record_nothing(ledger, deltas, message):
    with pytest.raises(LedgerPathError, match=message):
        ledger.apply("acme", deltas)
    assert ledger.lines() == []


def test_negative_limits_other_than_minus_one_are_refused(ledger):
    with pytest.raises(LedgerPathError, match="negative"):
        ledger.set_limit("acme", Q, -5)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ledger.db", "looks like"),
        ("postgres://x/y", "unknown ledger backend"),
        ("sqlite://host/x.db", "three slashes"),
        ("dynamodb://?region=us-east-1", "no table"),
        ("dynamodb://t?colour=red", "unknown option"),
    ],
)
def test_bad_urls_are_refused(url, message):
    with pytest.raises(LedgerUrlError, match=message):
        open_ledger(url)


def test_sqlite_url_forms(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    relative = open_ledger("sqlite:///sub/rel.db")
    absolute = open_ledger(f"sqlite:///{tmp_path}/abs.db")
    assert (tmp_path / "sub" / "rel.db").exists() and (tmp_path / "abs.db").exists()
    relative.close()
    absolute.close()


def test_public_names():
    assert sorted(quotapilot.ledger.__all__) == sorted(
        [
            "DEFAULT_URL",
            "ENV_LEDGER_URL",
            "Delta",
            "Ledger",
            "LedgerContention",
            "LedgerError",
            "LedgerPathError",
            "LedgerUrlError",
            "QuotaExceeded",
            "QuotaLine",
            "default_url",
            "open_ledger",
        ]
    )
    assert issubclass(QuotaExceeded, LedgerError)


def test_default_url_prefers_the_variable_then_the_stack_table(monkeypatch):
    monkeypatch.delenv("QUOTAPILOT_LEDGER", raising=False)
    monkeypatch.delenv("QUOTAPILOT_LEDGER_TABLE", raising=False)
    assert default_url() == "sqlite:///.quotapilot/ledger.db"
    monkeypatch.setenv("QUOTAPILOT_LEDGER_TABLE", "prod-ledger")
    assert default_url() == "dynamodb://prod-ledger"
    monkeypatch.setenv("QUOTAPILOT_LEDGER", "sqlite:///x.db")
    assert default_url() == "sqlite:///x.db"


def test_an_unopenable_sqlite_file_is_a_ledger_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(LedgerError, match="can't open the ledger"):
        open_ledger(f"sqlite:///{blocker}/ledger.db")


def test_fully_released_quotas_without_limits_are_not_shown(ledger):
    ledger.apply("acme/a", {Q: 3})
    ledger.apply("acme/a", {Q: -3})
    assert ledger.lines() == []

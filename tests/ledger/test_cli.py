from __future__ import annotations

from pathlib import Path

import pytest

from quotapilot.cli.app import main
from tests.ledger import fakes

EXPORT = Path(__file__).parent / "data" / "stack-export.json"


@pytest.fixture
def url(tmp_path, monkeypatch):
    monkeypatch.delenv("QUOTAPILOT_LEDGER", raising=False)
    return f"sqlite:///{tmp_path}/cli.db"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_set_limit_apply_and_show(capsys, url):
    assert (
        run(capsys, "ledger", "set-limit", "acme/payments", "lambda", "400", "--ledger", url)[0]
        == 0
    )
    code, out, _ = run(
        capsys, "ledger", "apply", "acme/payments/api", "lambda=150", "--ledger", url
    )
    assert code == 0 and "usage 150" in out
    code, out, _ = run(capsys, "ledger", "show", "--ledger", url)
    assert code == 0
    assert "payments" in out and "150 / 400" in out and "150 / ∞" in out
    assert "████████░░░░░░░░░░░░" in out  # 150/400 of a 20-wide bar


def test_a_refused_apply_is_one_line_and_exit_2(capsys, url):
    run(capsys, "ledger", "set-limit", "acme", "lambda", "10", "--ledger", url)
    code, out, err = run(capsys, "ledger", "apply", "acme/a", "lambda=11", "--ledger", url)
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "lambda in acme: usage 0 + 11 would exceed the limit 10" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["apply", "acme", "lambda"], "expected QUOTA=DELTA"),
        (["apply", "acme", "lambda=x"], "the delta must be a finite number"),
        (["apply", "acme", "lambda=nan"], "the delta must be a finite number"),
        (
            ["set-limit", "acme", "lambda", "lots"],
            "LIMIT: must be a non-negative number or 'unlimited'",
        ),
        (["set-limit", "acme", "lambda", "1e309"], "LIMIT: must be a non-negative number"),
        (["set-limit", "a b", "lambda", "3"], "bad segment 'a b'"),
    ],
)
def test_bad_arguments_exit_2_with_one_clear_line(capsys, url, argv, message):
    code, _, err = run(capsys, "ledger", *argv, "--ledger", url)
    assert code == 2 and message in err and err.count("\n") == 1


def test_the_ledger_url_comes_from_the_environment(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("QUOTAPILOT_LEDGER", f"sqlite:///{tmp_path}/env.db")
    assert run(capsys, "ledger", "set-limit", "acme", "lambda", "unlimited")[0] == 0
    assert (tmp_path / "env.db").exists()
    code, _, err = run(capsys, "ledger", "show", "--ledger", "mysql://x")
    assert code == 2 and "unknown ledger backend" in err


def test_record_prints_usage_and_warns_about_what_it_could_not_count(capsys, url, monkeypatch):
    monkeypatch.setattr("quotapilot.ledger.record.catalogue_demand_for", lambda: fakes.demand_for)
    code, out, err = run(capsys, "ledger", "record", "acme/api", str(EXPORT), "--ledger", url)
    assert code == 0
    assert f"acme/api: {fakes.LAMBDA}@eu-west-1 = 80 (+80)" in out
    assert "warning: not counted:" in err and "Eip::nat: no region" in err
    code, out, _ = run(capsys, "ledger", "record", "acme/api", str(EXPORT), "--ledger", url)
    assert "= 80 (+0)" in out

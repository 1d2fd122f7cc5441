"""A command that only reads the ledger never creates what it reads: a mistyped URL is exit 2
and one line naming it, with no file, directory or table left behind."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from quotapilot.cli.app import main
from quotapilot.ledger import open_ledger
from quotapilot.ledger.exceptions import LedgerNotFound
from tests.ledger.conftest import create_table

PLAN = Path(__file__).parents[1] / "gate" / "terraform" / "plans" / "simple.json"
SNAPSHOT = "provider: aws\naccount: '123456789012'\nregion: eu-west-1\nquotas: []\n"


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty working directory and no ledger from the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUOTAPILOT_LEDGER", raising=False)
    monkeypatch.delenv("QUOTAPILOT_LEDGER_TABLE", raising=False)
    (tmp_path / "snapshot.yaml").write_text(SNAPSHOT)
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


READERS = {
    "show": lambda url: ["ledger", "show", "--ledger", url],
    "show subtree": lambda url: ["ledger", "show", "acme", "--ledger", url],
    "check": lambda url: [
        "check",
        "--terraform-plan",
        str(PLAN),
        "--quotas",
        "snapshot.yaml",
        "--ledger",
        url,
        "--scope",
        "acme/api",
    ],
}


def everything_under(root: Path) -> set[Path]:
    return set(root.rglob("*"))


@pytest.mark.parametrize("command", sorted(READERS))
@pytest.mark.parametrize("url", ["sqlite:///typo/path", "sqlite:///typo/deeper/ledger.db"])
def test_a_read_of_a_missing_sqlite_ledger_creates_nothing(capsys, workdir, command, url):
    before = everything_under(workdir)
    code, out, err = run(capsys, *READERS[command](url))
    assert (code, out) == (2, "")
    assert err == f"error: no ledger at {url}: no such file\n"
    assert everything_under(workdir) == before


def test_an_absolute_path_and_the_default_url_create_nothing_either(capsys, workdir):
    missing = workdir / "nowhere" / "ledger.db"
    code, _, err = run(capsys, "ledger", "show", "--ledger", f"sqlite:///{missing}")
    assert code == 2 and f"no ledger at sqlite:///{missing}" in err
    code, _, err = run(capsys, "ledger", "show")
    assert code == 2 and "no ledger at sqlite:///.quotapilot/ledger.db" in err
    assert everything_under(workdir) == {workdir / "snapshot.yaml"}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda path: path.mkdir(), "a directory, not a file"),
        (lambda path: path.write_bytes(b""), "the file holds no ledger tables"),
        (lambda path: path.write_bytes(b"\xff\xfe not a database" * 100), "not a database"),
    ],
)
def test_a_path_that_holds_no_ledger_is_left_as_it_was(capsys, workdir, make, message):
    path = workdir / "odd.db"
    make(path)
    before = {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in everything_under(workdir)}
    for command in READERS.values():
        code, _, err = run(capsys, *command(f"sqlite:///{path}"))
        assert code == 2 and message in err and err.count("\n") == 1
    after = {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in everything_under(workdir)}
    assert after == before


def test_reads_of_an_existing_ledger_still_work(capsys, workdir):
    url = f"sqlite:///{workdir}/ledger.db"
    assert run(capsys, "ledger", "set-limit", "acme", "lambda", "4", "--ledger", url)[0] == 0
    code, out, _ = run(capsys, "ledger", "show", "--ledger", url)
    assert code == 0 and "0 / 4" in out
    assert run(capsys, *READERS["check"](url))[0] == 0


@pytest.mark.parametrize(
    "command", [["set-limit", "acme", "lambda", "4"], ["apply", "acme", "x=1"]]
)
def test_write_commands_may_still_create_a_sqlite_ledger(capsys, workdir, command):
    code, _, _ = run(capsys, "ledger", *command, "--ledger", "sqlite:///new/dir/ledger.db")
    assert code == 0 and (workdir / "new" / "dir" / "ledger.db").is_file()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite:/x", "a ledger URL looks like"),
        ("http://[::1", "not a URL: Invalid IPv6 URL"),
        ("dynamodb://", "names no table"),
        ("dynamodb://a b", "not a DynamoDB table name"),
        ("sqlite://", "names no file"),
    ],
)
@pytest.mark.parametrize(
    "command", [*sorted(READERS), "set-limit"], ids=lambda c: c.replace(" ", "-")
)
def test_a_malformed_url_is_exit_2_and_one_line(capsys, workdir, url, message, command):
    argv = (
        ["ledger", "set-limit", "acme", "lambda", "4", "--ledger", url]
        if command == "set-limit"
        else READERS[command](url)
    )
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert message in err and url in err and err.count("\n") == 1
    assert everything_under(workdir) == {workdir / "snapshot.yaml"}


# DynamoDB ------------------------------------------------------------------------------


@pytest.fixture
def aws(workdir, monkeypatch):
    with mock_aws():
        create_table(boto3.client("dynamodb", region_name="us-east-1"), "ledger")
        yield


@pytest.mark.parametrize("command", [*sorted(READERS), "set-limit", "apply"])
def test_a_missing_dynamodb_table_is_one_line_naming_the_url(capsys, aws, command):
    url = "dynamodb://no-such-table?region=us-east-1"
    argv = {
        "set-limit": ["ledger", "set-limit", "acme", "lambda", "4", "--ledger", url],
        "apply": ["ledger", "apply", "acme", "lambda=1", "--ledger", url],
    }.get(command) or READERS[command](url)
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: no ledger at {url}: ") and err.count("\n") == 1
    assert boto3.client("dynamodb", region_name="us-east-1").list_tables()["TableNames"] == [
        "ledger"
    ]


def test_opening_a_missing_table_to_read_fails_at_once(aws):
    with pytest.raises(LedgerNotFound, match="no ledger at dynamodb://gone"):
        open_ledger("dynamodb://gone?region=us-east-1", must_exist=True)
    with open_ledger("dynamodb://ledger?region=us-east-1", must_exist=True) as ledger:
        assert ledger.lines() == []


def test_a_ledger_gone_mid_check_is_not_folded_into_unknown_quotas():
    from quotapilot.domain import QuotaKey
    from quotapilot.ledger.source import LedgerSource

    class Gone:
        name = "dynamodb gone"

        def tightest(self, scope, quota):
            raise LedgerNotFound("no ledger at dynamodb://gone: DynamoDB answered ...")

    with pytest.raises(LedgerNotFound, match="no ledger at dynamodb://gone"):
        LedgerSource(Gone(), "acme").read([QuotaKey("aws", "lambda", "L-B99A9384", "us-east-1")])

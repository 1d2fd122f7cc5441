"""Ledger URLs: ``sqlite:///relative/or/absolute.db`` and ``dynamodb://TABLE?region=R``."""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from quotapilot.ledger.base import Ledger
from quotapilot.ledger.exceptions import LedgerUrlError

#: Environment variable the CLI reads the ledger URL from.
ENV_LEDGER_URL = "QUOTAPILOT_LEDGER"
DEFAULT_URL = "sqlite:///.quotapilot/ledger.db"

# DynamoDB's own rule for table names.
_TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")


def default_url() -> str:
    """$QUOTAPILOT_LEDGER; else, in the deployed stack, its ledger table; else a local file."""
    from quotapilot.wiring import ENV_LEDGER_TABLE

    if os.environ.get(ENV_LEDGER_URL):
        return os.environ[ENV_LEDGER_URL]
    table = os.environ.get(ENV_LEDGER_TABLE)
    if table:
        return f"dynamodb://{table}"  # region: the Lambda's AWS_REGION, as boto3 defaults
    return DEFAULT_URL


def open_ledger(url: str, *, client: Any = None, must_exist: bool = False) -> Ledger:
    """Open the ledger ``url`` names. ``client`` (a boto3 DynamoDB client) is for tests and
    callers that already hold one; it is ignored for SQLite.

    ``must_exist`` is for commands that only read: a ledger that isn't there is
    LedgerNotFound, and nothing is created (a typo in a path must not leave a new, empty
    ledger behind that every later read would find). Writers may create a SQLite file;
    nothing ever creates a DynamoDB table.
    """
    if not isinstance(url, str) or "://" not in url:
        raise LedgerUrlError(
            "a ledger URL looks like sqlite:///path/ledger.db or dynamodb://TABLE?region=R",
            url=url,
        )
    try:
        parts = urlsplit(url)
    except ValueError as error:  # "http://[::1": an unclosed IPv6 bracket
        raise LedgerUrlError(f"not a URL: {error}", url=url) from None
    if parts.scheme == "sqlite":
        # sqlite:///rel.db -> "rel.db"; sqlite:////abs/x.db -> "/abs/x.db" (SQLAlchemy's form).
        path = (parts.netloc + parts.path)[1:] if parts.path.startswith("/") else parts.path
        if parts.netloc:
            raise LedgerUrlError("use sqlite:///path (three slashes)", url=url)
        if not path:
            raise LedgerUrlError("the sqlite URL names no file", url=url)
        from quotapilot.ledger.sqlite import SqliteLedger

        return SqliteLedger(path, create=not must_exist, url=url)
    if parts.scheme == "dynamodb":
        table = parts.netloc
        if not table:
            raise LedgerUrlError("the dynamodb URL names no table", url=url)
        query = parse_qs(parts.query)
        unknown = set(query) - {"region", "endpoint_url"}
        if unknown:
            raise LedgerUrlError(f"unknown option(s) {sorted(unknown)}", url=url)
        if not _TABLE_NAME.fullmatch(table):
            raise LedgerUrlError(
                "not a DynamoDB table name (3 to 255 of letters, digits, '_', '-', '.')",
                url=url,
            )
        from quotapilot.ledger.dynamodb import DynamoDBLedger

        ledger = DynamoDBLedger(
            table,
            region=query.get("region", [None])[0],
            endpoint_url=query.get("endpoint_url", [None])[0],
            client=client,
            url=url,
        )
        if must_exist:
            ledger.probe()
        return ledger
    raise LedgerUrlError(f"unknown ledger backend {parts.scheme!r}", url=url)

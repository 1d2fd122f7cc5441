"""Ledger URLs: ``sqlite:///relative/or/absolute.db`` and ``dynamodb://TABLE?region=R``."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs, urlsplit

from quotapilot.ledger.base import Ledger
from quotapilot.ledger.exceptions import LedgerUrlError

#: Environment variable the CLI reads the ledger URL from.
ENV_LEDGER_URL = "QUOTAPILOT_LEDGER"
DEFAULT_URL = "sqlite:///.quotapilot/ledger.db"


def default_url() -> str:
    """$QUOTAPILOT_LEDGER; else, in the deployed stack, its ledger table; else a local file."""
    from quotapilot.wiring import ENV_LEDGER_TABLE

    if os.environ.get(ENV_LEDGER_URL):
        return os.environ[ENV_LEDGER_URL]
    table = os.environ.get(ENV_LEDGER_TABLE)
    if table:
        return f"dynamodb://{table}"  # region: the Lambda's AWS_REGION, as boto3 defaults
    return DEFAULT_URL


def open_ledger(url: str, *, client: Any = None) -> Ledger:
    """Open the ledger ``url`` names. ``client`` (a boto3 DynamoDB client) is for tests and
    callers that already hold one; it is ignored for SQLite."""
    if not isinstance(url, str) or "://" not in url:
        raise LedgerUrlError(
            "a ledger URL looks like sqlite:///path/ledger.db or dynamodb://TABLE?region=R",
            url=url,
        )
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///rel.db -> "rel.db"; sqlite:////abs/x.db -> "/abs/x.db" (SQLAlchemy's form).
        path = (parts.netloc + parts.path)[1:] if parts.path.startswith("/") else parts.path
        if parts.netloc:
            raise LedgerUrlError("use sqlite:///path (three slashes)", url=url)
        if not path:
            raise LedgerUrlError("the sqlite URL names no file", url=url)
        from quotapilot.ledger.sqlite import SqliteLedger

        return SqliteLedger(path)
    if parts.scheme == "dynamodb":
        table = parts.netloc
        if not table:
            raise LedgerUrlError("the dynamodb URL names no table", url=url)
        query = parse_qs(parts.query)
        unknown = set(query) - {"region", "endpoint_url"}
        if unknown:
            raise LedgerUrlError(f"unknown option(s) {sorted(unknown)}", url=url)
        from quotapilot.ledger.dynamodb import DynamoDBLedger

        return DynamoDBLedger(
            table,
            region=query.get("region", [None])[0],
            endpoint_url=query.get("endpoint_url", [None])[0],
            client=client,
        )
    raise LedgerUrlError(f"unknown ledger backend {parts.scheme!r}", url=url)

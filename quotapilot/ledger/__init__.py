"""The internal quota ledger: hierarchical limits, delta-recorded usage, exact under
concurrency.

``open_ledger("sqlite:///path/ledger.db")`` or ``open_ledger("dynamodb://TABLE?region=...")``
returns a :class:`Ledger`; see :mod:`quotapilot.ledger.base` for the semantics both backends
share.
"""

from __future__ import annotations

from quotapilot.exceptions import LedgerError
from quotapilot.ledger.base import Delta, Ledger, QuotaLine
from quotapilot.ledger.exceptions import (
    LedgerContention,
    LedgerPathError,
    LedgerUrlError,
    QuotaExceeded,
)
from quotapilot.ledger.open import DEFAULT_URL, ENV_LEDGER_URL, default_url, open_ledger

__all__ = [
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

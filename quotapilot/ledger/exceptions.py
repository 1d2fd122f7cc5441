"""The ledger's errors: all are :class:`~quotapilot.exceptions.LedgerError`."""

from __future__ import annotations

from quotapilot.exceptions import LedgerError


class QuotaExceeded(LedgerError):
    """An apply would push a scope past its limit; nothing was recorded."""

    def __init__(
        self, *, scope: str, quota: str, limit: float, usage: float, delta: float, origin: str
    ) -> None:
        super().__init__(
            f"{quota} in {scope}: usage {_num(usage)} + {_num(delta)} would exceed the limit "
            f"{_num(limit)}",
            scope=scope,
            quota=quota,
            limit=limit,
            usage=usage,
            delta=delta,
            origin=origin,
        )

    def __str__(self) -> str:
        # The message already carries the numbers; add only where the apply was made.
        return f"{self.message} (applying at {self.context['origin']})"


class LedgerPathError(LedgerError):
    """A scope path or quota name is not valid."""


class LedgerUrlError(LedgerError):
    """A ledger URL names no backend we know or is malformed."""


class LedgerContention(LedgerError):
    """A write kept colliding with concurrent writers and was given up; nothing was recorded."""


class LedgerUnsettled(LedgerError):
    """DynamoDB never answered a write definitely, and it was not found recorded."""


class LedgerNotFound(LedgerError):
    """The URL names no existing ledger (a read never creates one)."""


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"

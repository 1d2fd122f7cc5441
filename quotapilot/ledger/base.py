"""The ledger's interface, shared by every backend.

Semantics (the same on SQLite and DynamoDB; the shared test suite holds both to them):

* Usage is recorded as insert-only deltas at a scope. A scope's usage is the sum of the
  deltas recorded at it and at every descendant (a delta applies to its scope and every
  ancestor). Its *own* usage is the sum of the deltas recorded at the scope itself.
* :meth:`Ledger.apply` is atomic: either every delta is recorded or none is. A positive delta
  is checked against the limit of its scope and of every ancestor, in the same transaction
  as the write, so concurrent writers can never together push a scope past its limit.
* Releases (negative deltas) are never rejected, but usage never goes below zero: a release
  is clamped to the scope's own usage (releasing more than a scope holds releases what it
  holds). The recorded deltas are returned, so a caller sees any clamping.
* Lowering a limit below current usage is allowed (a limit is policy, usage is fact); the
  scope then accepts only releases until it is back under.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from quotapilot.ledger.paths import (
    check_amount,
    check_limit,
    check_quota,
    lineage,
    normalise_scope,
)

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class QuotaLine:
    """One quota at one scope, as ``show`` prints it."""

    scope: str
    quota: str
    limit: float | None
    usage: float
    own: float


@dataclass(frozen=True)
class Delta:
    """One recorded delta (a checkpoint is a delta that replaced older ones)."""

    scope: str
    quota: str
    amount: float
    at: datetime
    checkpoint: bool = False


class Ledger(abc.ABC):
    """Hierarchical quota limits with delta-recorded usage, exact under concurrency."""

    #: Backend name for messages: "sqlite /path/ledger.db", "dynamodb table".
    name: str

    # Public API ------------------------------------------------------------------------

    def set_limit(self, scope: str, quota: str, limit: float | None) -> None:
        """Set ``quota``'s limit at ``scope``; None or -1 make it unlimited."""
        scope = normalise_scope(scope)
        check_quota(quota)
        self._set_limit(scope, quota, check_limit(quota, limit))

    def limit(self, scope: str, quota: str) -> float | None:
        """The limit set at ``scope`` itself (None: unlimited)."""
        return self._limit(normalise_scope(scope), check_quota(quota))

    def usage(self, scope: str, quota: str) -> float:
        """Usage rolled up over ``scope`` and its descendants."""
        return self._usage(normalise_scope(scope), check_quota(quota))

    def own_usage(self, scope: str) -> dict[str, float]:
        """Usage recorded at ``scope`` itself, per quota (zero quotas left out)."""
        return {q: v for q, v in self._own(normalise_scope(scope)).items() if v}

    def apply(self, scope: str, deltas: Mapping[str, float]) -> dict[str, float]:
        """Record ``deltas`` at ``scope`` atomically; raise QuotaExceeded and record nothing
        if any positive delta would push ``scope`` or an ancestor past its limit.

        Returns the deltas actually recorded (releases may be clamped, zeros are dropped).
        """
        return self._commit(normalise_scope(scope), self._amounts(deltas), absolute=False)

    def set_usage(
        self, scope: str, values: Mapping[str, float], *, validate: bool = True
    ) -> dict[str, float]:
        """Make ``scope``'s own usage of each quota exactly ``values[quota]`` by recording a
        compensating delta. With ``validate`` an increase is checked like :meth:`apply`.
        """
        amounts = self._amounts(values)
        for quota, value in amounts.items():
            if value < 0:
                from quotapilot.ledger.exceptions import LedgerPathError

                raise LedgerPathError("usage can't be negative", quota=quota, value=value)
        return self._commit(normalise_scope(scope), amounts, absolute=True, validate=validate)

    def recalculate(self, scope: str, source: Mapping[str, float]) -> dict[str, float]:
        """Replace ``scope``'s own usage by what a source of truth measured.

        Quotas the scope held but ``source`` doesn't mention go to zero. Not validated:
        measured usage is a fact, even when it is over a limit.
        """
        scope = normalise_scope(scope)
        target = {quota: 0.0 for quota in self._own(scope)}
        target.update(self._amounts(source))
        return self.set_usage(scope, target, validate=False)

    def lines(self, scope: str | None = None) -> list[QuotaLine]:
        """Every quota with a limit or usage at ``scope`` and below (everything if None)."""
        return self._lines(normalise_scope(scope) if scope else None)

    def tightest(self, scope: str, quota: str) -> QuotaLine | None:
        """The scope on ``scope``'s path with the least headroom for ``quota``, or None when
        every scope on the path is unlimited."""
        check_quota(quota)
        best: QuotaLine | None = None
        for path in lineage(scope):
            limit = self._limit(path, quota)
            if limit is None:
                continue
            line = QuotaLine(path, quota, limit, self._usage(path, quota), 0.0)
            if best is None or (limit - line.usage) < (best.limit or 0) - best.usage:
                best = line
        return best

    @abc.abstractmethod
    def history(self, scope: str, quota: str) -> list[Delta]:
        """The deltas recorded at ``scope`` itself for ``quota``, oldest first."""

    @abc.abstractmethod
    def compact(self, before: datetime) -> int:
        """Fold deltas recorded before ``before`` into one checkpoint per scope and quota,
        preserving every sum. Returns how many deltas were folded away."""

    def close(self) -> None:  # noqa: B027 - optional for backends without resources
        """Release connections; the ledger can't be used afterwards."""

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Backend primitives ----------------------------------------------------------------

    @abc.abstractmethod
    def _set_limit(self, scope: str, quota: str, limit: float | None) -> None: ...

    @abc.abstractmethod
    def _limit(self, scope: str, quota: str) -> float | None: ...

    @abc.abstractmethod
    def _usage(self, scope: str, quota: str) -> float: ...

    @abc.abstractmethod
    def _own(self, scope: str) -> dict[str, float]: ...

    @abc.abstractmethod
    def _lines(self, scope: str | None) -> list[QuotaLine]: ...

    @abc.abstractmethod
    def _commit(
        self,
        scope: str,
        amounts: dict[str, float],
        *,
        absolute: bool,
        validate: bool = True,
    ) -> dict[str, float]:
        """Atomically: per quota, turn the amount into a delta (``absolute``: target minus
        own usage; else releases clamped to own usage), check positive deltas against every
        limit on the path when ``validate``, and record the non-zero ones."""

    # Helpers ---------------------------------------------------------------------------

    @staticmethod
    def _amounts(values: Mapping[str, float]) -> dict[str, float]:
        if not isinstance(values, Mapping):
            from quotapilot.ledger.exceptions import LedgerPathError

            raise LedgerPathError("deltas must be a mapping of quota name to number")
        return {check_quota(q): check_amount(q, v) for q, v in values.items()}


def timestamp(moment: datetime) -> str:
    """Fixed-width UTC time, so that stored times sort as strings."""
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)


def resolve_delta(amount: float, own: float, *, absolute: bool) -> float:
    """The delta to record for ``amount`` given the scope's own usage ``own``."""
    if absolute:
        return amount - own
    if amount < 0:
        return max(amount, -max(own, 0.0))
    return amount

"""The ledger as a quota source: a stack's allocation, read like a cloud's limit.

For a :class:`~quotapilot.domain.QuotaKey` the source reports, for the stack's ``scope``, the
scope on its path with the least headroom (the tightest allocation) as the limit and that
scope's rolled-up usage as the usage. So "usage + demand > limit" is exactly the check the
ledger would make if the plan were applied: a plan that fits the account can still be blocked
because its team's share is spent (the gate's ``allocation`` finding).

Quota names: a cloud quota is tracked in the ledger under ``provider:service/code@region``,
the key's own spelling without the account (``aws:lambda/L-B99A9384@us-east-1``,
``...@global`` for global quotas), which is what ``quotapilot ledger record`` writes. An
allocation that applies in every region may be set under the bare ``provider:service/code``;
it is consulted when the regional name has no limit anywhere on the path.
"""

from __future__ import annotations

from collections.abc import Iterable

from quotapilot.domain import Quota, QuotaKey, Reading, Unknown, Usage
from quotapilot.exceptions import LedgerError, SourceError
from quotapilot.ledger.base import Ledger
from quotapilot.ledger.exceptions import LedgerNotFound, LedgerPathError
from quotapilot.ledger.kinds import quota_name
from quotapilot.ledger.paths import normalise_scope
from quotapilot.sources.base import SourceResult


def quota_names(key: QuotaKey) -> list[str]:
    """The ledger names to look ``key`` up under, most specific first."""
    return [quota_name(key), f"{key.provider}:{key.service}/{key.code}"]


class LedgerSource:
    """Reads a scope's allocations from the ledger (satisfies QuotaSource)."""

    def __init__(self, ledger: Ledger, scope: str) -> None:
        self.ledger = ledger
        self.scope = normalise_scope(scope)
        self.name = f"ledger {self.scope} ({ledger.name})"

    def read(self, keys: Iterable[QuotaKey]) -> SourceResult:
        result = SourceResult()
        keys = list(keys)
        failures = 0
        for key in keys:
            try:
                result.readings[key] = self._reading(key)
            except LedgerPathError as error:
                result.unknown[key] = Unknown(f"not a ledger quota name: {error}")
            except LedgerNotFound:
                raise  # a wrong URL, not an unreadable quota: the user must fix it
            except LedgerError as error:
                failures += 1
                result.unknown[key] = Unknown(f"ledger unreadable: {error}")
        if keys and failures == len(keys):
            raise SourceError("could not read the ledger", ledger=self.ledger.name)
        return result

    def _reading(self, key: QuotaKey) -> Reading:
        for name in quota_names(key):
            tight = self.ledger.tightest(self.scope, name)
            if tight is not None:
                return Reading(
                    Quota(key, tight.limit, adjustable=True, name=f"allocation of {tight.scope}"),
                    Usage(key, tight.usage),
                )
        # No allocation anywhere on the path: the ledger doesn't constrain this quota.
        usage = self.ledger.usage(self.scope, quota_names(key)[0])
        return Reading(Quota(key, None, name=f"no allocation on {self.scope}"), Usage(key, usage))

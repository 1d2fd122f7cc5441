"""The one protocol every quota source satisfies.

The gate and the engine ask a source for a set of keys and get back, per key, either a
:class:`~quotapilot.domain.Reading` or an :class:`~quotapilot.domain.Unknown` with the reason.
A key that fails never hides the others: a source raises only when it can read nothing at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from quotapilot.domain import QuotaKey, Reading, Unknown


@dataclass
class SourceResult:
    """Answers keyed by the key as it was asked for (usually unbound: no account)."""

    readings: dict[QuotaKey, Reading] = field(default_factory=dict)
    unknown: dict[QuotaKey, Unknown] = field(default_factory=dict)

    def get(self, key: QuotaKey) -> Reading | Unknown:
        if key in self.readings:
            return self.readings[key]
        return self.unknown.get(key, Unknown("not asked for"))

    def __iter__(self) -> Iterator[QuotaKey]:
        yield from self.readings
        yield from self.unknown

    def merge(self, other: SourceResult) -> SourceResult:
        return SourceResult({**self.readings, **other.readings}, {**self.unknown, **other.unknown})


@runtime_checkable
class QuotaSource(Protocol):
    """Reads limits (and, where it can, usage) for quota keys."""

    #: A short label for messages: "snapshot prod.yaml", "aws 123456789012", "gcp my-project".
    name: str

    def read(self, keys: Iterable[QuotaKey]) -> SourceResult:
        """Read every key; never raise for one bad key, record it as unknown instead."""
        ...

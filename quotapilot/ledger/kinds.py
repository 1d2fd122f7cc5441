"""Quota kinds, as Waldur defines them, and what a deployed stack uses.

* :class:`Counter`: how many resources of given types a stack has (Waldur's CounterQuotaField).
* :class:`Total`: the sum of one numeric property over resources of a type (TotalQuotaField).
* :class:`Aggregate`: a scope's children rolled up (UsageAggregatorQuotaField); in the ledger
  every scope's usage already is its subtree's sum, so an aggregate is read, never recorded.

:func:`catalogue_usage` measures a stack through the quota catalogue: each resource's demand on
each cloud quota, summed, under the quota's ledger name (:func:`quota_name`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from quotapilot.domain import Demand, PlannedResource, QuotaKey

#: demand_for(resource, default_region) -> demands and unknowns, as the catalogue answers.
DemandFor = Callable[[PlannedResource, str | None], Iterable[object]]


def quota_name(key: QuotaKey) -> str:
    """The ledger name of a cloud quota: ``aws:lambda/L-B99A9384@us-east-1``
    (``@global`` for global quotas); the account is never part of it."""
    return str(key.unbound)


@dataclass(frozen=True)
class Measurement:
    """Usage per ledger quota name, and what could not be measured (never silently zero)."""

    usage: dict[str, float] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Counter:
    """Counts resources whose type is one of ``resource_types``."""

    quota: str
    resource_types: tuple[str, ...]

    def measure(self, resources: Iterable[PlannedResource]) -> Measurement:
        count = sum(1 for r in resources if r.type in self.resource_types)
        return Measurement({self.quota: float(count)})


@dataclass(frozen=True)
class Total:
    """Sums the numeric property ``property`` over resources of ``resource_type``."""

    quota: str
    resource_type: str
    property: str

    def measure(self, resources: Iterable[PlannedResource]) -> Measurement:
        total, unknown = 0.0, []
        for resource in resources:
            if resource.type != self.resource_type:
                continue
            value = resource.properties.get(self.property)
            if isinstance(value, bool) or not isinstance(value, int | float):
                unknown.append(f"{resource.urn or resource.name}: {self.property} is {value!r}")
                continue
            total += value
        return Measurement({self.quota: total}, unknown)


@dataclass(frozen=True)
class Aggregate:
    """A scope's usage of ``quota`` held by its children (its own usage left out)."""

    quota: str

    def read(self, ledger: object, scope: str) -> float:
        usage = ledger.usage(scope, self.quota)  # type: ignore[attr-defined]
        return usage - ledger.own_usage(scope).get(self.quota, 0.0)  # type: ignore[attr-defined]


def catalogue_usage(
    resources: Iterable[PlannedResource],
    demand_for: DemandFor,
    default_region: str | None = None,
) -> Measurement:
    """What ``resources`` use of each cloud quota, according to the catalogue."""
    usage: dict[str, float] = {}
    unknown: list[str] = []
    for resource in resources:
        for answer in demand_for(resource, default_region):
            if isinstance(answer, Demand):
                name = quota_name(answer.key)
                usage[name] = usage.get(name, 0.0) + answer.amount
            else:
                reason = getattr(answer, "reason", str(answer))
                unknown.append(f"{resource.urn or resource.name}: {reason}")
    return Measurement(usage, unknown)

"""The arithmetic of the check: per quota, demand, usage, limit, baseline; the input document.

Python computes; Rego decides (:mod:`quotapilot.gate.verdicts`). One :class:`QuotaFacts` per
quota the plan touches (plus any the config asks to watch for regression).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from quotapilot.catalogue import PlanIndex, UnknownDemand, catalogue
from quotapilot.domain import Demand, PlannedResource, QuotaKey, Reading, Unknown
from quotapilot.gate import settings
from quotapilot.sources.base import SourceResult


@dataclass
class ParentShare:
    """A per-parent quota's demand in one parent (a VPC, a bus, a role) and others' usage."""

    demand: float = 0.0
    #: The plan (or the deployed stack) creates the parent, so nobody else uses it yet.
    ours: bool = False
    #: What others already use in it, when a source reports it; None when unknown.
    usage: float | None = None
    parent_type: str = ""


@dataclass
class QuotaFacts:
    key: QuotaKey
    demand: float = 0.0
    floor: float = 0.0
    limit: float | None = None
    usage: float | None = None  # other usage: the source's usage less what this stack holds
    held: float = 0.0  # what the deployed stack already holds
    baseline_limit: float | None = None
    allocation_limit: float | None = None
    allocation_usage: float | None = None
    adjustable: bool | None = None
    name: str = ""
    unknown: str | None = None  # why the limit or usage could not be read
    busiest: str = ""  # for per-parent quotas: the parent that needs the most
    parents: dict[str, ParentShare] = field(default_factory=dict)
    resources: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.key.provider}:{self.key.service}/{self.key.code}@{self.key.region}"

    def usable(self, buffer: float) -> float | None:
        if self.limit is None:
            return None
        return max(0.0, (self.limit - self.floor) * (1 - buffer))

    @property
    def projected(self) -> float:
        """Demand plus others' usage; an unknown usage counts as none (and is reported), so
        that demand alone is still held against the limit."""
        return self.demand + (self.usage or 0.0)

    def headroom(self, buffer: float) -> float | None:
        usable = self.usable(buffer)
        return None if usable is None else usable - self.projected

    def desired_limit(self, buffer: float) -> float:
        """The smallest limit that holds the plan with the buffer, rounded up."""
        return float(math.ceil(self.projected / (1 - buffer) + self.floor))


def default_region(resource: PlannedResource, regions: dict[str, str | None]) -> str | None:
    return regions.get(resource.cloud)


def sum_demands(
    resources: Iterable[PlannedResource],
    regions: dict[str, str | None],
    context: Iterable[PlannedResource] = (),
) -> tuple[dict[QuotaKey, QuotaFacts], dict[str, list[str]]]:
    """Demand per quota key (per-parent quotas: per parent), and unknown demands per
    resource URN. ``context`` resources are visible to the rules' look-ups, never counted."""
    resources = list(resources)
    index = PlanIndex([*resources, *context])
    facts: dict[QuotaKey, QuotaFacts] = {}
    unknown: dict[str, list[str]] = defaultdict(list)
    for resource in resources:
        for answer in catalogue.demand_for(resource, default_region(resource, regions), index):
            if isinstance(answer, UnknownDemand):
                unknown[resource.urn or resource.name].append(answer.reason)
                continue
            assert isinstance(answer, Demand)
            fact = facts.setdefault(answer.key, QuotaFacts(answer.key))
            fact.floor = max(fact.floor, answer.floor)
            fact.resources.append(resource.urn or resource.name)
            if answer.per:
                share = fact.parents.setdefault(answer.per, ParentShare())
                share.demand += answer.amount
                share.ours = bool(answer.parent_type) and (
                    index.find(answer.per, answer.parent_type) is not None
                )
                share.parent_type = answer.parent_type
            else:
                fact.demand += answer.amount
    return facts, dict(unknown)


def held_by_stack(
    deployed: Iterable[PlannedResource], regions: dict[str, str | None]
) -> dict[QuotaKey, QuotaFacts]:
    """What the already-deployed stack holds of each quota (same catalogue, same sums)."""
    facts, _ = sum_demands(deployed, regions)
    return facts


def release(
    facts: dict[QuotaKey, QuotaFacts],
    freed: Iterable[PlannedResource],
    existing: Iterable[PlannedResource],
    regions: dict[str, str | None],
    held: dict[QuotaKey, QuotaFacts],
) -> None:
    """Take what a plan frees (what it deletes, the old side of what it changes) off its
    demand, so that an update counts only the difference. Where the plan frees more than it
    adds, demand is 0 and the rest comes off the usage (into ``held``, as ``--deployed``
    does): demand stays what the plan adds, and the Rego rules read it the same way.

    ``existing`` (what the plan leaves as it is) is visible to look-ups, never counted; a
    parent that existed before the plan is not new, whatever the plan does to it."""
    existing = list(existing)
    freed = list(freed)
    gone, _ = sum_demands(freed, regions, existing)
    before = PlanIndex([*freed, *existing])
    for key, old in gone.items():
        fact = facts.setdefault(key, QuotaFacts(key))
        fact.floor = max(fact.floor, old.floor)
        mine = held.setdefault(key, QuotaFacts(key))
        for parent, share in old.parents.items():
            now = fact.parents.setdefault(parent, ParentShare(parent_type=share.parent_type))
            now.demand -= share.demand
            if now.demand < 0:
                mine.parents.setdefault(parent, ParentShare()).demand -= now.demand
                now.demand = 0.0
        fact.demand -= old.demand
        if fact.demand < 0:
            mine.demand -= fact.demand
            fact.demand = 0.0
    for fact in facts.values():
        for parent, share in fact.parents.items():
            if share.ours and before.find(parent, share.parent_type or None) is not None:
                share.ours = False


def apply_serving(
    facts: dict[QuotaKey, QuotaFacts],
    result: SourceResult,
    held: dict[QuotaKey, QuotaFacts],
    deployed: PlanIndex | None = None,
) -> None:
    for key, fact in facts.items():
        answer = result.get(key)
        if isinstance(answer, Unknown):
            fact.unknown = answer.reason
            _pick_busiest(fact)
            continue
        assert isinstance(answer, Reading)
        fact.limit = answer.quota.limit
        fact.adjustable = answer.quota.adjustable
        fact.name = answer.quota.name
        ours = held.get(key)
        if fact.parents:
            _parent_usage(fact, answer, ours, deployed)
            continue
        fact.held = ours.demand if ours else 0.0
        if answer.usage is None:
            fact.unknown = "the source does not measure its usage: demand alone was checked"
        else:
            # Re-previewing a deployed stack must not count what it already holds twice.
            fact.usage = max(0.0, answer.usage.value - fact.held)


def _parent_usage(
    fact: QuotaFacts, answer: Reading, held: QuotaFacts | None, deployed: PlanIndex | None
) -> None:
    """Others' usage per parent: none in a parent this stack creates, what the source reports
    for an existing one, unknown otherwise. Usage in one parent never counts for another."""
    reported = answer.usage_per or {}
    unknown: list[str] = []
    for parent, share in fact.parents.items():
        deployed_parent = (
            deployed is not None
            and bool(share.parent_type)
            and deployed.find(parent, share.parent_type) is not None
        )
        if share.ours or deployed_parent:
            share.usage = 0.0
        elif parent in reported:
            mine = held.parents[parent].demand if held and parent in held.parents else 0.0
            share.usage = max(0.0, reported[parent] - mine)
        else:
            share.usage = None
            unknown.append(parent)
    _pick_busiest(fact)
    if unknown:
        fact.unknown = (
            f"usage in existing {', '.join(sorted(unknown))} is not known (the source reports "
            "none per parent): demand alone was checked"
        )


def _pick_busiest(fact: QuotaFacts) -> None:
    """A per-parent quota must fit in every parent: the busiest one is what is checked."""
    if not fact.parents:
        return
    parent, share = max(
        fact.parents.items(), key=lambda item: (item[1].demand + (item[1].usage or 0.0), item[0])
    )
    fact.busiest, fact.demand, fact.usage = parent, share.demand, share.usage


def apply_baseline(facts: dict[QuotaKey, QuotaFacts], result: SourceResult) -> None:
    for key, fact in facts.items():
        answer = result.get(key)
        if isinstance(answer, Reading):
            fact.baseline_limit = answer.quota.limit
            if fact.baseline_limit is None:
                fact.baseline_limit = math.inf  # unlimited in load test


def apply_allocation(facts: dict[QuotaKey, QuotaFacts], result: SourceResult) -> None:
    for key, fact in facts.items():
        answer = result.get(key)
        if isinstance(answer, Reading) and answer.quota.limit is not None:
            fact.allocation_limit = answer.quota.limit
            fact.allocation_usage = max(
                0.0, (answer.usage.value if answer.usage else 0.0) - fact.held
            )


def _num(value: float | None) -> float | None:
    if value is None or math.isinf(value):
        return None
    return round(value, 6)


def input_document(
    facts: dict[QuotaKey, QuotaFacts],
    resources: Iterable[PlannedResource],
    unknown_demands: dict[str, list[str]],
    *,
    buffer: float,
    low_headroom_pct: float,
    strict: bool,
    scope: str = "",
    lookups: Iterable[str] = (),
) -> dict[str, Any]:
    """The Rego input: resources in the shape Pulumi's OPA analyzer uses, plus the facts."""
    quotas = []
    for key, fact in sorted(facts.items(), key=lambda item: str(item[0])):
        usable = fact.usable(buffer)
        limit_less_floor = None if fact.limit is None else fact.limit - fact.floor
        baseline = fact.baseline_limit
        quotas.append(
            {
                "key": str(key),
                "label": fact.label,
                "provider": key.provider,
                "service": key.service,
                "code": key.code,
                "region": key.region,
                "demand": _num(fact.demand),
                "usage": _num(fact.usage),
                "limit": _num(fact.limit),
                "floor": _num(fact.floor),
                "usable": _num(usable),
                "projected": _num(fact.projected),
                "buffer_pct": round(buffer * 100, 2),
                "projected_pct": (
                    round(fact.projected / limit_less_floor * 100, 1) if limit_less_floor else None
                ),
                # an unlimited load-test limit is above any finite serving limit
                "baseline_limit": (
                    settings.INFINITY
                    if baseline is not None and math.isinf(baseline)
                    else _num(baseline)
                ),
                "allocation_limit": _num(fact.allocation_limit),
                "allocation_usage": _num(fact.allocation_usage),
                "unknown": fact.unknown,
                "per": fact.busiest or None,
            }
        )
    return {
        "lookups": list(lookups),
        "resources": [
            {
                "__type": r.type,
                "__name": r.name,
                "__urn": r.urn,
                "__properties": _jsonable(r.properties),
                "__unknown_demand": unknown_demands.get(r.urn or r.name, []),
            }
            for r in resources
        ],
        "quotas": quotas,
        "settings": {
            "buffer_pct": round(buffer * 100, 2),
            "low_headroom_pct": low_headroom_pct,
            "strict": strict,
            "scope": scope,
            "infinity": settings.INFINITY,
        },
    }


def _jsonable(value: Any) -> Any:
    from quotapilot.catalogue import UNKNOWN

    if value is UNKNOWN:
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool | int | float | str) or value is None:
        return value if not (isinstance(value, float) and math.isnan(value)) else None
    return repr(value)

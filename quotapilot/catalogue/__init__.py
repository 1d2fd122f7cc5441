"""The quota catalogue: what a planned resource costs in quota.

``demand_for(resource, default_region, plan)`` answers, for one planned resource, the demands
it puts on each quota, or an :class:`UnknownDemand` saying why it can't be worked out. Rules
register on import, one per Pulumi resource type token.
"""

from __future__ import annotations

from collections.abc import Iterable

from quotapilot.catalogue import aws, gcp  # noqa: F401  (registers the rules)
from quotapilot.catalogue.plan import PlanIndex
from quotapilot.catalogue.props import UNKNOWN
from quotapilot.catalogue.registry import (
    Catalogue,
    DemandRule,
    QuotaRef,
    UnknownDemand,
    catalogue,
    register,
)
from quotapilot.domain import Demand, PlannedResource

__all__ = [
    "UNKNOWN",
    "Catalogue",
    "DemandRule",
    "PlanIndex",
    "QuotaRef",
    "UnknownDemand",
    "catalogue",
    "demand_for",
    "plan_demand",
    "register",
]


def demand_for(
    resource: PlannedResource,
    default_region: str | None = None,
    plan: PlanIndex | Iterable[PlannedResource] | None = None,
) -> list[Demand | UnknownDemand]:
    """What ``resource`` needs of each quota; empty for types that consume no tracked quota."""
    if plan is not None and not isinstance(plan, PlanIndex):
        plan = PlanIndex(plan)
    return catalogue.demand_for(resource, default_region, plan)


def plan_demand(
    resources: Iterable[PlannedResource], default_region: str | None = None
) -> list[Demand | UnknownDemand]:
    """Every demand of a whole plan (each resource sees the others through one index)."""
    index = PlanIndex(resources)
    out: list[Demand | UnknownDemand] = []
    for resource in index:
        out.extend(catalogue.demand_for(resource, default_region, index))
    return out

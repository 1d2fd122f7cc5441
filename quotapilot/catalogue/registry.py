"""The demand-rule registry: what a planned resource costs in quota.

One rule per resource type token, registered by decorator (as Cloud Custodian registers its
resources). A rule declares, as class attributes, the quotas it can consume; its
:meth:`DemandRule.demand` turns one planned resource into demands on those quotas, or into an
:class:`UnknownDemand` when the resource's properties don't say enough (an unknown instance
type is reported, never a crash and never silently zero).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from quotapilot.domain import GLOBAL, Demand, PlannedResource, Provider, QuotaKey, Scope
from quotapilot.exceptions import CatalogueError

if TYPE_CHECKING:
    from quotapilot.catalogue.plan import PlanIndex


@dataclass(frozen=True)
class QuotaRef:
    """A quota a rule can consume, before it is placed in a region."""

    provider: Provider
    service: str
    code: str
    scope: Scope
    name: str  # what the cloud calls it, e.g. "Concurrent executions"
    #: Part of the limit that can never be consumed (see :attr:`Demand.floor`).
    floor: float = 0.0
    #: The parent object AWS applies the limit to ("event bus", "ECS cluster"), if not the
    #: whole account or project (see :attr:`Demand.per`).
    per: str = ""
    #: The parent's resource type, when the parent is a resource (see
    #: :attr:`Demand.parent_type`).
    parent_type: str = ""

    def key(self, region: str | None) -> QuotaKey:
        """The quota's key in ``region`` ("global" for global quotas, whatever the region)."""
        if self.scope is Scope.GLOBAL:
            return QuotaKey(self.provider, self.service, self.code, GLOBAL)
        if not region:
            raise CatalogueError(
                "a regional quota needs a region", service=self.service, code=self.code
            )
        return QuotaKey(self.provider, self.service, self.code, region)


@dataclass(frozen=True)
class UnknownDemand:
    """A resource whose demand could not be worked out, and why."""

    resource_type: str
    resource_urn: str
    reason: str
    quota: QuotaRef | None = None


class DemandRule:
    """Base class for a rule; subclasses set the class attributes and :meth:`demand`.

    The subclass docstring's first line is the rule's doc line (``quotapilot catalog`` shows it).
    """

    resource_type: ClassVar[str]
    provider: ClassVar[Provider]
    quotas: ClassVar[tuple[QuotaRef, ...]]

    def demand(
        self, resource: PlannedResource, region: str | None, plan: PlanIndex | None = None
    ) -> Iterable[Demand | UnknownDemand]:
        """Default: one of each declared quota per resource.

        ``plan`` looks up the other resources of the same plan (an Auto Scaling group's
        launch template, an event rule's bus); rules that don't need it ignore it.
        """
        for ref in self.quotas:
            yield self.one(ref, resource, region, 1)

    # Helpers for subclasses --------------------------------------------------------------

    @staticmethod
    def one(
        ref: QuotaRef,
        resource: PlannedResource,
        region: str | None,
        amount: float,
        per: str = "",
    ) -> Demand | UnknownDemand:
        """A demand of ``amount`` on ``ref`` in ``region``, or unknown if there is no region."""
        if ref.scope is Scope.REGIONAL and not region:
            return UnknownDemand(
                resource.type, resource.urn, "no region: set the provider's region", ref
            )
        return Demand(
            ref.key(region),
            float(amount),
            resource.urn,
            ref.floor,
            per,
            ref.parent_type if per else "",
        )

    @staticmethod
    def unknown(ref: QuotaRef | None, resource: PlannedResource, reason: str) -> UnknownDemand:
        return UnknownDemand(resource.type, resource.urn, reason, ref)

    @classmethod
    def doc(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""


class Catalogue:
    """A registry of demand rules keyed by Pulumi resource type token."""

    def __init__(self) -> None:
        self._rules: dict[str, DemandRule] = {}

    def register(self, resource_type: str) -> Callable[[type[DemandRule]], type[DemandRule]]:
        def decorate(cls: type[DemandRule]) -> type[DemandRule]:
            if resource_type in self._rules:
                raise CatalogueError("resource type registered twice", resource_type=resource_type)
            cls.resource_type = resource_type
            self._rules[resource_type] = cls()
            return cls

        return decorate

    def __iter__(self) -> Iterator[DemandRule]:
        return iter(sorted(self._rules.values(), key=lambda rule: rule.resource_type))

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, resource_type: object) -> bool:
        return resource_type in self._rules

    def rule_for(self, resource_type: str) -> DemandRule | None:
        return self._rules.get(resource_type)

    def demand_for(
        self,
        resource: PlannedResource,
        default_region: str | None = None,
        plan: PlanIndex | None = None,
    ) -> list[Demand | UnknownDemand]:
        """What ``resource`` needs; empty for types that consume no tracked quota."""
        rule = self._rules.get(resource.type)
        if rule is None:
            return []
        return list(rule.demand(resource, resource.region or default_region, plan))


#: The one catalogue every rule module registers into (``quotapilot.catalogue`` imports them).
catalogue = Catalogue()
register = catalogue.register

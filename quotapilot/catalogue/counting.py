"""Rules for resources that each take one unit of a quota, declared in one line each."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from quotapilot.catalogue.registry import Catalogue, DemandRule, QuotaRef
from quotapilot.domain import Demand, PlannedResource, Provider


def count_rule(
    catalogue: Catalogue,
    resource_type: str,
    provider: Provider,
    doc: str,
    *quotas: QuotaRef,
    parent: Callable[[PlannedResource], str] | None = None,
) -> type[DemandRule]:
    """Register a rule taking one of each of ``quotas`` per resource.

    ``parent`` names the object a per-parent quota applies to (see :attr:`Demand.per`).
    """

    class CountRule(DemandRule):
        def demand(self, resource, region, plan=None) -> Iterable[Demand]:
            per = parent(resource) if parent is not None else ""
            for ref in self.quotas:
                yield self.one(ref, resource, region, 1, per if ref.per else "")

    CountRule.__doc__ = doc
    CountRule.__name__ = CountRule.__qualname__ = _class_name(resource_type)
    CountRule.provider = provider
    CountRule.quotas = tuple(quotas)
    return catalogue.register(resource_type)(CountRule)


def _class_name(resource_type: str) -> str:
    # aws:ec2/internetGateway:InternetGateway -> Ec2InternetGatewayRule
    module = resource_type.split(":")[1].split("/")[0]
    return module.capitalize() + resource_type.rsplit(":", 1)[-1] + "Rule"

"""Lookups across one plan: rules that depend on another resource find it here.

An Auto Scaling group names its launch template by id; an event rule names its bus by name;
an ECS service names its cluster by ARN. In a plan read under mocks those references are the
mocked ids, in a deployed stack the real ones; either way the referenced resource is in the
same plan, and :class:`PlanIndex` finds it by id, URN or name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from quotapilot.domain import PlannedResource


class PlanIndex:
    """The resources of one plan, by id, by URN and by (type, name)."""

    def __init__(self, resources: Iterable[PlannedResource] = ()) -> None:
        self._resources = list(resources)
        self._by_id: dict[str, PlannedResource] = {}
        self._by_urn: dict[str, PlannedResource] = {}
        self._by_name: dict[tuple[str, str], PlannedResource] = {}
        for resource in self._resources:
            if resource.id:
                self._by_id[resource.id] = resource
            if resource.urn:
                self._by_urn[resource.urn] = resource
            self._by_name[(resource.type, resource.name)] = resource
            # Some references are ARNs, physical names or GCP self links, which providers
            # report as outputs.
            for attr in ("arn", "name", "selfLink", "selfLinkUnique"):
                value = resource.properties.get(attr)
                if isinstance(value, str) and value:
                    self._by_id.setdefault(value, resource)

    def __iter__(self) -> Iterator[PlannedResource]:
        return iter(self._resources)

    def __len__(self) -> int:
        return len(self._resources)

    def find(self, reference: object, resource_type: str | None = None) -> PlannedResource | None:
        """The resource ``reference`` (an id, ARN, physical name or URN) points at."""
        if not isinstance(reference, str) or not reference:
            return None
        found = self._by_id.get(reference) or self._by_urn.get(reference)
        if found is None and resource_type is not None:
            found = self._by_name.get((resource_type, reference))
        if found is not None and resource_type is not None and found.type != resource_type:
            return None
        return found

    def of_type(self, resource_type: str) -> list[PlannedResource]:
        return [r for r in self._resources if r.type == resource_type]

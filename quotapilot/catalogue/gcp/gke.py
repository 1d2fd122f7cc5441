"""GKE: the nodes of clusters' default pools and of node pools, in every zone they span."""

from __future__ import annotations

from quotapilot.catalogue.gcp import refs
from quotapilot.catalogue.gcp.compute import VM_QUOTAS, GcpRule, cpu_demands, disk_demands
from quotapilot.catalogue.plan import PlanIndex
from quotapilot.catalogue.props import UNKNOWN, NotKnown, get, items, number, text
from quotapilot.catalogue.registry import register
from quotapilot.domain import PlannedResource

CLUSTER = "gcp:container/cluster:Cluster"


def zones_of(location: object, node_locations: list, *, pool: bool) -> int:
    """How many zones a pool's nodes are in.

    A pool's own ``nodeLocations`` is the whole list. A zonal cluster's ``nodeLocations``
    lists the zones besides the cluster's own. With none given, a regional cluster spreads
    each pool over three of the region's zones, a zonal one keeps it in its zone.
    """
    zones = {str(z) for z in node_locations}
    regional = isinstance(location, str) and refs.zone_region(location) is None
    if zones:
        if not pool and not regional and isinstance(location, str):
            zones.add(location.rsplit("/", 1)[-1])
        return len(zones)
    return refs.REGIONAL_ZONES if regional else 1


def _cluster(resource: PlannedResource, plan: PlanIndex | None) -> PlannedResource | None:
    reference = get(resource.properties, "cluster")
    if not isinstance(reference, str) or plan is None:
        return None
    return plan.find(reference, CLUSTER) or plan.find(reference.rsplit("/", 1)[-1], CLUSTER)


def _private(cluster: PlannedResource | None, props) -> bool:
    """Nodes without external IPs: private nodes, set on the pool or on its cluster."""
    if get(props, "networkConfig.enablePrivateNodes") is True:
        return True
    if cluster is None:
        return False  # unknown: count the addresses, the safe side for a gate
    return get(cluster.properties, "privateClusterConfig.enablePrivateNodes") is True


def node_demands(rule, resource, region, per_zone: float, zones: int, config, private: bool):
    """``per_zone`` nodes in each of ``zones`` zones: CPUs, instances, boot disks, IPs."""
    nodes = per_zone * zones
    machine_type = text(config, "machineType", "e2-medium")
    disk = (
        text(config, "diskType", refs.GKE_DEFAULT_DISK_TYPE),
        number(config, "diskSizeGb", refs.GKE_DEFAULT_DISK_GB),
    )
    yield from cpu_demands(rule, resource, region, machine_type, nodes)
    yield from disk_demands(rule, resource, region, [disk], nodes)
    if not private and nodes:
        yield rule.one(refs.IN_USE_ADDRESSES, resource, region, nodes)


@register("gcp:container/nodePool:NodePool")
class GkeNodePool(GcpRule):
    """Nodes per zone x zones: CPUs of the node machine type (GKE defaults to e2-medium),
    100 GB pd-balanced boot disks and, unless the nodes are private, an IP per node."""

    quotas = VM_QUOTAS

    def gcp_demand(self, resource, region, plan):
        props = resource.properties
        cluster = _cluster(resource, plan)
        try:
            field = next(
                (f for f in ("nodeCount", "initialNodeCount") if get(props, f) is not None),
                "nodeCount",
            )
            per_zone = number(props, field, 1)
            own = items(props, "nodeLocations")
            location = get(props, "location")
            if location is None and cluster is not None:
                # A pool that names no location is where its cluster is.
                location = get(cluster.properties, "location")
                region = refs.region_of(cluster, region)
            if location is UNKNOWN:
                raise NotKnown("the pool's location is not known until apply")
            if own:
                zones = len(set(own))
            elif cluster is not None:
                zones = zones_of(location, items(cluster.properties, "nodeLocations"), pool=False)
            else:
                zones = zones_of(location, [], pool=True)
            config = get(props, "nodeConfig") or {}
            demands = list(
                node_demands(
                    self, resource, region, per_zone, zones, config, _private(cluster, props)
                )
            )
        except NotKnown as error:
            yield self.unknown(None, resource, error.reason)
            return
        yield from demands


@register(CLUSTER)
class GkeCluster(GcpRule):
    """The default node pool: initial node count per zone x zones, unless it is removed."""

    quotas = VM_QUOTAS

    def gcp_demand(self, resource, region, plan):
        props = resource.properties
        if get(props, "removeDefaultNodePool") is True or get(props, "enableAutopilot") is True:
            return  # node pools are separate resources, or Google runs the nodes
        try:
            per_zone = number(props, "initialNodeCount", 1)
            location = get(props, "location")
            if location is UNKNOWN:
                raise NotKnown("the cluster's location is not known until apply")
            zones = zones_of(location, items(props, "nodeLocations"), pool=False)
            config = get(props, "nodeConfig") or {}
            demands = list(
                node_demands(
                    self, resource, region, per_zone, zones, config, _private(resource, {})
                )
            )
        except NotKnown as error:
            yield self.unknown(None, resource, error.reason)
            return
        yield from demands

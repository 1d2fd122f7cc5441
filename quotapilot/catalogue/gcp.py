"""GCP demand rules: Compute Engine, Cloud Run, Cloud Functions (2nd gen), GKE.

Quota ids are Cloud Quotas ``quotaId`` values; regional ones are placed in the resource's
region (a zone ``us-central1-a`` is in region ``us-central1``).
"""

from __future__ import annotations

from quotapilot.catalogue.counting import count_rule
from quotapilot.catalogue.props import NotKnown, get, items, number, text
from quotapilot.catalogue.registry import DemandRule, QuotaRef, catalogue, register
from quotapilot.catalogue.types import (
    GCP_GENERAL_CPU_QUOTA,
    GCP_SERIES_CPU_QUOTA,
    gcp_cpu_quota,
    gcp_vcpus,
)
from quotapilot.domain import PlannedResource, Scope

COMPUTE = "compute.googleapis.com"
R, G = Scope.REGIONAL, Scope.GLOBAL


def ref(code: str, name: str, scope: Scope = R, service: str = COMPUTE) -> QuotaRef:
    return QuotaRef("gcp", service, code, scope, name)


CPU_QUOTAS = {
    code: ref(code, f"{code.split('-per-')[0].replace('-', ' ').title()} per region")
    for code in (GCP_GENERAL_CPU_QUOTA, *GCP_SERIES_CPU_QUOTA.values())
}
CPUS_ALL_REGIONS = ref("CPUS-ALL-REGIONS-per-project", "CPUs in all regions", G)
INSTANCES = ref("INSTANCES-per-project-region", "VM instances per region")
STATIC_ADDRESSES = ref("STATIC-ADDRESSES-per-project-region", "Static IP addresses per region")
INTERNAL_ADDRESSES = ref(
    "INTERNAL-ADDRESSES-per-project-region", "Internal IP addresses per region"
)
GLOBAL_ADDRESSES = ref("STATIC-ADDRESSES-per-project", "Global static IP addresses", G)
GLOBAL_INTERNAL_ADDRESSES = ref(
    "GLOBAL-INTERNAL-ADDRESSES-per-project", "Global internal IP addresses", G
)
NETWORKS = ref("NETWORKS-per-project", "VPC networks", G)
SUBNETWORKS = ref("SUBNETWORKS-per-project", "Subnetworks", G)
FIREWALLS = ref("FIREWALLS-per-project", "Firewall rules", G)
GLOBAL_FORWARDING_RULES = ref("FORWARDING-RULES-per-project", "Global forwarding rules", G)
REGIONAL_FORWARDING_RULES = ref(
    "EXTERNAL-NETWORK-LB-FORWARDING-RULES-per-project-region",
    "External network load balancer forwarding rules per region",
)
SSD_GB = ref("SSD-TOTAL-GB-per-project-region", "Persistent Disk SSD (GB) per region")
STANDARD_GB = ref("DISKS-TOTAL-GB-per-project-region", "Persistent Disk Standard (GB) per region")
RUN_CPU = ref(
    "CpuAllocPerProjectRegion",
    "Total CPU allocation, in milli vCPU, per region",
    service="run.googleapis.com",
)


def region_of(resource: PlannedResource, default: str | None) -> str | None:
    """The region a GCP resource lands in: its ``region``, its zone's region, else default."""
    for field in ("region", "location", "zone"):
        value = get(resource.properties, field)
        if isinstance(value, str) and value:
            value = value.rsplit("/", 1)[-1]
            parts = value.split("-")
            # us-central1-a is a zone; us-central1 is a region
            return "-".join(parts[:2]) if len(parts) == 3 and len(parts[2]) == 1 else value
    return default


class GcpRule(DemandRule):
    provider = "gcp"

    def demand(self, resource, region, plan=None):
        yield from self.gcp_demand(resource, region_of(resource, region), plan)

    def gcp_demand(self, resource, region, plan):
        for ref_ in self.quotas:
            yield self.one(ref_, resource, region, 1)


def cpu_demands(rule, resource, region, machine_type: str, count: float):
    """``count`` VMs of ``machine_type``: the series' regional CPUs, all-region CPUs and
    instances."""
    try:
        vcpus = gcp_vcpus(machine_type)
    except NotKnown as error:
        yield rule.unknown(None, resource, error.reason)
        return
    yield rule.one(CPU_QUOTAS[gcp_cpu_quota(machine_type)], resource, region, count * vcpus)
    yield rule.one(CPUS_ALL_REGIONS, resource, region, count * vcpus)
    yield rule.one(INSTANCES, resource, region, count)


@register("gcp:compute/instance:Instance")
class ComputeInstance(GcpRule):
    """vCPUs of the machine type against its series' CPU quota in the zone's region."""

    quotas = (*CPU_QUOTAS.values(), CPUS_ALL_REGIONS, INSTANCES)

    def gcp_demand(self, resource, region, plan):
        try:
            machine_type = text(resource.properties, "machineType")
        except NotKnown as error:
            yield self.unknown(None, resource, error.reason)
            return
        yield from cpu_demands(self, resource, region, machine_type, 1)


def gke_nodes(rule, resource, region, count_fields: tuple[str, ...]):
    """Nodes per zone (the first count field that is set) x zones x the node machine type's
    vCPUs; GKE's default machine type is e2-medium."""
    props = resource.properties
    try:
        field = next((f for f in count_fields if get(props, f) is not None), count_fields[-1])
        per_zone = number(props, field, 1)
        zones = len(items(props, "nodeLocations")) or 1
        machine_type = text(props, "nodeConfig.machineType", "e2-medium")
    except NotKnown as error:
        yield rule.unknown(None, resource, error.reason)
        return
    yield from cpu_demands(rule, resource, region, machine_type, per_zone * zones)


def _template_machine_type(resource, plan) -> str:
    """The machine type of the instance template a group's first version points at."""
    reference = get(resource.properties, "versions.0.instanceTemplate")
    if reference is None:
        reference = get(resource.properties, "instanceTemplate")
    if not isinstance(reference, str):
        raise NotKnown("the instance template is not known until apply")
    template = None
    if plan is not None:
        template = plan.find(reference, "gcp:compute/instanceTemplate:InstanceTemplate") or (
            plan.find(reference.rsplit("/", 1)[-1], "gcp:compute/instanceTemplate:InstanceTemplate")
        )
    if template is None:
        raise NotKnown(f"instance template {reference!r} is not in this plan")
    return text(template.properties, "machineType")


@register("gcp:compute/instanceGroupManager:InstanceGroupManager")
class InstanceGroupManager(GcpRule):
    """Target size x vCPUs of the instance template's machine type, in the zone's region."""

    quotas = (*CPU_QUOTAS.values(), CPUS_ALL_REGIONS, INSTANCES)

    def gcp_demand(self, resource, region, plan):
        try:
            size = number(resource.properties, "targetSize", 0)
            machine_type = _template_machine_type(resource, plan)
        except NotKnown as error:
            yield self.unknown(None, resource, error.reason)
            return
        yield from cpu_demands(self, resource, region, machine_type, size)


@register("gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager")
class RegionInstanceGroupManager(InstanceGroupManager):
    """Target size x vCPUs of the instance template's machine type, across the region."""


@register("gcp:container/nodePool:NodePool")
class GkeNodePool(GcpRule):
    """Node count x vCPUs of the node machine type (GKE defaults to e2-medium), per zone."""

    quotas = (*CPU_QUOTAS.values(), CPUS_ALL_REGIONS, INSTANCES)

    def gcp_demand(self, resource, region, plan):
        yield from gke_nodes(self, resource, region, ("nodeCount", "initialNodeCount"))


@register("gcp:container/cluster:Cluster")
class GkeCluster(GcpRule):
    """The default node pool: initial node count x node vCPUs, unless it is removed."""

    quotas = (*CPU_QUOTAS.values(), CPUS_ALL_REGIONS, INSTANCES)

    def gcp_demand(self, resource, region, plan):
        props = resource.properties
        if get(props, "removeDefaultNodePool") is True or get(props, "enableAutopilot") is True:
            return  # node pools are separate resources, or Google runs the nodes
        yield from gke_nodes(self, resource, region, ("initialNodeCount",))


@register("gcp:compute/disk:Disk")
class ComputeDisk(GcpRule):
    """The disk's size in GB against the SSD or the standard persistent disk quota."""

    quotas = (SSD_GB, STANDARD_GB)

    def gcp_demand(self, resource, region, plan):
        props = resource.properties
        try:
            kind = text(props, "type", "pd-standard").rsplit("/", 1)[-1]
            size = number(props, "size", 10 if get(props, "image") is None else None)
        except NotKnown as error:
            yield self.unknown(None, resource, error.reason)
            return
        # pd-balanced, pd-ssd and pd-extreme all count as SSD capacity.
        ref_ = STANDARD_GB if kind == "pd-standard" else SSD_GB
        yield self.one(ref_, resource, region, size)


@register("gcp:compute/address:Address")
class ComputeAddress(GcpRule):
    """One regional static address, external (default) or internal."""

    quotas = (STATIC_ADDRESSES, INTERNAL_ADDRESSES)

    def gcp_demand(self, resource, region, plan):
        internal = get(resource.properties, "addressType") == "INTERNAL"
        yield self.one(INTERNAL_ADDRESSES if internal else STATIC_ADDRESSES, resource, region, 1)


@register("gcp:compute/globalAddress:GlobalAddress")
class ComputeGlobalAddress(GcpRule):
    """One global static address, external (default) or internal."""

    quotas = (GLOBAL_ADDRESSES, GLOBAL_INTERNAL_ADDRESSES)

    def gcp_demand(self, resource, region, plan):
        internal = get(resource.properties, "addressType") == "INTERNAL"
        yield self.one(
            GLOBAL_INTERNAL_ADDRESSES if internal else GLOBAL_ADDRESSES, resource, region, 1
        )


@register("gcp:compute/forwardingRule:ForwardingRule")
class ComputeForwardingRule(GcpRule):
    """One regional external forwarding rule (internal ones are limited per network)."""

    quotas = (REGIONAL_FORWARDING_RULES,)

    def gcp_demand(self, resource, region, plan):
        scheme = get(resource.properties, "loadBalancingScheme", "EXTERNAL")
        if scheme != "EXTERNAL":
            yield self.unknown(
                None, resource, f"forwarding rules with scheme {scheme!r} are not tracked"
            )
            return
        yield self.one(REGIONAL_FORWARDING_RULES, resource, region, 1)


def _run_cpu(resource: PlannedResource, scaling: str, limits: str) -> float:
    """Max instances x CPU per instance, in milli-vCPU (Cloud Run reserves it at scale-out)."""
    props = resource.properties
    instances = number(props, scaling, 100)  # Cloud Run's default instance ceiling
    cpu = get(props, limits, "1")
    if not isinstance(cpu, str | int | float):
        raise NotKnown(f"{limits} is not known until apply")
    text_cpu = str(cpu)
    milli = float(text_cpu[:-1]) if text_cpu.endswith("m") else float(text_cpu) * 1000
    return instances * milli


class RunCpuRule(GcpRule):
    """Base for workloads on Cloud Run: max instances x CPU per instance."""

    quotas = (RUN_CPU,)
    scaling: str
    limits: str

    def gcp_demand(self, resource, region, plan):
        try:
            amount = _run_cpu(resource, self.scaling, self.limits)
        except (NotKnown, ValueError) as error:
            yield self.unknown(RUN_CPU, resource, getattr(error, "reason", str(error)))
            return
        yield self.one(RUN_CPU, resource, region, amount)


@register("gcp:cloudrunv2/service:Service")
class CloudRunService(RunCpuRule):
    """Max instances x CPU limit against Cloud Run's regional CPU allocation."""

    scaling = "template.scaling.maxInstanceCount"
    limits = "template.containers.0.resources.limits.cpu"


@register("gcp:cloudfunctionsv2/function:Function")
class CloudFunction(RunCpuRule):
    """A 2nd gen function runs on Cloud Run: max instances x available CPU."""

    scaling = "serviceConfig.maxInstanceCount"
    limits = "serviceConfig.availableCpu"


for _type, _doc, _ref in (
    ("gcp:compute/network:Network", "One VPC network (a global quota).", NETWORKS),
    ("gcp:compute/subnetwork:Subnetwork", "One subnetwork (a project-wide quota).", SUBNETWORKS),
    ("gcp:compute/firewall:Firewall", "One firewall rule (a project-wide quota).", FIREWALLS),
    (
        "gcp:compute/globalForwardingRule:GlobalForwardingRule",
        "One global forwarding rule.",
        GLOBAL_FORWARDING_RULES,
    ),
):
    count_rule(catalogue, _type, "gcp", _doc, _ref)

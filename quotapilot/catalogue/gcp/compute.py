"""Compute Engine: instances and managed instance groups (CPUs, instances, boot disks,
external IPs), disks, addresses, networks, routers, firewalls and forwarding rules."""

from __future__ import annotations

from collections.abc import Iterator

from quotapilot.catalogue.counting import count_rule
from quotapilot.catalogue.gcp import refs
from quotapilot.catalogue.gcp.refs import region_of
from quotapilot.catalogue.props import UNKNOWN, NotKnown, get, items, number, text
from quotapilot.catalogue.registry import DemandRule, catalogue, register
from quotapilot.catalogue.types import gcp_cpu_quota, gcp_vcpus
from quotapilot.domain import PlannedResource

TEMPLATE = "gcp:compute/instanceTemplate:InstanceTemplate"
VM_QUOTAS = (
    *refs.CPU_QUOTAS.values(),
    refs.CPUS_ALL_REGIONS,
    refs.INSTANCES,
    refs.SSD_GB,
    refs.STANDARD_GB,
    refs.IN_USE_ADDRESSES,
)


class GcpRule(DemandRule):
    provider = "gcp"

    def demand(self, resource, region, plan=None):
        yield from self.gcp_demand(resource, region_of(resource, region), plan)

    def gcp_demand(self, resource, region, plan):
        for ref in self.quotas:
            yield self.one(ref, resource, region, 1)


def cpu_demands(rule, resource, region, machine_type: str, count: float) -> Iterator:
    """``count`` VMs of ``machine_type``: the series' regional CPUs, all-region CPUs and
    instances."""
    try:
        vcpus = gcp_vcpus(machine_type)
    except NotKnown as error:
        yield rule.unknown(None, resource, error.reason)
        return
    yield rule.one(refs.CPU_QUOTAS[gcp_cpu_quota(machine_type)], resource, region, count * vcpus)
    yield rule.one(refs.CPUS_ALL_REGIONS, resource, region, count * vcpus)
    yield rule.one(refs.INSTANCES, resource, region, count)


def external_ips(interfaces: list) -> int:
    """Interfaces with an access config get an external IPv4 address (in use while the VM
    runs)."""
    count = 0
    for interface in interfaces:
        if interface is UNKNOWN or not isinstance(interface, dict):
            raise NotKnown("a network interface is not known until apply")
        configs = interface.get("accessConfigs")
        if configs is UNKNOWN:
            raise NotKnown("an interface's access configs are not known until apply")
        count += 1 if configs else 0
    return count


def disk_demands(rule, resource, region, disks: list[tuple[str, float]], count: float):
    """Each VM's disks, ``(type, GB)``, times ``count`` VMs, on the quota of their type."""
    totals: dict = {}
    for kind, size in disks:
        ref = refs.disk_quota(kind)
        totals[ref] = totals.get(ref, 0.0) + size * count
    for ref, amount in totals.items():
        yield rule.one(ref, resource, region, amount)


def _boot_disk(props) -> list[tuple[str, float]]:
    """An instance's boot disk when the instance creates it (``initializeParams``); a boot
    disk given by ``source`` is a Disk resource of its own, counted there."""
    if get(props, "bootDisk.source") is not None:
        return []
    kind = text(props, "bootDisk.initializeParams.type", refs.DEFAULT_DISK_TYPE)
    size = number(props, "bootDisk.initializeParams.size", refs.DEFAULT_BOOT_DISK_GB)
    return [(kind, size)]


def _template_disks(template: PlannedResource) -> list[tuple[str, float]]:
    """The disks an instance template creates for each VM (not those it attaches by
    ``source``, which exist already)."""
    out = []
    for disk in items(template.properties, "disks"):
        if not isinstance(disk, dict):
            raise NotKnown("a template disk is not known until apply")
        if disk.get("source"):
            continue
        kind = text(disk, "diskType", refs.DEFAULT_DISK_TYPE)
        size = number(disk, "diskSizeGb", refs.DEFAULT_BOOT_DISK_GB)
        out.append((kind, size))
    return out


@register("gcp:compute/instance:Instance")
class ComputeInstance(GcpRule):
    """vCPUs of the machine type against its series' CPU quota, its boot disk by type, and
    an in-use IP per interface with an access config, in the zone's region."""

    quotas = VM_QUOTAS

    def gcp_demand(self, resource, region, plan):
        props = resource.properties
        try:
            machine_type = text(props, "machineType")
            disks = _boot_disk(props)
            ips = external_ips(items(props, "networkInterfaces"))
        except NotKnown as error:
            yield self.unknown(None, resource, error.reason)
            return
        yield from cpu_demands(self, resource, region, machine_type, 1)
        yield from disk_demands(self, resource, region, disks, 1)
        if ips:
            yield self.one(refs.IN_USE_ADDRESSES, resource, region, ips)


def _template(resource, plan) -> PlannedResource:
    """The instance template a group's first version (or the group itself) points at."""
    reference = get(resource.properties, "versions.0.instanceTemplate")
    if reference is None:
        reference = get(resource.properties, "instanceTemplate")
    if not isinstance(reference, str):
        raise NotKnown("the instance template is not known until apply")
    template = None
    if plan is not None:
        template = plan.find(reference, TEMPLATE) or plan.find(
            reference.rsplit("/", 1)[-1], TEMPLATE
        )
    if template is None:
        raise NotKnown(f"instance template {reference!r} is not in this plan")
    return template


@register("gcp:compute/instanceGroupManager:InstanceGroupManager")
class InstanceGroupManager(GcpRule):
    """Target size x the instance template's vCPUs, disks and external IPs, in the zone's
    region."""

    quotas = VM_QUOTAS

    def gcp_demand(self, resource, region, plan):
        try:
            # A regional group's target size is its total across zones, as for a zonal one.
            size = number(resource.properties, "targetSize", 0)
            template = _template(resource, plan)
            machine_type = text(template.properties, "machineType")
            disks = _template_disks(template)
            ips = external_ips(items(template.properties, "networkInterfaces"))
        except NotKnown as error:
            yield self.unknown(None, resource, error.reason)
            return
        yield from cpu_demands(self, resource, region, machine_type, size)
        yield from disk_demands(self, resource, region, disks, size)
        if ips and size:
            yield self.one(refs.IN_USE_ADDRESSES, resource, region, ips * size)


@register("gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager")
class RegionInstanceGroupManager(InstanceGroupManager):
    """Target size (across the region's zones) x the template's vCPUs, disks and IPs."""


@register("gcp:compute/disk:Disk")
class ComputeDisk(GcpRule):
    """The disk's size in GB against the SSD or the standard persistent disk quota."""

    quotas = (refs.SSD_GB, refs.STANDARD_GB)

    def gcp_demand(self, resource, region, plan):
        props = resource.properties
        try:
            kind = text(props, "type", refs.DEFAULT_DISK_TYPE)
            size = number(props, "size", 10 if get(props, "image") is None else None)
        except NotKnown as error:
            yield self.unknown(None, resource, error.reason)
            return
        yield self.one(refs.disk_quota(kind), resource, region, size)


@register("gcp:compute/address:Address")
class ComputeAddress(GcpRule):
    """One regional static address, external (default) or internal."""

    quotas = (refs.STATIC_ADDRESSES, refs.INTERNAL_ADDRESSES)

    def gcp_demand(self, resource, region, plan):
        internal = get(resource.properties, "addressType") == "INTERNAL"
        ref = refs.INTERNAL_ADDRESSES if internal else refs.STATIC_ADDRESSES
        yield self.one(ref, resource, region, 1)


@register("gcp:compute/globalAddress:GlobalAddress")
class ComputeGlobalAddress(GcpRule):
    """One global static address, external (default) or internal."""

    quotas = (refs.GLOBAL_ADDRESSES, refs.GLOBAL_INTERNAL_ADDRESSES)

    def gcp_demand(self, resource, region, plan):
        internal = get(resource.properties, "addressType") == "INTERNAL"
        ref = refs.GLOBAL_INTERNAL_ADDRESSES if internal else refs.GLOBAL_ADDRESSES
        yield self.one(ref, resource, region, 1)


@register("gcp:compute/network:Network")
class ComputeNetwork(GcpRule):
    """One VPC network; an auto-mode network (the default) also creates a subnetwork in
    every region."""

    quotas = (refs.NETWORKS, refs.SUBNETWORKS)

    def gcp_demand(self, resource, region, plan):
        yield self.one(refs.NETWORKS, resource, region, 1)
        auto = get(resource.properties, "autoCreateSubnetworks", True)
        if auto is UNKNOWN:
            yield self.unknown(refs.SUBNETWORKS, resource, "autoCreateSubnetworks is not known")
        elif auto:
            yield self.one(refs.SUBNETWORKS, resource, region, len(refs.REGIONS))


@register("gcp:compute/forwardingRule:ForwardingRule")
class ComputeForwardingRule(GcpRule):
    """One regional external forwarding rule (internal ones are limited per network)."""

    quotas = (refs.REGIONAL_FORWARDING_RULES,)

    def gcp_demand(self, resource, region, plan):
        scheme = get(resource.properties, "loadBalancingScheme", "EXTERNAL")
        if scheme != "EXTERNAL":
            yield self.unknown(
                None, resource, f"regional forwarding rules with scheme {scheme!r} are not tracked"
            )
            return
        yield self.one(refs.REGIONAL_FORWARDING_RULES, resource, region, 1)


_GLOBAL_SCHEMES = {
    "EXTERNAL": refs.GLOBAL_FORWARDING_RULES,
    "EXTERNAL_MANAGED": refs.GLOBAL_EXTERNAL_MANAGED_RULES,
    "INTERNAL_SELF_MANAGED": refs.TRAFFIC_DIRECTOR_RULES,
}


@register("gcp:compute/globalForwardingRule:GlobalForwardingRule")
class ComputeGlobalForwardingRule(GcpRule):
    """One global forwarding rule, on the quota of its load-balancing scheme (classic,
    external managed, or Traffic Director)."""

    quotas = tuple(_GLOBAL_SCHEMES.values())

    def gcp_demand(self, resource, region, plan):
        scheme = get(resource.properties, "loadBalancingScheme", "EXTERNAL")
        ref = _GLOBAL_SCHEMES.get(scheme) if isinstance(scheme, str) else None
        if ref is None:
            yield self.unknown(
                None, resource, f"global forwarding rules with scheme {scheme!r} are not tracked"
            )
            return
        yield self.one(ref, resource, region, 1)


for _type, _doc, _ref in (
    (
        "gcp:compute/subnetwork:Subnetwork",
        "One subnetwork (a project-wide quota).",
        refs.SUBNETWORKS,
    ),
    ("gcp:compute/firewall:Firewall", "One firewall rule (a project-wide quota).", refs.FIREWALLS),
    ("gcp:compute/router:Router", "One Cloud Router (a project-wide quota).", refs.ROUTERS),
):
    count_rule(catalogue, _type, "gcp", _doc, _ref)

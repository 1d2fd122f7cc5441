"""Containers: ECS clusters and services (Fargate vCPUs), EKS clusters and managed node groups."""

from __future__ import annotations

import math

from quotapilot.catalogue.aws import refs
from quotapilot.catalogue.aws.compute import ALL_VCPU_QUOTAS, template_instance_type, vcpu_demand
from quotapilot.catalogue.counting import count_rule
from quotapilot.catalogue.plan import PlanIndex
from quotapilot.catalogue.props import UNKNOWN, NotKnown, get, items, number
from quotapilot.catalogue.registry import DemandRule, catalogue, register
from quotapilot.domain import PlannedResource

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
FARGATE_PROVIDERS = {"FARGATE": refs.FARGATE_VCPUS, "FARGATE_SPOT": refs.FARGATE_SPOT_VCPUS}


def _cluster_of(resource: PlannedResource) -> str:
    value = get(resource.properties, "cluster")
    return value if isinstance(value, str) else "(unknown cluster)"


def task_vcpus(resource: PlannedResource, plan: PlanIndex | None) -> tuple[float, list[str]]:
    """The vCPUs one task of the service's task definition reserves, and its launch types."""
    reference = get(resource.properties, "taskDefinition")
    if reference is UNKNOWN or not isinstance(reference, str):
        raise NotKnown("the task definition is not known until apply")
    found = plan.find(reference, TASK_DEFINITION) if plan else None
    if found is None and plan is not None:
        # Services also name a task definition by "family" or "family:revision".
        family = reference.rsplit("/", 1)[-1].split(":")[0]
        found = next(
            (t for t in plan.of_type(TASK_DEFINITION) if get(t.properties, "family") == family),
            None,
        )
    if found is None:
        raise NotKnown(f"task definition {reference!r} is not in this plan")
    compatibilities = [str(c).upper() for c in items(found.properties, "requiresCompatibilities")]
    cpu = get(found.properties, "cpu")
    if cpu is UNKNOWN:
        raise NotKnown("the task definition's cpu is not known until apply")
    if cpu is None:
        return 0.0, compatibilities
    raw = str(cpu).strip().lower()
    try:
        # "1024" is CPU units (1,024 to a vCPU); "1 vcpu" and "0.25 vCPU" are vCPUs.
        vcpus = float(raw.replace("vcpu", "").strip()) if "vcpu" in raw else float(raw) / 1024
    except ValueError:
        raise NotKnown(f"the task definition's cpu {cpu!r} is not a number") from None
    if not math.isfinite(vcpus) or vcpus < 0:
        raise NotKnown(f"the task definition's cpu {cpu!r} is not a number")
    return vcpus, compatibilities


def fargate_tasks(resource: PlannedResource, compatibilities: list[str]) -> dict[str, float]:
    """How many of the service's tasks run on each Fargate capacity provider."""
    props = resource.properties
    if get(props, "schedulingStrategy") == "DAEMON":
        return {}
    desired = number(props, "desiredCount", 0)
    strategies = items(props, "capacityProviderStrategies")
    if strategies:
        return _split(desired, strategies)
    launch_type = get(props, "launchType")
    if launch_type is UNKNOWN:
        raise NotKnown("launchType is not known until apply")
    if launch_type == "FARGATE" or (launch_type is None and compatibilities == ["FARGATE"]):
        return {"FARGATE": desired}
    return {}  # EC2 or EXTERNAL: the instances behind the cluster are counted where they are


def _split(desired: float, strategies: list) -> dict[str, float]:
    """ECS places ``base`` tasks first, then the rest in proportion to the weights; a share
    that isn't whole is rounded up, so the check never counts fewer than run."""
    shares: dict[str, float] = {}
    bases = {}
    weights = {}
    for strategy in strategies:
        if not isinstance(strategy, dict):
            raise NotKnown("a capacity provider strategy is not known until apply")
        name = strategy.get("capacityProvider")
        if not isinstance(name, str):
            raise NotKnown("a capacity provider is not known until apply")
        bases[name] = float(strategy.get("base") or 0)
        weights[name] = float(strategy.get("weight") or 0)
    rest = max(0.0, desired - sum(bases.values()))
    total = sum(weights.values())
    for name in bases:
        share = bases[name] + (math.ceil(rest * weights[name] / total) if total else 0)
        if name in FARGATE_PROVIDERS and share:
            shares[name] = min(share, desired)
    return shares


@register("aws:ecs/service:Service")
class EcsService(DemandRule):
    """One service in its cluster; on Fargate, desired tasks x the task's vCPUs."""

    provider = "aws"
    quotas = (refs.ECS_SERVICES, refs.FARGATE_VCPUS, refs.FARGATE_SPOT_VCPUS)

    def demand(self, resource, region, plan=None):
        yield self.one(refs.ECS_SERVICES, resource, region, 1, _cluster_of(resource))
        try:
            vcpus, compatibilities = task_vcpus(resource, plan)
            tasks = fargate_tasks(resource, compatibilities)
            if tasks and not vcpus:
                raise NotKnown("a Fargate task definition needs a cpu size")
        except NotKnown as error:
            if get(resource.properties, "launchType") in ("EC2", "EXTERNAL"):
                return  # no Fargate demand, whatever the task definition says
            yield self.unknown(refs.FARGATE_VCPUS, resource, error.reason)
            return
        for provider, count in sorted(tasks.items()):
            yield self.one(FARGATE_PROVIDERS[provider], resource, region, count * vcpus)


@register("aws:eks/nodeGroup:NodeGroup")
class EksNodeGroup(DemandRule):
    """Desired size x vCPUs of the first instance type (EKS defaults to t3.medium), and the
    Auto Scaling group EKS creates for the node group."""

    provider = "aws"
    quotas = (*ALL_VCPU_QUOTAS, refs.ASG_GROUPS)

    def demand(self, resource, region, plan=None):
        props = resource.properties
        yield self.one(refs.ASG_GROUPS, resource, region, 1)
        try:
            if get(props, "capacityType") == "SPOT":
                return  # Spot capacity counts on the Spot quotas, which the gate doesn't track
            size = number(props, "scalingConfig.desiredSize")
            types = items(props, "instanceTypes")
            if types:
                instance_type = types[0]
            elif get(props, "launchTemplate") is not None:
                instance_type = template_instance_type(get(props, "launchTemplate"), plan)
            else:
                instance_type = "t3.medium"
        except NotKnown as error:
            yield self.unknown(None, resource, error.reason)
            return
        yield vcpu_demand(self, resource, region, instance_type, size)


count_rule(catalogue, "aws:ecs/cluster:Cluster", "aws", "One ECS cluster.", refs.ECS_CLUSTERS)
count_rule(catalogue, "aws:eks/cluster:Cluster", "aws", "One EKS cluster.", refs.EKS_CLUSTERS)

"""Compute: Lambda concurrency, EC2 vCPUs (instances, Auto Scaling), launch configurations,
EBS storage. Containers (ECS, Fargate, EKS) are in :mod:`.containers`."""

from __future__ import annotations

import math
from collections.abc import Iterable

from quotapilot.catalogue.aws import refs
from quotapilot.catalogue.counting import count_rule
from quotapilot.catalogue.plan import PlanIndex
from quotapilot.catalogue.props import UNKNOWN, NotKnown, get, number, text
from quotapilot.catalogue.registry import DemandRule, UnknownDemand, catalogue, register
from quotapilot.catalogue.types import ec2_class, ec2_vcpus
from quotapilot.domain import Demand, PlannedResource

ALL_VCPU_QUOTAS = tuple(refs.EC2_VCPUS.values())


def vcpu_demand(
    rule: DemandRule,
    resource: PlannedResource,
    region: str | None,
    instance_type: str,
    count: float,
) -> Demand | UnknownDemand:
    """``count`` instances of ``instance_type`` against its On-Demand class quota."""
    if not isinstance(instance_type, str):
        return rule.unknown(
            None, resource, f"instance type must be a string, got {instance_type!r}"
        )
    try:
        ref = refs.EC2_VCPUS[ec2_class(instance_type)]
        vcpus = ec2_vcpus(instance_type)
    except NotKnown as error:
        return rule.unknown(None, resource, error.reason)
    return rule.one(ref, resource, region, count * vcpus)


@register("aws:lambda/function:Function")
class LambdaFunction(DemandRule):
    """Reserved concurrency against the account's concurrency, keeping 100 unreserved."""

    provider = "aws"
    quotas = (refs.LAMBDA_CONCURRENCY,)

    def demand(self, resource, region, plan=None) -> Iterable[Demand | UnknownDemand]:
        ref = refs.LAMBDA_CONCURRENCY
        try:
            # Absent or -1 reserves nothing; the function still draws on the shared pool,
            # so the quota is touched (amount 0) and its floor still applies.
            reserved = get(resource.properties, "reservedConcurrentExecutions", -1)
            amount = (
                0.0
                if reserved == -1
                else number(resource.properties, "reservedConcurrentExecutions")
            )
        except NotKnown as error:
            yield self.unknown(ref, resource, error.reason)
            return
        yield self.one(ref, resource, region, amount)


@register("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig")
class LambdaProvisionedConcurrency(DemandRule):
    """Provisioned concurrency is carved out of the same account concurrency."""

    provider = "aws"
    quotas = (refs.LAMBDA_CONCURRENCY,)

    def demand(self, resource, region, plan=None):
        ref = refs.LAMBDA_CONCURRENCY
        try:
            amount = number(resource.properties, "provisionedConcurrentExecutions")
        except NotKnown as error:
            yield self.unknown(ref, resource, error.reason)
            return
        yield self.one(ref, resource, region, amount)


LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration"


def _configuration_instance_type(reference: object, plan: PlanIndex | None) -> str:
    """The instance type of the launch configuration an Auto Scaling group names."""
    if reference is UNKNOWN:
        raise NotKnown("the launch configuration is not known until apply")
    found = plan.find(reference, LAUNCH_CONFIGURATION) if plan else None
    if found is None:
        raise NotKnown(f"launch configuration {reference!r} is not in this plan")
    return text(found.properties, "instanceType")


def template_instance_type(spec: object, plan: PlanIndex | None) -> str:
    """The instance type of the launch template a ``{id|name, version}`` spec points at."""
    if spec is UNKNOWN:
        raise NotKnown("the launch template is not known until apply")
    if not isinstance(spec, dict):
        raise NotKnown("no instance type and no launch template")
    reference = (
        spec.get("id")
        or spec.get("launchTemplateId")
        or spec.get("name")
        or spec.get("launchTemplateName")
    )
    if reference is UNKNOWN:
        raise NotKnown("the launch template is not known until apply")
    template = plan.find(reference, "aws:ec2/launchTemplate:LaunchTemplate") if plan else None
    if template is None:
        raise NotKnown(f"launch template {reference!r} is not in this plan")
    return text(template.properties, "instanceType")


@register("aws:ec2/instance:Instance")
class Ec2Instance(DemandRule):
    """vCPUs of the instance type against its On-Demand class quota (Standard, G, P, ...)."""

    provider = "aws"
    quotas = ALL_VCPU_QUOTAS

    def demand(self, resource, region, plan=None):
        props = resource.properties
        try:
            if get(props, "instanceMarketOptions.marketType") == "spot":
                return  # Spot instances count on the Spot quotas, not the On-Demand ones
            instance_type = get(props, "instanceType")
            if instance_type is None:
                instance_type = template_instance_type(get(props, "launchTemplate"), plan)
            elif instance_type is UNKNOWN:
                raise NotKnown("instanceType is not known until apply")
        except NotKnown as error:
            yield self.unknown(None, resource, error.reason)
            return
        yield vcpu_demand(self, resource, region, instance_type, 1)


@register("aws:autoscaling/group:Group")
class AutoScalingGroup(DemandRule):
    """Desired capacity (else min size) x the launch template's or launch configuration's
    vCPUs, plus one group."""

    provider = "aws"
    quotas = (*ALL_VCPU_QUOTAS, refs.ASG_GROUPS)

    def demand(self, resource, region, plan=None):
        props = resource.properties
        yield self.one(refs.ASG_GROUPS, resource, region, 1)
        try:
            capacity = get(props, "desiredCapacity")
            capacity = (
                number(props, "minSize") if capacity is None else number(props, "desiredCapacity")
            )
            spec = get(props, "launchTemplate")
            configuration = get(props, "launchConfiguration")
            if spec is None and configuration is not None:
                instance_type = _configuration_instance_type(configuration, plan)
            elif spec is None:
                mixed = get(props, "mixedInstancesPolicy.launchTemplate")
                if mixed is None:
                    raise NotKnown("no launch template and no launch configuration")
                override = get(mixed, "overrides.0.instanceType")
                if isinstance(override, str):
                    instance_type = override
                else:
                    instance_type = template_instance_type(
                        get(mixed, "launchTemplateSpecification"), plan
                    )
            else:
                instance_type = template_instance_type(spec, plan)
        except NotKnown as error:
            yield self.unknown(None, resource, error.reason)
            return
        yield vcpu_demand(self, resource, region, instance_type, capacity)


@register("aws:ebs/volume:Volume")
class EbsVolume(DemandRule):
    """The volume's size, in TiB, against the storage quota of its volume type."""

    provider = "aws"
    quotas = tuple(refs.EBS_STORAGE_TIB.values())

    def demand(self, resource, region, plan=None):
        props = resource.properties
        try:
            kind = text(props, "type", "gp2")
            ref = refs.EBS_STORAGE_TIB.get(kind)
            if ref is None:
                raise NotKnown(f"no storage quota known for volume type {kind!r}")
            size_gib = number(props, "size")
        except NotKnown as error:
            yield self.unknown(None, resource, error.reason)
            return
        yield self.one(ref, resource, region, math.ceil(size_gib) / 1024)


count_rule(
    catalogue,
    LAUNCH_CONFIGURATION,
    "aws",
    "One launch configuration.",
    refs.LAUNCH_CONFIGURATIONS,
)

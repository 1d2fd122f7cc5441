"""Networking: Elastic IPs, VPCs, gateways, security groups, subnets, load balancers, CDN."""

from __future__ import annotations

from quotapilot.catalogue.aws import refs
from quotapilot.catalogue.counting import count_rule
from quotapilot.catalogue.props import UNKNOWN, NotKnown, get, items, text
from quotapilot.catalogue.registry import DemandRule, catalogue, register
from quotapilot.domain import PlannedResource


def _reference(resource: PlannedResource, field: str) -> str:
    value = get(resource.properties, field)
    if isinstance(value, str) and value:
        return value
    return f"(unknown {field})"


count_rule(catalogue, "aws:ec2/eip:Eip", "aws", "One Elastic IP address.", refs.EC2_EIPS)


@register("aws:ec2/vpc:Vpc")
class Vpc(DemandRule):
    """One VPC, and its main route table against the route tables of that VPC."""

    provider = "aws"
    quotas = (refs.VPCS, refs.ROUTE_TABLES)

    def demand(self, resource, region, plan=None):
        yield self.one(refs.VPCS, resource, region, 1)
        yield self.one(refs.ROUTE_TABLES, resource, region, 1, resource.id or resource.urn)


count_rule(
    catalogue,
    "aws:ec2/routeTable:RouteTable",
    "aws",
    "One route table in its VPC.",
    refs.ROUTE_TABLES,
    parent=lambda r: _reference(r, "vpcId"),
)
for _token in ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"):
    count_rule(catalogue, _token, "aws", "One target group.", refs.TARGET_GROUPS)
count_rule(
    catalogue,
    "aws:ec2/internetGateway:InternetGateway",
    "aws",
    "One internet gateway.",
    refs.INTERNET_GATEWAYS,
)
count_rule(
    catalogue,
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
    "aws",
    "One egress-only internet gateway.",
    refs.EGRESS_ONLY_GATEWAYS,
)
count_rule(
    catalogue,
    "aws:ec2/subnet:Subnet",
    "aws",
    "One subnet in its VPC.",
    refs.SUBNETS,
    parent=lambda r: _reference(r, "vpcId"),
)
count_rule(
    catalogue,
    "aws:elb/loadBalancer:LoadBalancer",
    "aws",
    "One Classic Load Balancer.",
    refs.CLBS,
)
count_rule(
    catalogue,
    "aws:cloudfront/distribution:Distribution",
    "aws",
    "One CloudFront web distribution (a global quota).",
    refs.CLOUDFRONT,
)


@register("aws:ec2/natGateway:NatGateway")
class NatGateway(DemandRule):
    """One NAT gateway in the Availability Zone of its subnet."""

    provider = "aws"
    quotas = (refs.NAT_GATEWAYS,)

    def demand(self, resource, region, plan=None):
        # The quota is per AZ; the subnet (found in the plan) says which AZ.
        subnet_id = get(resource.properties, "subnetId")
        zone = ""
        subnet = plan.find(subnet_id, "aws:ec2/subnet:Subnet") if plan else None
        if subnet is not None:
            found = get(subnet.properties, "availabilityZone")
            zone = found if isinstance(found, str) else ""
        per = zone or (f"subnet {subnet_id}" if isinstance(subnet_id, str) else "(unknown AZ)")
        yield self.one(refs.NAT_GATEWAYS, resource, region, 1, per)


@register("aws:ec2/securityGroup:SecurityGroup")
class SecurityGroup(DemandRule):
    """One security group; its inline rules against the per-group rule quota."""

    provider = "aws"
    quotas = (refs.SECURITY_GROUPS, refs.SG_RULES)

    def demand(self, resource, region, plan=None):
        yield self.one(refs.SECURITY_GROUPS, resource, region, 1)
        try:
            # Inbound and outbound rules are limited separately: the larger side must fit.
            # Each CIDR block of a rule is a rule of its own.
            sides = [self._rules(resource, side) for side in ("ingress", "egress")]
        except NotKnown as error:
            yield self.unknown(refs.SG_RULES, resource, error.reason)
            return
        yield self.one(refs.SG_RULES, resource, region, max(sides), resource.urn or resource.name)

    @staticmethod
    def _rules(resource: PlannedResource, side: str) -> int:
        count = 0
        for rule in items(resource.properties, side):
            if rule is UNKNOWN or not isinstance(rule, dict):
                raise NotKnown(f"a rule in {side} is not known until apply")
            blocks = len(rule.get("cidrBlocks") or []) + len(rule.get("ipv6CidrBlocks") or [])
            count += max(1, blocks)
        return count


@register("aws:lb/loadBalancer:LoadBalancer")
class LoadBalancer(DemandRule):
    """One Application or Network Load Balancer, by its type."""

    provider = "aws"
    quotas = (refs.ALBS, refs.NLBS)

    def demand(self, resource, region, plan=None):
        try:
            kind = text(resource.properties, "loadBalancerType", "application")
        except NotKnown as error:
            yield self.unknown(None, resource, error.reason)
            return
        ref = {"application": refs.ALBS, "network": refs.NLBS}.get(kind)
        if ref is None:
            yield self.unknown(None, resource, f"no quota tracked for {kind!r} load balancers")
            return
        yield self.one(ref, resource, region, 1)


# pulumi-aws keeps the alb module as an alias of lb with its own type token.
@register("aws:alb/loadBalancer:LoadBalancer")
class AlbLoadBalancer(LoadBalancer):
    """One Application or Network Load Balancer (the alb alias of lb), by its type."""

"""Integration and identity: SNS, EventBridge, Step Functions, IAM."""

from __future__ import annotations

from quotapilot.catalogue.aws import refs
from quotapilot.catalogue.counting import count_rule
from quotapilot.catalogue.props import NotKnown, get, items
from quotapilot.catalogue.registry import DemandRule, catalogue, register
from quotapilot.domain import PlannedResource

count_rule(catalogue, "aws:sns/topic:Topic", "aws", "One SNS topic.", refs.SNS_TOPICS)
count_rule(
    catalogue,
    "aws:cloudwatch/eventBus:EventBus",
    "aws",
    "One EventBridge event bus.",
    refs.EVENT_BUSES,
)
count_rule(
    catalogue,
    "aws:sfn/stateMachine:StateMachine",
    "aws",
    "One Step Functions state machine.",
    refs.STATE_MACHINES,
)
count_rule(catalogue, "aws:iam/user:User", "aws", "One IAM user (a global quota).", refs.IAM_USERS)
count_rule(
    catalogue,
    "aws:iam/instanceProfile:InstanceProfile",
    "aws",
    "One IAM instance profile (a global quota).",
    refs.INSTANCE_PROFILES,
)
count_rule(
    catalogue,
    "aws:iam/policy:Policy",
    "aws",
    "One customer managed IAM policy (a global quota).",
    refs.IAM_POLICIES,
)


def _bus_of(resource: PlannedResource) -> str:
    # The rule quota is per bus; a rule with no bus name is on the default bus. A bus given
    # by ARN and the same bus given by name are the same bus.
    bus = get(resource.properties, "eventBusName", "default")
    if not isinstance(bus, str):
        return "(unknown bus)"
    return bus.rsplit("/", 1)[-1]


count_rule(
    catalogue,
    "aws:cloudwatch/eventRule:EventRule",
    "aws",
    "One EventBridge rule on its event bus (the rules quota is per bus).",
    refs.EVENT_RULES,
    parent=_bus_of,
)


@register("aws:iam/role:Role")
class IamRole(DemandRule):
    """One IAM role (global), and its managed policy attachments against the per-role quota."""

    provider = "aws"
    quotas = (refs.IAM_ROLES, refs.IAM_ROLE_POLICIES)

    def demand(self, resource, region, plan=None):
        yield self.one(refs.IAM_ROLES, resource, region, 1)
        try:
            attached = len(items(resource.properties, "managedPolicyArns"))
        except NotKnown as error:
            yield self.unknown(refs.IAM_ROLE_POLICIES, resource, error.reason)
            return
        if attached:
            yield self.one(refs.IAM_ROLE_POLICIES, resource, region, attached, _role_key(resource))


def _role_key(resource: PlannedResource) -> str:
    name = get(resource.properties, "name")
    return name if isinstance(name, str) and name else resource.id or resource.name


@register("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
class IamRolePolicyAttachment(DemandRule):
    """One managed policy attached to a role, against the per-role quota."""

    provider = "aws"
    quotas = (refs.IAM_ROLE_POLICIES,)

    def demand(self, resource, region, plan=None):
        role = get(resource.properties, "role")
        if not isinstance(role, str):
            yield self.unknown(refs.IAM_ROLE_POLICIES, resource, "role is not known until apply")
            return
        # A role given by ARN and the same role given by name are one role.
        found = plan.find(role, "aws:iam/role:Role") if plan else None
        key = _role_key(found) if found is not None else role.rsplit("/", 1)[-1]
        yield self.one(refs.IAM_ROLE_POLICIES, resource, region, 1, key)

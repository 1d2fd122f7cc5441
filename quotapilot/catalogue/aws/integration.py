"""Integration and identity: SNS, EventBridge, Step Functions, IAM."""

from __future__ import annotations

import json
from typing import Any

from quotapilot.catalogue.aws import refs
from quotapilot.catalogue.counting import count_rule
from quotapilot.catalogue.props import UNKNOWN, NotKnown, get, items
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
#: What a Distributed Map runs at once when its MaxConcurrency is 0 or unset.
DISTRIBUTED_MAP_CEILING = 10_000


@register("aws:sfn/stateMachine:StateMachine")
class SfnStateMachineRule(DemandRule):
    """One Step Functions state machine; a Distributed Map in it that invokes Lambda holds up
    to its MaxConcurrency of the account's Lambda concurrency while it runs."""

    provider = "aws"
    quotas = (refs.STATE_MACHINES, refs.LAMBDA_CONCURRENCY)

    def demand(self, resource, region, plan=None):
        yield self.one(refs.STATE_MACHINES, resource, region, 1)
        definition = get(resource.properties, "definition")
        if definition is UNKNOWN:
            yield self.unknown(
                refs.LAMBDA_CONCURRENCY,
                resource,
                "the definition is not known until apply (a Distributed Map in it may invoke "
                "Lambda at its MaxConcurrency)",
            )
            return
        try:
            document = json.loads(definition) if isinstance(definition, str) else definition
            concurrency = _lambda_map_concurrency(document)
        except (ValueError, TypeError, NotKnown) as error:
            yield self.unknown(refs.LAMBDA_CONCURRENCY, resource, f"definition: {error}")
            return
        if concurrency:
            yield self.one(refs.LAMBDA_CONCURRENCY, resource, region, concurrency)


def _lambda_map_concurrency(document: Any) -> float:
    """The Lambda executions a definition's Distributed Maps may hold at once: each child
    execution runs its states one at a time, so a Map whose children invoke Lambda holds up
    to its MaxConcurrency (all of them may run together, so they add up)."""
    if not isinstance(document, dict) or not isinstance(document.get("States"), dict):
        raise NotKnown("no States")
    total = 0.0
    for state in document["States"].values():
        if not isinstance(state, dict):
            raise NotKnown("a state that is not an object")
        for branch in state.get("Branches") or ():
            total += _lambda_map_concurrency(branch)
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if state.get("Type") != "Map" or not isinstance(processor, dict):
            continue
        mode = (processor.get("ProcessorConfig") or {}).get("Mode", "INLINE")
        if mode != "DISTRIBUTED":
            total += _lambda_map_concurrency(processor)  # an inline Map's own nested Maps
            continue
        if not _invokes_lambda(processor):
            continue
        if "MaxConcurrencyPath" in state:
            raise NotKnown("MaxConcurrencyPath: the Map's concurrency is set at run time")
        limit = state.get("MaxConcurrency", 0)
        if isinstance(limit, bool) or not isinstance(limit, int | float) or limit < 0:
            raise NotKnown(f"MaxConcurrency {limit!r} is not a count")
        total += limit or DISTRIBUTED_MAP_CEILING
    return total


def _invokes_lambda(processor: dict[str, Any]) -> bool:
    for state in (processor.get("States") or {}).values():
        if not isinstance(state, dict):
            continue
        resource = str(state.get("Resource", ""))
        if resource.startswith("arn:aws:states:::lambda:invoke") or ":lambda:" in resource:
            return True
        nested = [state.get("ItemProcessor"), state.get("Iterator"), *(state.get("Branches") or ())]
        if any(isinstance(n, dict) and _invokes_lambda(n) for n in nested):
            return True
    return False


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

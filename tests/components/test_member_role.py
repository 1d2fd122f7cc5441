"""QuotaMemberRole and its StackSet: only the engine's role may assume it, it reads unless
increases are allowed, and both ways of deploying it render the same documents."""

from __future__ import annotations

import json
from pathlib import Path

import botocore.session
import pytest

from quotapilot.components.member_policies import (
    engine_role_arn,
    member_actions,
    permissions_policy,
    trust_policy,
)
from quotapilot.components.member_role import QuotaMemberRoleArgs, QuotaMemberRoleStackSetArgs
from quotapilot.exceptions import ConfigurationError
from quotapilot.gate.program import read_plan

PROGRAM = Path(__file__).parent / "programs" / "members"
ENGINE = "arn:aws:iam::111122223333:role/quotapilot-engine"


@pytest.fixture(scope="module")
def plan():
    return read_plan(PROGRAM, "org")


def of(plan, type_):
    return [r for r in plan.resources if r.type == f"aws:{type_}"]


def test_only_the_engine_role_may_assume_the_member_role(plan):
    [role] = of(plan, "iam/role:Role")
    [statement] = json.loads(role.properties["assumeRolePolicy"])["Statement"]
    assert statement == {
        "Effect": "Allow",
        "Principal": {"AWS": ENGINE},
        "Action": "sts:AssumeRole",
    }
    assert role.properties["name"] == "quotapilot-collector"  # what the engine assumes


def test_the_member_role_reads_by_default_with_exact_actions(plan):
    [policy] = of(plan, "iam/rolePolicy:RolePolicy")
    [statement] = json.loads(policy.properties["policy"])["Statement"]
    actions = set(statement["Action"])
    assert {"servicequotas:ListServiceQuotas", "cloudwatch:GetMetricData"} <= actions
    assert not any("*" in a for a in actions)
    assert not any(a.split(":")[1].startswith(("Request", "Create")) for a in actions)


def test_increases_add_only_the_filing_actions():
    extra = set(member_actions(True)) - set(member_actions(False))
    assert extra == {
        "servicequotas:RequestServiceQuotaIncrease",
        "servicequotas:CreateSupportCase",
        "support:CreateCase",
    }
    [_, filing] = permissions_policy(True)["Statement"]
    assert set(filing["Action"]) == extra


def test_every_member_action_is_an_operation_of_its_service():
    session = botocore.session.get_session()
    services = {"servicequotas": "service-quotas", "cloudwatch": "cloudwatch", "support": "support"}
    for action in member_actions(True):
        prefix, name = action.split(":")
        assert name in session.get_service_model(services[prefix]).operation_names, action


def test_the_stackset_renders_the_same_role_with_its_conditions(plan):
    [stack_set] = of(plan, "cloudformation/stackSet:StackSet")
    p = stack_set.properties
    assert p["permissionModel"] == "SERVICE_MANAGED"
    assert p["autoDeployment"]["enabled"] is True
    assert p["capabilities"] == ["CAPABILITY_NAMED_IAM"]
    role = json.loads(p["templateBody"])["Resources"]["QuotapilotMemberRole"]["Properties"]
    assert role["AssumeRolePolicyDocument"] == trust_policy(
        ENGINE, "o-abcd123456", "quotapilot-prod"
    )
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Condition"] == {
        "StringEquals": {
            "aws:PrincipalOrgID": "o-abcd123456",
            "sts:ExternalId": "quotapilot-prod",
        }
    }
    assert role["Policies"][0]["PolicyDocument"] == permissions_policy(True)
    [instances] = of(plan, "cloudformation/stackSetInstance:StackSetInstance")
    assert instances.properties["deploymentTargets"] == {
        "organizationalUnitIds": ["ou-ab12-cdef3456"]
    }


def test_engine_role_arn_is_exact():
    assert engine_role_arn("111122223333", "quotapilot-engine") == ENGINE


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"engine_account": "1234"}, "engine_account"),
        ({"role_name": "bad name!"}, "role_name"),
        ({"organization_id": "org-1"}, "organization_id"),
        ({"external_id": "x"}, "external_id"),
    ],
)
def test_bad_arguments_name_the_field(kwargs, field):
    base = {"engine_account": "111122223333", "engine_role_name": "quotapilot-engine"}
    with pytest.raises(ConfigurationError) as raised:
        QuotaMemberRoleArgs(**{**base, **kwargs})
    assert raised.value.context["field"] == field


def test_a_stackset_needs_an_ou():
    role = QuotaMemberRoleArgs(engine_account="111122223333", engine_role_name="e")
    with pytest.raises(ConfigurationError, match="OU"):
        QuotaMemberRoleStackSetArgs(role=role, organizational_unit_ids=[])
    with pytest.raises(ConfigurationError, match="ou-"):
        QuotaMemberRoleStackSetArgs(role=role, organizational_unit_ids=["accounting"])


def _assume_role_resources(plan) -> list[str]:
    found = []
    for policy in of(plan, "iam/rolePolicy:RolePolicy"):
        for statement in json.loads(policy.properties["policy"])["Statement"]:
            if "sts:AssumeRole" in statement["Action"]:
                found += statement["Resource"]
    return sorted(found)


def test_the_engine_may_assume_exactly_the_configured_accounts_roles():
    stacks = Path(__file__).resolve().parents[2] / "stacks"
    plan = read_plan(
        stacks,
        "members",
        ['quotapilot:accounts=["111111111111","222222222222"]',
         "quotapilot:member_role_name=quota-reader"],
    )  # fmt: skip
    roles = ["arn:aws:iam::111111111111:role/quota-reader",
             "arn:aws:iam::222222222222:role/quota-reader"]  # fmt: skip
    # the engine and the events function both act in member accounts; nothing else, no "*"
    assert set(_assume_role_resources(plan)) == set(roles)
    assert _assume_role_resources(read_plan(stacks, "alone")) == []

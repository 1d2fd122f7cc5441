"""The catalogue: every rule documented, declared and exercised; the arithmetic holds."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quotapilot.catalogue import (
    UNKNOWN,
    PlanIndex,
    UnknownDemand,
    catalogue,
    demand_for,
    plan_demand,
)
from quotapilot.catalogue.aws.refs import UNTRACKED as AWS_UNTRACKED
from quotapilot.catalogue.gcp.refs import UNTRACKED as GCP_UNTRACKED
from quotapilot.domain import Demand, PlannedResource
from tests.catalogue.cases import CASES
from tests.catalogue.cases import UNKNOWN as EXPECT_UNKNOWN

CASE_LIST = [
    (resource_type, index, case)
    for resource_type, cases in CASES.items()
    for index, case in enumerate(cases)
]


def planned(resource_type: str, properties: dict, others=()) -> tuple[PlannedResource, PlanIndex]:
    resource = PlannedResource(resource_type, "r", urn="urn:test", properties=properties)
    others = [
        PlannedResource(o["type"], o["name"], id=o["id"], properties=o["properties"])
        for o in others
    ]
    return resource, PlanIndex([resource, *others])


def as_tuple(answer):
    if isinstance(answer, UnknownDemand):
        return EXPECT_UNKNOWN
    key = answer.key
    out = (key.service, key.code, key.region, answer.amount)
    return (*out, answer.per) if answer.per else out


@pytest.mark.parametrize(
    ("resource_type", "index", "case"), CASE_LIST, ids=[f"{t}#{i}" for t, i, _ in CASE_LIST]
)
def test_case(resource_type, index, case):
    properties, expected, *others = case
    resource, plan = planned(resource_type, properties, others[0] if others else ())
    answers = demand_for(resource, "us-east-1", plan)
    assert sorted(map(as_tuple, answers), key=repr) == sorted(
        [e if e == EXPECT_UNKNOWN else (*e[:3], float(e[3]), *e[4:]) for e in expected], key=repr
    )


def test_every_rule_is_documented_declared_and_exercised():
    assert sum(rule.provider == "aws" for rule in catalogue) >= 25
    assert sum(rule.provider == "gcp" for rule in catalogue) >= 8
    for rule in catalogue:
        assert rule.doc(), f"{rule.resource_type} has no doc line"
        assert rule.quotas, f"{rule.resource_type} declares no quota"
        assert rule.resource_type in CASES, f"{rule.resource_type} has no test case"
    assert set(CASES) <= {rule.resource_type for rule in catalogue}, "a case for no rule"


def test_every_answered_demand_is_on_a_declared_quota():
    for resource_type, _, case in CASE_LIST:
        properties, _, *others = case
        resource, plan = planned(resource_type, properties, others[0] if others else ())
        rule = catalogue.rule_for(resource_type)
        declared = {(ref.service, ref.code) for ref in rule.quotas}
        for answer in demand_for(resource, "us-east-1", plan):
            if isinstance(answer, Demand):
                assert (answer.key.service, answer.key.code) in declared, resource_type


def test_untracked_types_have_no_rule_and_give_no_demand():
    for resource_type in {**AWS_UNTRACKED, **GCP_UNTRACKED}:
        assert resource_type not in catalogue
        assert demand_for(PlannedResource(resource_type, "x"), "us-east-1") == []


def test_a_regional_quota_without_a_region_is_unknown_not_a_crash():
    resource = PlannedResource("aws:dynamodb/table:Table", "t")
    [answer] = demand_for(resource, None)
    assert isinstance(answer, UnknownDemand) and "region" in answer.reason


def test_resource_region_wins_over_the_default():
    resource = PlannedResource("aws:sns/topic:Topic", "t", region="eu-west-1")
    [answer] = demand_for(resource, "us-east-1")
    assert answer.key.region == "eu-west-1"


def test_plan_demand_resolves_references_across_the_plan():
    template = PlannedResource(
        "aws:ec2/launchTemplate:LaunchTemplate",
        "lt",
        id="lt-9",
        properties={"instanceType": "m5.2xlarge"},
    )
    group = PlannedResource(
        "aws:autoscaling/group:Group",
        "g",
        properties={"desiredCapacity": 4, "launchTemplate": {"id": "lt-9"}},
    )
    vcpus = [
        d
        for d in plan_demand([group, template], "us-east-1")
        if isinstance(d, Demand) and d.key.code == "L-1216C47A"
    ]
    assert [d.amount for d in vcpus] == [32.0]


INSTANCE_TYPES = st.sampled_from(
    ["m5.large", "c6g.medium", "r6i.4xlarge", "t3.small", "g5.2xlarge"]
)


@given(capacity=st.integers(min_value=0, max_value=500), instance_type=INSTANCE_TYPES)
def test_asg_demand_is_capacity_times_vcpus_and_linear(capacity, instance_type):
    template = PlannedResource(
        "aws:ec2/launchTemplate:LaunchTemplate",
        "lt",
        id="lt",
        properties={"instanceType": instance_type},
    )
    single = demand_for(
        PlannedResource(
            "aws:ec2/instance:Instance", "i", properties={"instanceType": instance_type}
        ),
        "us-east-1",
    )
    [one] = single
    group = PlannedResource(
        "aws:autoscaling/group:Group",
        "g",
        properties={"desiredCapacity": capacity, "launchTemplate": {"id": "lt"}},
    )
    vcpu = [d for d in demand_for(group, "us-east-1", [template]) if d.key.service == "ec2"]
    assert [d.amount for d in vcpu] == [capacity * one.amount]
    assert vcpu[0].key == one.key


JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 10**6)
    | st.floats(allow_nan=True)
    | st.text(max_size=12)
    | st.just(UNKNOWN),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "instanceType",
                    "size",
                    "type",
                    "desiredCapacity",
                    "minSize",
                    "launchTemplate",
                    "id",
                    "scalingConfig",
                    "desiredSize",
                    "ingress",
                    "machineType",
                    "zone",
                    "nodeCount",
                    "template",
                    "cpu",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=8,
)


@given(
    resource_type=st.sampled_from(sorted(CASES)),
    properties=st.dictionaries(
        st.text(max_size=20)
        | st.sampled_from(
            [
                "instanceType",
                "size",
                "reservedConcurrentExecutions",
                "desiredCapacity",
                "launchTemplate",
                "machineType",
                "numCacheNodes",
                "allocatedStorage",
                "ingress",
                "egress",
                "managedPolicyArns",
                "scalingConfig",
                "template",
            ]
        ),
        JSONISH,
        max_size=5,
    ),
)
def test_any_properties_give_demands_or_unknowns_never_a_crash_or_negative(
    resource_type, properties
):
    for answer in demand_for(
        PlannedResource(resource_type, "r", properties=properties), "us-east-1"
    ):
        if isinstance(answer, Demand):
            assert answer.amount >= 0 and answer.amount == answer.amount  # not NaN
        else:
            assert isinstance(answer, UnknownDemand) and answer.reason


def test_catalog_cli_json_and_table(capsys):
    from quotapilot.cli.app import main

    assert main(["catalog", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"resource_type", "provider", "service", "quota_code", "scope"} <= set(rows[0])
    assert {row["scope"] for row in rows} == {"regional", "global"}
    lambda_rows = [r for r in rows if r["resource_type"] == "aws:lambda/function:Function"]
    assert lambda_rows and lambda_rows[0]["quota_code"] == "L-B99A9384"
    assert len({r["resource_type"] for r in rows}) == len(catalogue)

    assert main(["catalog", "--format", "table"]) == 0
    assert f"{len(catalogue)} resource types" in capsys.readouterr().out

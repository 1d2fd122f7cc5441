"""QuotaAutomation is composed of parts, and a stack deployed before the split is updated in
place: the same resources, each reachable from its old URN (a table replaced is a table
emptied). The URNs before the split were recorded from the single-component automation
(``fixtures/urns_before_split.json``)."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pytest

from quotapilot.components.automation import TYPE
from quotapilot.components.part import TYPE_PREFIX, resource_options
from quotapilot.gate.program import read_plan

ROOT = Path(__file__).resolve().parents[2]
BEFORE = json.loads((Path(__file__).parent / "fixtures" / "urns_before_split.json").read_text())


@pytest.fixture(scope="module", params=sorted(BEFORE))
def planned(request):
    stack = request.param
    plan = read_plan(ROOT / "stacks", stack)
    return plan, {(r["type"], r["name"]): r["urn"] for r in BEFORE[stack]}


def test_the_same_resources_are_planned(planned):
    plan, before = planned
    custom = {(r.type, r.name) for r in plan.resources}
    assert custom == {key for key in before if key[0] != TYPE}
    [automation] = [c for c in plan.components if c.type == TYPE]
    assert automation.urn == before[(TYPE, automation.name)]


def test_every_moved_resource_is_aliased_to_its_urn_under_the_automation(planned):
    plan, before = planned
    moved = [r for r in plan.resources if r.urn != before[(r.type, r.name)]]
    assert moved  # the parts hold the resources now
    for resource in moved:
        old = before[(resource.type, resource.name)]
        assert old in resource.aliases, resource.name
        assert old.split("::")[2] == f"{TYPE}${resource.type}"  # the automation was the parent


def test_no_old_urn_is_left_without_its_resource(planned):
    """Every URN of the deployed stack is claimed by one planned resource: the engine
    carries each over, and deletes nothing."""
    plan, before = planned
    claims: dict[str, list[str]] = {}
    for resource in plan.resources:
        for urn in {resource.urn, *resource.aliases} & set(before.values()):
            claims.setdefault(urn, []).append(resource.name)
    olds = {urn for (type_, _), urn in before.items() if type_ != TYPE}
    assert set(claims) == olds
    assert all(len(names) == 1 for names in claims.values()), claims


def test_the_parts_are_components_of_the_automation(planned):
    plan, _ = planned
    [automation] = [c for c in plan.components if c.type == TYPE]
    parts = [c for c in plan.components if c.type != TYPE]
    assert {p.type.removeprefix(TYPE_PREFIX) for p in parts} == {
        "Tables",
        "Messaging",
        "Artifacts",
        "Functions",
        "ApprovalWorkflow",
        "EventRouting",
        "Observability",
    }
    assert all(p.parent == automation.urn for p in parts)
    assert all(p.name.startswith(f"{automation.name}-") for p in parts)
    # nothing lives in a part without being a part's resource, or under the stack itself
    homes = {automation.urn, *(p.urn for p in parts)}
    assert all(r.parent in homes for r in plan.resources)


def test_resources_in_a_part_alias_the_parts_parent():
    """The unit the plan tests rest on: the options a part gives its resources."""

    class Stub(pulumi.Resource):
        def __init__(self) -> None:  # a stand-in, never registered
            pass

    automation, part = Stub(), Stub()
    opts = resource_options(part, pulumi.ResourceOptions(parent=automation))
    assert opts.parent is part
    [alias] = opts.aliases
    assert isinstance(alias, pulumi.Alias) and alias.parent is automation
    assert resource_options(part, None).aliases is None  # a part on its own: nothing moved

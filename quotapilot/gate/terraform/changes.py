"""A Terraform plan's resource changes as the planned resources the gate counts.

Each change gives the resource before and after it (Terraform's documented change
representation). What the plan adds is counted from ``after``, what it frees from
``before``, so that the check sees the difference:

- create: ``after`` counts; delete: ``before`` is freed;
- update, and replace that deletes first (``["delete", "create"]``): ``after`` counts and
  ``before`` is freed, so a change of instance type adds only the difference;
- replace that creates first (``["create", "delete"]``): both exist while it runs, so
  ``after`` counts and nothing is freed until it is done;
- no-op: unchanged, counted on neither side, but visible to the rules' look-ups (an Auto
  Scaling group created in the plan may launch from a template that already exists);
- read (data sources) and forget (no longer managed, not destroyed): neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quotapilot.catalogue.gcp.refs import zone_region
from quotapilot.catalogue.props import UNKNOWN
from quotapilot.catalogue.terraform_names import pulumi_type
from quotapilot.catalogue.terraform_schema import ABSENT, is_block, schema_of, to_pulumi
from quotapilot.domain import PlannedResource
from quotapilot.gate.program import Plan
from quotapilot.gate.terraform.config import Configuration

#: Blocks a provider computes from other resources when the configuration sets none: unset,
#: they are absent (as in ``pulumi preview``), not unknown (security group rules written as
#: aws_vpc_security_group_ingress_rule resources show up in the group's ``ingress``).
COMPUTED_BLOCKS = {"aws_security_group": ("ingress", "egress")}
#: Plan keys the Rego input carries besides quotapilot's own, so that a team's conftest rules
#: for plan JSON run on the same document.
PLAN_KEYS = (
    "format_version",
    "terraform_version",
    "variables",
    "planned_values",
    "resource_changes",
    "resource_drift",
    "output_changes",
    "prior_state",
    "configuration",
    "relevant_attributes",
)


@dataclass
class TerraformPlan(Plan):
    """A plan read from ``terraform show -json`` (``project`` is the file)."""

    #: Before-values of what the plan deletes, updates or replaces delete-first.
    freed: list[PlannedResource] = field(default_factory=list)
    #: What the plan leaves unchanged (no-op): for look-ups, never counted.
    existing: list[PlannedResource] = field(default_factory=list)
    #: The plan's own keys, merged into the Rego input.
    document: dict[str, Any] = field(default_factory=dict)


def build_plan(document: dict[str, Any], where: str, config: dict[str, str]) -> TerraformPlan:
    plan = TerraformPlan(where, "", config)
    plan.document = {k: document[k] for k in PLAN_KEYS if k in document}
    managed = [c for c in document["resource_changes"] if c.get("mode", "managed") == "managed"]
    addresses = {c["address"] for c in managed if "create" in c["change"]["actions"]}
    addresses |= {c["address"] for c in managed if c["change"]["actions"] == ["no-op"]}
    addresses |= {c["address"] for c in managed if c["change"]["actions"] == ["update"]}
    configuration = Configuration(document, addresses)
    for change in managed:
        if change.get("deposed"):
            # A deposed object (left by an interrupted create-before-destroy) still exists
            # and is being destroyed: freed, and never a target of references.
            if "delete" in change["change"]["actions"]:
                plan.freed.append(_before(change, configuration))
            continue
        actions = change["change"]["actions"]
        if actions == ["no-op"]:
            plan.existing.append(_after(change, configuration))
        elif "create" in actions or actions == ["update"]:
            plan.resources.append(_after(change, configuration))
        if actions in (["delete"], ["update"], ["delete", "create"]):
            plan.freed.append(_before(change, configuration))
    return plan


def _before(change: dict[str, Any], configuration: Configuration) -> PlannedResource:
    """The object as it is now: fully known. Its URN and name are kept apart from the new
    object's, so that look-ups in the old world never find the new one."""
    values = change["change"].get("before") or {}
    resource = _resource(change, values, configuration, lambda path, spec: UNKNOWN)
    label = f"{change['address']} (before)"
    return _replace(resource, name=label, urn=label)


def _after(change: dict[str, Any], configuration: Configuration) -> PlannedResource:
    body = change["change"]
    values = _merge_unknown(body.get("after") or {}, body.get("after_unknown"))
    block = configuration.resource(change)
    expressions = None if block is None else (block.get("expressions") or {})
    computed = COMPUTED_BLOCKS.get(change["type"], ())

    def resolve(path: tuple, spec: Any) -> Any:
        # An unknown value is known after apply; what the configuration says decides what
        # the gate makes of it.
        expression = _expression_at(expressions, path)
        if expression is _MISSING:
            # Not set in the configuration: the provider's default, absent in Pulumi too. A
            # block may come from a `dynamic` block, which the configuration omits: unknown.
            return ABSENT if not is_block(spec) or path[0] in computed else UNKNOWN
        references = expression.get("references") if isinstance(expression, dict) else None
        if references:
            target = configuration.target(
                references, change.get("module_address") or "", change.get("index")
            )
            if target:
                return target
        return UNKNOWN

    return _resource(change, values, configuration, resolve, block)


def _resource(change, values, configuration, resolve, block=None) -> PlannedResource:
    token = pulumi_type(change["type"])
    properties = to_pulumi(values, schema_of(token) if token else None, resolve)
    settings = configuration.provider_settings(change, block or configuration.resource(change))
    own_id = values.get("id")
    return PlannedResource(
        type=token or change["type"],
        name=change["address"],
        urn=change["address"],
        id=own_id if isinstance(own_id, str) else "",
        properties=properties,
        provider=change.get("provider_name"),
        region=_region(change["type"], properties, settings),
    )


def _region(terraform_type: str, properties: dict[str, Any], settings: dict) -> str | None:
    if terraform_type.startswith("aws_"):
        own = properties.get("region")  # AWS provider 6 takes a region per resource
        return own if isinstance(own, str) and own else settings.get("region")
    return settings.get("region") or zone_region(settings.get("zone"))


def _replace(resource: PlannedResource, **changes: Any) -> PlannedResource:
    from dataclasses import replace

    return replace(resource, **changes)


def _merge_unknown(value: Any, unknown: Any) -> Any:
    """``after`` with each value ``after_unknown`` marks as unknown set to UNKNOWN."""
    if unknown is True:
        return UNKNOWN
    if isinstance(unknown, dict):
        base = dict(value) if isinstance(value, dict) else {}
        for key, marks in unknown.items():
            merged = _merge_unknown(base.get(key), marks)
            if merged is not None or key in base:
                base[key] = merged
        return base
    if isinstance(unknown, list):
        base_list = list(value) if isinstance(value, list) else []
        for index, marks in enumerate(unknown):
            if index < len(base_list):
                base_list[index] = _merge_unknown(base_list[index], marks)
            else:
                base_list.append(_merge_unknown(None, marks))
        return base_list
    return value


class _Missing:
    pass


_MISSING = _Missing()


def _expression_at(expressions: Any, path: tuple) -> Any:
    """The configuration's expression for the value at ``path``: an expression object, the
    block holding it, or _MISSING when the configuration doesn't set it. Without the
    configuration nothing can be told apart, and the value stays unknown."""
    if expressions is None:
        return {}
    current: Any = expressions
    for step in path:
        if _is_expression(current):
            return current  # an attribute's expression covers everything inside it
        if isinstance(step, int):
            if isinstance(current, list):
                if step < len(current):
                    current = current[step]
                elif len(current) == 1:
                    current = current[0]
                else:
                    return {}
            continue
        if isinstance(current, list):  # a block list whose item we can't align
            current = current[0] if len(current) == 1 else {}
            if current == {}:
                return {}
        if not isinstance(current, dict) or step not in current:
            return _MISSING
        current = current[step]
    return current


def _is_expression(value: Any) -> bool:
    keys = {"constant_value", "references"}
    return isinstance(value, dict) and bool(value) and set(value) <= keys

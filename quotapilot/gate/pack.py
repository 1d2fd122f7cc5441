"""The CrossGuard policy pack: the same check, inside ``pulumi preview --policy-pack``.

``policies/__main__.py`` only calls :func:`serve`. Two stack policies share one check per
preview: ``quota-gate`` (mandatory: blocking findings) and ``quota-gate-advisories``
(advisory: warnings). The pack is configured with ``--policy-pack-config``; see
:data:`CONFIG_SCHEMA` (and the README's "Policy pack configuration").
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from quotapilot.domain import PlannedResource
from quotapilot.gate import settings

GATE = "quota-gate"
ADVISORIES = "quota-gate-advisories"

CONFIG_PROPERTIES: dict[str, dict[str, Any]] = {
    "serving": {
        "type": "string",
        "description": "Serving quotas: a snapshot file, aws, aws:REGION[,REGION] or gcp:PROJECT",
    },
    "baseline": {"type": "string", "description": "Load-test quotas to compare (same forms)"},
    "buffer_pct": {"type": "number", "minimum": 0, "maximum": 99, "default": settings.BUFFER_PCT},
    "low_headroom_pct": {
        "type": "number",
        "minimum": 0,
        "maximum": 100,
        "default": settings.LOW_HEADROOM_PCT,
    },
    "strict": {
        "type": "boolean",
        "default": False,
        "description": "Unknown quotas or demands block instead of warn",
    },
    "opa_url": {"type": "string", "description": "Evaluate the Rego on this OPA server"},
    "watch": {
        "type": "array",
        "items": {"type": "string"},
        "description": "More quotas to check for regression, PROVIDER:SERVICE/CODE@REGION",
    },
    "extra_policies": {
        "type": "array",
        "items": {"type": "string"},
        "description": "Team .rego files or directories",
    },
    "aws_region": {
        "type": "string",
        "description": "Region for resources whose provider names none",
    },
    "gcp_region": {"type": "string"},
    "gcp_project": {"type": "string"},
}

_cache: dict[str, Any] = {}


def _raw(value: Any) -> Any:
    """A property value with the analyzer's unknown markers turned into catalogue UNKNOWN."""
    from pulumi_policy import proxy

    from quotapilot.catalogue import UNKNOWN

    is_unknown = getattr(proxy, "_is_unknown", lambda v: False)
    if hasattr(value, "__getitem__") and not isinstance(value, str | bytes | list | dict):
        with contextlib.suppress(KeyError, TypeError, IndexError):
            value = value["__target"]  # the unknown-checking proxy's raw value
    if isinstance(value, str) and is_unknown(value):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _raw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_raw(v) for v in value]
    return value


def planned(resource: Any) -> PlannedResource:
    """A CrossGuard PolicyResource as the catalogue reads resources."""
    props = _raw(resource.props)
    # During a preview a new resource's id is unknown, so a reference to it (an Auto Scaling
    # group's launch template id) is unknown too; the engine still says which resource the
    # property depends on. With exactly one dependency, point the unknowns at its URN so the
    # catalogue's plan lookup finds it.
    for name, dependencies in (getattr(resource, "property_dependencies", None) or {}).items():
        if name in props and len(dependencies) == 1:
            props[name] = _point_unknowns(props[name], dependencies[0].urn)
    region = None
    provider = getattr(resource, "provider", None)
    if provider is not None:
        provider_props = _raw(provider.props)
        given = provider_props.get("region")
        region = given if isinstance(given, str) and given else None
        if region is None and resource.resource_type.startswith("gcp:"):
            from quotapilot.catalogue.gcp.refs import zone_region

            region = zone_region(provider_props.get("zone"))
    if resource.resource_type.startswith("aws:") and isinstance(props.get("region"), str):
        region = props["region"]
    return PlannedResource(
        type=resource.resource_type,
        name=resource.name,
        urn=resource.urn,
        id=props.get("id") if isinstance(props.get("id"), str) else "",
        properties=props,
        parent=getattr(resource.parent, "urn", None),
        region=region,
    )


def _point_unknowns(value: Any, urn: str) -> Any:
    from quotapilot.catalogue import UNKNOWN

    if value is UNKNOWN:
        return urn
    if isinstance(value, dict):
        return {k: _point_unknowns(v, urn) for k, v in value.items()}
    if isinstance(value, list):
        return [_point_unknowns(v, urn) for v in value]
    return value


def _jsonable(value: Any) -> Any:
    from quotapilot.catalogue import UNKNOWN

    if value is UNKNOWN:
        return "<unknown>"
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _resolve(spec: str) -> str:
    """Snapshot paths are relative to the pack's directory unless absolute."""
    spec = os.path.expandvars(spec)
    if ":" in spec.split("/", 1)[0] or spec in ("aws", "gcp"):
        return spec
    path = Path(spec)
    return str(path if path.is_absolute() else Path.cwd() / path)


def check_stack(resources: list[PlannedResource], config: dict[str, Any]):
    from quotapilot.gate.check import parse_key, run_check
    from quotapilot.sources import open_source

    if not config.get("serving"):
        from quotapilot.exceptions import ConfigurationError

        raise ConfigurationError("the policy pack needs 'serving' in --policy-pack-config")
    # Keyed on content, not on URNs: the same resources with other properties (a bigger
    # instance type) are another plan.
    key = json.dumps(
        [
            sorted(
                ([r.urn, r.type, r.region, _jsonable(r.properties)] for r in resources),
                key=lambda row: row[0],
            ),
            config,
        ],
        sort_keys=True,
        default=str,
    )
    if _cache.get("key") == key:
        return _cache["result"]
    result = run_check(
        resources,
        open_source(_resolve(config["serving"])),
        baseline=open_source(_resolve(config["baseline"])) if config.get("baseline") else None,
        regions={"aws": config.get("aws_region"), "gcp": config.get("gcp_region")},
        buffer=float(config.get("buffer_pct", settings.BUFFER_PCT)) / 100,
        low_headroom_pct=float(config.get("low_headroom_pct", settings.LOW_HEADROOM_PCT)),
        strict=bool(config.get("strict", False)),
        watch=[parse_key(text) for text in config.get("watch", [])],
        policies=[_resolve(p) for p in config.get("extra_policies", [])],
        opa_url=config.get("opa_url"),
        project=config.get("gcp_project", ""),
    )
    _cache.update(key=key, result=result)
    return result


def _report(blocking: bool):
    from quotapilot.exceptions import QuotapilotError

    def validate(args, report_violation) -> None:
        config = dict(args.get_config() or {})
        if not config and not blocking:
            return  # the mandatory policy reports the missing configuration
        try:
            result = check_stack([planned(r) for r in args.resources], config)
        except QuotapilotError as error:
            # Misconfiguration blocks: a gate that silently passes is worse than none.
            if blocking:
                report_violation(f"quotapilot can't check this stack: {error}", None)
            return
        for finding in result.findings:
            if finding.blocks == blocking:
                fix = f" Fix: {finding.remedy.command}" if finding.remedy else ""
                report_violation(f"[{finding.kind}] {finding.message}.{fix}", None)

    return validate


def build_policies():
    from pulumi_policy import EnforcementLevel, PolicyConfigSchema, StackValidationPolicy

    schema = PolicyConfigSchema(properties=CONFIG_PROPERTIES)
    return [
        StackValidationPolicy(
            name=GATE,
            description="Production's quotas hold this change, and have not "
            "regressed below the load-test environment's.",
            enforcement_level=EnforcementLevel.MANDATORY,
            validate=_report(True),
            config_schema=schema,
        ),
        StackValidationPolicy(
            name=ADVISORIES,
            description="Quotas left with little headroom, and quotas or "
            "demands that could not be determined.",
            enforcement_level=EnforcementLevel.ADVISORY,
            validate=_report(False),
            config_schema=schema,
        ),
    ]


def serve() -> None:
    """Start the analyzer (prints its port and serves until the CLI stops it)."""
    from pulumi_policy import PolicyPack

    PolicyPack(
        name="quotapilot",
        policies=build_policies(),
        description="quotapilot: block previews production's quotas can't hold",
    )

"""Reading a deployed stack's resources from ``pulumi stack export`` JSON.

The export's ``deployment.resources`` lists every resource with its type, URN, inputs and
outputs; explicit and default providers are resources too (``pulumi:providers:aws``), and a
resource names its provider as ``<provider urn>::<provider id>``. A resource's region is its
provider's ``region`` input, which is how the deployed state records it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from quotapilot.domain import PlannedResource
from quotapilot.exceptions import InputError

_SKIPPED_TYPES = ("pulumi:pulumi:Stack",)


def read_export(path: str | Path) -> list[PlannedResource]:
    """The custom resources of a stack export, with their deployed properties and region."""
    where = str(path)
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"), parse_constant=_finite_only)
    except FileNotFoundError:
        raise InputError("no such file", path=where) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"can't read it: {error}", path=where) from None
    except json.JSONDecodeError as error:
        raise InputError(f"not JSON: {error.msg} at line {error.lineno}", path=where) from None
    except RecursionError:
        raise InputError("nested too deeply to be a stack export", path=where) from None
    except ValueError as error:  # NaN or Infinity: no deployed property holds one
        raise InputError(str(error), path=where) from None
    return parse_export(document, where)


def _finite_only(name: str) -> None:
    raise ValueError(f"{name} is not a number a stack export holds")


def parse_export(document: Any, where: str = "<export>") -> list[PlannedResource]:
    if not isinstance(document, dict) or not isinstance(document.get("deployment"), dict):
        raise InputError("not a `pulumi stack export` document (no deployment object)", path=where)
    raw = document["deployment"].get("resources")
    if raw is None:  # a stack with no resources exports none
        raw = []
    if not isinstance(raw, list):
        raise InputError("must be a list", path=where, field="deployment.resources")
    entries: list[dict[str, Any]] = []
    for index, entry in enumerate(raw):
        entry_name = f"deployment.resources[{index}]"
        if not isinstance(entry, dict):
            raise InputError("must be an object", path=where, entry=entry_name)
        for required in ("urn", "type"):
            if not isinstance(entry.get(required), str) or not entry[required]:
                raise InputError(
                    "missing or not a string", path=where, entry=entry_name, field=required
                )
        entries.append(entry)
    regions = {
        f"{e['urn']}::{e.get('id', '')}": (e.get("inputs") or {}).get("region")
        for e in entries
        if e["type"].startswith("pulumi:providers:")
    }
    resources = []
    for entry in entries:
        if entry["type"] in _SKIPPED_TYPES or entry["type"].startswith("pulumi:providers:"):
            continue
        if entry.get("custom") is False or entry.get("delete"):
            continue  # components own no cloud resources; pending deletes are going away
        properties = {**(entry.get("inputs") or {}), **(entry.get("outputs") or {})}
        region = regions.get(entry.get("provider") or "")
        resources.append(
            PlannedResource(
                type=entry["type"],
                name=entry["urn"].rsplit("::", 1)[-1],
                urn=entry["urn"],
                id=str(entry.get("id") or ""),
                properties=properties,
                parent=entry.get("parent"),
                provider=entry.get("provider"),
                region=region if isinstance(region, str) and region else None,
            )
        )
    return resources

"""Reading ``terraform show -json`` output: the checks that make a bad file one clear line.

A plan file written by ``terraform plan -out`` is a zip archive that only Terraform reads;
the gate reads its JSON rendering (Terraform's documented "JSON Output Format"). Anything
else, a state file included, is refused with the command that produces the right file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from quotapilot.exceptions import InputError

HOW = "write the plan's JSON with `terraform show -json tfplan > plan.json` and pass that"
#: Deeper than any provider's schema nests; deeper input would only exhaust the recursion of
#: the code that walks it (and of the Rego evaluator).
MAX_DEPTH = 128
#: Major versions of the JSON format this reader understands (0.x: Terraform 0.12 to 1.0).
SUPPORTED_MAJOR = ("0", "1")


def load_plan(path: str | Path) -> dict[str, Any]:
    """The plan document at ``path``, checked enough that later code can trust its shape."""
    where = str(path)
    file = Path(path)
    try:
        if file.is_dir():
            raise InputError(f"is a directory, not a plan: {HOW}", path=where)
        raw = file.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=where) from None
    except OSError as error:
        raise InputError(f"can't read it: {error.strerror or error}", path=where) from None
    if not raw.strip():
        raise InputError(f"is empty: {HOW}", path=where)
    if raw.startswith(b"PK\x03\x04"):
        raise InputError(
            f"is a binary plan file (terraform plan -out), not JSON: {HOW}", path=where
        )
    try:
        text = raw.decode("utf-8")
        document = json.loads(text, parse_constant=_finite_only)
    except UnicodeDecodeError:
        raise InputError(f"is not UTF-8 text, so not plan JSON: {HOW}", path=where) from None
    except json.JSONDecodeError as error:
        raise InputError(
            f"is not JSON ({error.msg} at line {error.lineno}): {HOW}", path=where
        ) from None
    except RecursionError:
        raise InputError("is nested too deeply to be a Terraform plan", path=where) from None
    except ValueError as error:  # NaN or Infinity: Terraform never writes them
        raise InputError(f"{error}: {HOW}", path=where) from None
    if _depth(document) > MAX_DEPTH:
        raise InputError("is nested too deeply to be a Terraform plan", path=where)
    check_plan(document, where)
    return document


def _depth(document: Any) -> int:
    """How deep ``document`` nests, counted without recursion."""
    deepest = 0
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            values = list(value.values())
        elif isinstance(value, list):
            values = value
        else:
            continue
        deepest = max(deepest, depth)
        if depth <= MAX_DEPTH:
            stack.extend((item, depth + 1) for item in values)
    return deepest


def _finite_only(name: str) -> None:
    raise ValueError(f"holds {name}, which is not a number Terraform writes")


def check_plan(document: Any, where: str) -> None:
    if not isinstance(document, dict):
        raise InputError(f"is JSON but not a Terraform plan (not an object): {HOW}", path=where)
    version = document.get("format_version")
    if "values" in document and "resource_changes" not in document:
        raise InputError(
            f"is Terraform state (terraform show -json without a plan), not a plan: {HOW}",
            path=where,
        )
    planned = "resource_changes" in document or "planned_values" in document
    if not isinstance(version, str) or not planned:
        raise InputError(f"is JSON but not a Terraform plan (no format_version): {HOW}", path=where)
    if version.split(".")[0] not in SUPPORTED_MAJOR:
        raise InputError(
            f"has format_version {version!r}; quotapilot reads Terraform's JSON format 0.x and 1.x",
            path=where,
        )
    changes = document.get("resource_changes")
    if changes is None:
        document["resource_changes"] = changes = []
    if not isinstance(changes, list):
        raise InputError("must be a list", path=where, field="resource_changes")
    for index, change in enumerate(changes):
        _check_change(change, where, f"resource_changes[{index}]")
    for key in ("configuration", "variables", "prior_state"):
        if document.get(key) is not None and not isinstance(document[key], dict):
            raise InputError("must be an object", path=where, field=key)


def _check_change(change: Any, where: str, entry: str) -> None:
    if not isinstance(change, dict):
        raise InputError("must be an object", path=where, entry=entry)
    for field in ("address", "type", "name"):
        if not isinstance(change.get(field), str) or not change[field]:
            raise InputError("missing or not a string", path=where, entry=entry, field=field)
    body = change.get("change")
    if not isinstance(body, dict):
        raise InputError("missing or not an object", path=where, entry=entry, field="change")
    actions = body.get("actions")
    if (
        not isinstance(actions, list)
        or not actions
        or not all(isinstance(a, str) and a for a in actions)
    ):
        raise InputError(
            "must be a list of action names", path=where, entry=entry, field="change.actions"
        )
    for side in ("before", "after"):
        value = body.get(side)
        if value is not None and not isinstance(value, dict):
            raise InputError("must be an object or null", path=where, entry=entry, field=side)

"""Terraform argument values as the Pulumi properties the rules read.

The bridge renames arguments (``instance_type`` -> ``instanceType``), pluralises list blocks
(``network_interface`` -> ``networkInterfaces``) and flattens blocks of at most one item: a
Terraform plan gives ``launch_template = [{id, version}]`` where Pulumi has an object
``launchTemplate: {id, version}``. Which blocks are flattened, which are lists and which values
are maps (whose keys are data, never renamed) is read from the Pulumi SDKs' own type
declarations, for the types the gate reads, into ``data/terraform_schema.json``
(:func:`generate`; a test regenerates it and fails when the installed SDKs disagree).

A schema object maps each Pulumi property name to 0 (a scalar, or a list of scalars),
``"map"``, ``["one", object]`` (a flattened block) or ``["list", object]``.
"""

from __future__ import annotations

import collections.abc
import importlib
import json
import typing
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from quotapilot.catalogue.props import UNKNOWN
from quotapilot.catalogue.terraform_names import camel, mapped_types

SCHEMA_FILE = Path(__file__).parent / "data" / "terraform_schema.json"
#: Deep enough for every path a rule reads (Cloud Run v1 is six levels down).
MAX_DEPTH = 7

Schema = dict[str, Any]


@cache
def schemas() -> dict[str, Schema]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def schema_of(token: str) -> Schema | None:
    return schemas().get(token)


def property_name(key: str, schema: Schema | None) -> str:
    """The Pulumi name of the Terraform argument ``key`` in an object of ``schema``: its
    camelCase, else the plural the bridge gives list blocks (``tag`` -> ``tags``)."""
    name = camel(key)
    if not schema or name in schema:
        return name
    plurals = (name + "s", name + "es", name[:-1] + "ies" if name.endswith("y") else "")
    return next((p for p in plurals if p and p in schema), name)


#: Called for a value Terraform leaves unknown: the replacement (or the value unchanged).
Resolver = Callable[[tuple, Any], Any]


def to_pulumi(value: Any, schema: Schema | None, resolve: Resolver, path: tuple = ()) -> Any:
    """``value`` (a Terraform object, unknowns as :data:`UNKNOWN`) in Pulumi's shape.

    ``resolve(path, spec)`` decides what an unknown at ``path`` (Terraform keys and indexes)
    becomes; a result of :data:`ABSENT` drops it, as an unset input is absent in Pulumi.
    """
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = property_name(str(key), schema)
        spec = schema.get(name, 0) if schema else None
        converted = _convert(item, spec, resolve, (*path, key))
        if converted is not ABSENT:
            out[name] = converted
    return out


def _convert(value: Any, spec: Any, resolve: Resolver, path: tuple) -> Any:
    if value is UNKNOWN:
        return resolve(path, spec)
    if spec == "map" or (spec == 0 and not _holds_unknown(value)):
        return value  # map keys are data; scalars pass through
    if isinstance(spec, list):
        kind, inner = spec
        if isinstance(value, list):
            items = [
                _convert_object(item, inner, resolve, (*path, index))
                for index, item in enumerate(value)
            ]
            if kind == "one":
                return items[0] if len(items) == 1 else (items or None)
            return items
        return _convert_object(value, inner, resolve, path)
    if isinstance(value, list):
        return [_convert(item, spec, resolve, (*path, i)) for i, item in enumerate(value)]
    if isinstance(value, dict):
        # A type the schema doesn't cover: rename keys the way the bridge does.
        return to_pulumi(value, None, resolve, path)
    return value


def _convert_object(value: Any, schema: Schema, resolve: Resolver, path: tuple) -> Any:
    if value is UNKNOWN:
        return resolve(path, ["one", schema])
    if isinstance(value, dict):
        return to_pulumi(value, schema, resolve, path)
    return value


def _holds_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(_holds_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_unknown(v) for v in value)
    return False


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


#: What a resolver returns to drop an unknown value (an unset input Terraform computes).
ABSENT = _Absent()


# Generation from the installed SDKs --------------------------------------------------------


def _sdk_class(token: str) -> type:
    package, module_path, name = token.split(":")
    module = module_path.split("/")[0]
    for path in (f"pulumi_{package}.{module}", f"pulumi_{package}.{module}_"):  # lambda_
        try:
            return getattr(importlib.import_module(path), name)
        except ModuleNotFoundError:
            continue
    raise LookupError(f"no SDK class for {token}")


def _describe(kind: Any, depth: int) -> Any:
    while typing.get_origin(kind) is typing.Union:
        members = [m for m in typing.get_args(kind) if m is not type(None)]
        kind = members[0] if members else str
    origin = typing.get_origin(kind)
    if origin in (dict, collections.abc.Mapping):
        return "map"
    if origin in (list, collections.abc.Sequence):
        (item,) = typing.get_args(kind) or (str,)
        inner = _describe(item, depth)
        return ["list", inner[1]] if isinstance(inner, list) else 0
    if isinstance(kind, type) and hasattr(kind, "_pulumi_output_type"):
        return ["one", _object(kind, depth + 1)]
    return 0


def _object(cls: type, depth: int) -> Schema:
    from pulumi import _types

    if depth > MAX_DEPTH:
        return {}
    fields = _types._types_from_py_properties(cls)
    return {name: _describe(kind, depth) for name, kind in sorted(fields.items())}


def generate(tokens: typing.Iterable[str] | None = None) -> dict[str, Schema]:
    """Each type's schema, read from the installed pulumi-aws and pulumi-gcp."""
    return {token: _object(_sdk_class(token), 0) for token in sorted(tokens or mapped_types())}


def write(path: Path = SCHEMA_FILE) -> None:
    """Regenerate the schema file (``python -m quotapilot.catalogue.terraform_schema``)."""
    text = json.dumps(generate(), sort_keys=True, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def lookup(schema: Schema | None, path: tuple) -> Any:
    """The spec at a Terraform ``path`` (keys and indexes) in ``schema``; None if unknown."""
    spec: Any = ["one", schema] if schema is not None else None
    for step in path:
        if isinstance(step, int):
            continue
        if not isinstance(spec, list):
            return None
        inner = spec[1]
        spec = inner.get(property_name(step, inner))
    return spec


def is_block(spec: Any) -> bool:
    return isinstance(spec, list)


__all__ = ["ABSENT", "is_block", "lookup", "schema_of", "to_pulumi", "write"]


def _main() -> None:  # pragma: no cover - a maintainer's command
    write()


if __name__ == "__main__":  # pragma: no cover
    _main()

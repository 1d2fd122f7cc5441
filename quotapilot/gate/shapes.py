"""The provider SDKs' own type declarations, read to give mock answers the right shape.

A Pulumi provider package declares, for every resource and data source, the type of each
output (``pulumi_aws.ec2.Instance.arn`` is ``Output[str]``, ``GetVpcResult.cidr_block`` is
``str``). The mocks use them two ways: an input echoed back as an output takes the output's
type (a policy given as a dict comes back as the JSON string the provider returns), and a
data source the gate has no answer for gets a stand-in of the declared shape, so that the
program runs on and the lookup is reported instead of crashing the run.
"""

from __future__ import annotations

import collections.abc
import hashlib
import importlib
import json
import typing
from functools import cache
from typing import Any

_MAX_DEPTH = 4


@cache
def declared_class(token: str, suffix: str = "") -> type | None:
    """The SDK class behind ``token``: a resource class, or a function's result class
    (``suffix="Result"``); None when the package or the class can't be found."""
    try:
        package, module, name = token.split(":")
    except ValueError:
        return None
    root = "pulumi_" + package.replace("-", "_")
    module = module.split("/")[0]
    paths = [root] if module == "index" else [f"{root}.{module}", f"{root}.{module}_"]
    class_name = (name[:1].upper() + name[1:] + suffix) if suffix else name
    for path in paths:
        try:
            found = importlib.import_module(path)
        except ImportError:
            continue
        cls = getattr(found, class_name, None)
        if isinstance(cls, type):
            return cls
    return None


@cache
def declared_outputs(token: str, suffix: str = "") -> dict[str, Any]:
    """Wire name -> declared Python type of each output of ``token``."""
    from pulumi import _types

    cls = declared_class(token, suffix)
    if cls is None:
        return {}
    try:
        return dict(_types._types_from_py_properties(cls))
    except Exception:  # an SDK whose annotations don't resolve: no coercion, no stand-ins
        return {}


def coerce(value: Any, declared: Any) -> Any:
    """``value`` as the provider would return it for an output declared as ``declared``."""
    kind = _unwrap(declared)
    if _holds_unknown(value):
        return value  # not known until apply: stays unknown, whatever its declared type
    if kind is str:
        if isinstance(value, dict | list):
            return json.dumps(value, separators=(",", ":"))
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(int(value)) if float(value).is_integer() else str(value)
    elif kind in (int, float) and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if kind is int and number.is_integer() else number
    elif kind is bool and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _holds_unknown(value: Any) -> bool:
    from pulumi.output import Unknown

    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(_holds_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_unknown(v) for v in value)
    return False


def stand_in(token: str, args: dict[str, Any], region: str, account: str) -> dict[str, Any]:
    """A plausible answer of the declared shape for data source ``token``."""
    outputs = declared_outputs(token, "Result")
    seed = f"{token}:{json.dumps(args, sort_keys=True, default=str)}"
    zone = f"{region}-a" if token.startswith("gcp:") else f"{region}a"
    where = _Where(seed, region, zone, account)
    return {name: _value(name, kind, args.get(name), where, 0) for name, kind in outputs.items()}


class _Where(typing.NamedTuple):
    seed: str
    region: str
    zone: str
    account: str


def _unwrap(kind: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin is typing.Union:
        members = [m for m in typing.get_args(kind) if m is not type(None)]
        return _unwrap(members[0]) if members else kind
    return kind


def _value(name: str, kind: Any, given: Any, where: _Where, depth: int) -> Any:
    kind = _unwrap(kind)
    if given is not None and not isinstance(given, dict | list):
        return coerce(given, kind)
    origin = typing.get_origin(kind)
    if origin in (list, collections.abc.Sequence, typing.Sequence):
        (item,) = typing.get_args(kind) or (str,)
        count = 3 if name.lower().endswith(("ids", "names", "zones")) else 1
        if depth >= _MAX_DEPTH:
            return []
        singular = name.rstrip("s")
        return [
            _value(singular, item, None, where._replace(seed=f"{where.seed}:{i}"), depth + 1)
            for i in range(count)
        ]
    if origin in (dict, collections.abc.Mapping, typing.Mapping):
        return given if isinstance(given, dict) else {}
    if isinstance(kind, type) and hasattr(kind, "_pulumi_output_type"):
        if depth >= _MAX_DEPTH:
            return {}
        from pulumi import _types

        fields = _types._types_from_py_properties(kind)
        return {field: _value(field, sub, None, where, depth + 1) for field, sub in fields.items()}
    if kind is bool:
        return False
    if kind is int:
        return 1
    if kind is float:
        return 1.0
    return _text(name, where)


def _text(name: str, where: _Where) -> str:
    digest = hashlib.sha256(f"{where.seed}:{name}".encode()).hexdigest()[:8]
    region, account = where.region, where.account
    lowered = name.lower()
    if lowered.endswith("arn"):
        return f"arn:aws:standin:{region}:{account}:{name}-{digest}"
    if "cidr" in lowered:
        return "10.0.0.0/16"
    if lowered in ("region", "location"):
        return region
    if lowered.endswith(("accountid", "ownerid")):
        return account
    if lowered.endswith("zone"):
        return where.zone
    return f"{name}-{digest}"

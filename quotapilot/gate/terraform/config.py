"""The plan's ``configuration``: provider settings, each resource's expressions, and what a
reference in them points at.

Values known only after apply are unknown in a plan, but the configuration still says where
they come from: ``subnet_id = aws_subnet.public.id`` lists ``aws_subnet.public`` among its
references. The rules look resources up by the references they hold (an Auto Scaling group's
launch template, a subnet's VPC), so an unknown reference is replaced by the address of the
resource it names, which the plan's resources carry as their URN.
"""

from __future__ import annotations

import re
from typing import Any

#: ``module.app[0]`` -> ``app``: module calls in an address, without their instance keys.
_MODULE = re.compile(r'module\.([^.\[]+)(\[(?:"[^"]*"|[^\]]*)\])?')
#: A reference to a managed resource: ``aws_subnet.public[0].id`` -> type, name, key.
_RESOURCE = re.compile(r'^([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)(\[(?:"[^"]*"|[^\]]*)\])?')
#: A module output: ``module.vpc.vpc_id``, ``module.app[0].id`` -> name, key, output.
_OUTPUT = re.compile(r'^module\.([^.\[]+)(\[(?:"[^"]*"|[^\]]*)\])?\.([A-Za-z_][\w-]*)')
_NOT_RESOURCES = ("var", "local", "count", "each", "path", "data", "self", "terraform", "module")
#: How many module outputs deep a reference is followed.
_MAX_HOPS = 8


def module_calls(module_address: str) -> list[str]:
    return [name for name, _ in _MODULE.findall(module_address or "")]


class Configuration:
    """Look-ups in one plan's ``configuration`` and ``variables``."""

    def __init__(self, plan: dict[str, Any], addresses: set[str]) -> None:
        configuration = plan.get("configuration") or {}
        self.known = bool(configuration.get("root_module"))
        self.providers: dict[str, Any] = _dict(configuration.get("provider_config"))
        self.root: dict[str, Any] = _dict(configuration.get("root_module"))
        self.variables: dict[str, Any] = _dict(plan.get("variables"))
        self.addresses = addresses

    def module(self, module_address: str) -> dict[str, Any] | None:
        module: dict[str, Any] | None = self.root
        for name in module_calls(module_address):
            call = _dict(_dict(module.get("module_calls")).get(name)) if module else {}
            module = _dict(call.get("module")) or None
        return module

    def resource(self, change: dict[str, Any]) -> dict[str, Any] | None:
        """The ``resource`` block a resource change comes from."""
        module = self.module(change.get("module_address") or "")
        for block in (module or {}).get("resources") or []:
            if (
                isinstance(block, dict)
                and block.get("mode", "managed") == change.get("mode", "managed")
                and block.get("type") == change["type"]
                and block.get("name") == change["name"]
            ):
                return block
        return None

    # Providers -----------------------------------------------------------------------------

    def provider_settings(self, change: dict[str, Any], block: dict[str, Any] | None) -> dict:
        """``region``, ``zone`` and ``project`` as the resource's provider configuration sets
        them (constants or root variables); absent where it doesn't say."""
        key = (block or {}).get("provider_config_key") or _default_key(change)
        config = self._provider(key)
        expressions = _dict(config.get("expressions")) if config else {}
        settings = {}
        for name in ("region", "zone", "project"):
            value = self._value(_dict(expressions.get(name)), (config or {}).get("module_address"))
            if isinstance(value, str) and value:
                settings[name] = value
        return settings

    def _provider(self, key: str) -> dict[str, Any] | None:
        # A module that declares no provider block inherits its parent's, so a key naming the
        # module's own ("module.app:aws") falls back to the parent's, then the root's.
        while key:
            if isinstance(self.providers.get(key), dict):
                return self.providers[key]
            scope, sep, local = key.rpartition(":")
            if not sep:
                return None
            parent = scope.rpartition(".module.")[0]
            key = f"{parent}:{local}" if parent else local
        return None

    def _value(self, expression: dict[str, Any], module_address: Any) -> Any:
        if "constant_value" in expression:
            return expression["constant_value"]
        references = expression.get("references") or []
        if module_address or len(references) != 1 or not references[0].startswith("var."):
            return None  # a child module's variable, or an expression: not known here
        variable = _dict(self.variables.get(references[0][4:]))
        return variable.get("value")

    # References ----------------------------------------------------------------------------

    def target(self, references: list[Any], module_address: str, index: Any) -> str | None:
        """The address of the managed resource instance ``references`` name, if one."""
        return self._target(references, module_address, index, 0)

    def _target(self, references: list[Any], module_address: str, index: Any, hops: int) -> str:
        seen: set[str] = set()
        for reference in references:
            if not isinstance(reference, str):
                continue
            if reference.startswith("module.") and hops < _MAX_HOPS:
                found = self._through_module(reference, module_address, index, hops)
            elif _names_identity(reference, seen):
                found = self._resource_address(reference, module_address, index)
            else:
                found = ""
            if found:
                return found
        return ""

    def _resource_address(self, reference: str, module_address: str, index: Any) -> str:
        match = _RESOURCE.match(reference)
        if not match or match.group(1) in _NOT_RESOURCES:
            return ""
        prefix = f"{module_address}." if module_address else ""
        base = f"{prefix}{match.group(1)}.{match.group(2)}"
        if match.group(3):
            return base + match.group(3) if base + match.group(3) in self.addresses else ""
        if base in self.addresses:
            return base
        # `aws_subnet.public[count.index]`: the instance with the referring resource's key.
        if index is not None and f"{base}[{_key(index)}]" in self.addresses:
            return f"{base}[{_key(index)}]"
        instances = [a for a in self.addresses if a.startswith(base + "[")]
        return instances[0] if len(instances) == 1 else ""

    def _through_module(self, reference: str, module_address: str, index: Any, hops: int) -> str:
        """``module.vpc.vpc_id``: follow the child module's output to what it references."""
        match = _OUTPUT.match(reference)
        if not match:
            return ""
        name, key, output = match.groups()
        child = f"{module_address}.module.{name}" if module_address else f"module.{name}"
        if key:
            child += key
        elif not any(a.startswith(child + ".") for a in self.addresses):
            # a module with count or for_each: the one instance there is, if only one
            pattern = re.compile(re.escape(child) + r'(\[(?:"[^"]*"|[^\]]*)\])\.')
            keys = {m.group(1) for a in self.addresses if (m := pattern.match(a))}
            if len(keys) != 1:
                return ""
            child += keys.pop()
        module = self.module(child) or {}
        expression = _dict(_dict(_dict(module.get("outputs")).get(output)).get("expression"))
        return self._target(expression.get("references") or [], child, None, hops + 1)


#: Attributes that name a resource: a reference through one of them stands for the resource
#: (``aws_launch_template.web.id``); through any other (``random_integer.n.result``) it is a
#: value the gate can't know.
IDENTITY = frozenset({"id", "arn", "name", "self_link", "self_link_unique", "family"})


def _names_identity(reference: str, seen: set[str]) -> bool:
    """Whether ``reference`` names a resource by identity. Terraform lists the longest form
    first (``a.b[0].id``, ``a.b[0]``, ``a.b``): the first form of each resource decides."""
    match = _RESOURCE.match(reference)
    if not match:
        return False
    base = f"{match.group(1)}.{match.group(2)}"
    if base in seen:
        return False
    seen.add(base)
    attribute = reference[match.end() :].lstrip(".").split(".")[0].split("[")[0]
    return not attribute or attribute in IDENTITY


def _key(index: Any) -> str:
    return f'"{index}"' if isinstance(index, str) else str(index)


def _default_key(change: dict[str, Any]) -> str:
    # registry.terraform.io/hashicorp/aws -> aws; the default (unaliased) configuration
    name = str(change.get("provider_name") or change["type"].split("_")[0])
    return name.rsplit("/", 1)[-1]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}

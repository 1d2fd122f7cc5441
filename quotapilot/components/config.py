"""Reading a stack's ``quotapilot:*`` config into :class:`QuotaAutomationArgs`."""

from __future__ import annotations

from dataclasses import fields

from quotapilot.components.args import QuotaAutomationArgs
from quotapilot.exceptions import ConfigurationError


def args_from_config(config) -> QuotaAutomationArgs:
    """Every field of the args can be set as ``quotapilot:<field>``; lists as YAML lists."""
    given = {}
    for spec in fields(QuotaAutomationArgs):
        if spec.name == "code":
            value = config.get_object(spec.name)
        elif spec.type in ("int",):
            value = config.get_int(spec.name)
        elif spec.type.startswith("tuple"):
            value = config.get_object(spec.name)
            if value is not None:
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ConfigurationError(
                        "must be a list of strings", key=f"quotapilot:{spec.name}"
                    )
                value = tuple(value)
        else:
            value = config.get(spec.name)
        if value is not None:
            given[spec.name] = value
    return QuotaAutomationArgs(**given)

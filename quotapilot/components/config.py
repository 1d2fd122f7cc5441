"""Reading a stack's ``quotapilot:*`` config into :class:`QuotaAutomationArgs`."""

from __future__ import annotations

from dataclasses import MISSING, fields

from quotapilot.components.args import QuotaAutomationArgs
from quotapilot.components.fan_out import FanOut
from quotapilot.exceptions import ConfigurationError


def args_from_config(config) -> QuotaAutomationArgs:
    """Every field of the args can be set as ``quotapilot:<field>``; lists as YAML lists."""
    given = {}
    for spec in fields(QuotaAutomationArgs):
        # The default says how the value is spelled in config (the annotations are inputs).
        default = spec.default if spec.default is not MISSING else spec.default_factory()  # type: ignore[misc]
        if spec.name == "fan_out":
            value = _fan_out(config.get_object(spec.name))
        elif isinstance(default, dict):
            value = config.get_object(spec.name)
        elif isinstance(default, int):
            value = config.get_int(spec.name)
        elif isinstance(default, tuple):
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


def _fan_out(value) -> FanOut | None:
    """``quotapilot:fan_out``: ``true`` (the defaults), ``false``, or a map of
    :class:`FanOut`'s fields."""
    if value is None or value is False:
        return None
    if value is True:
        return FanOut()
    names = {f.name for f in fields(FanOut)}
    if not isinstance(value, dict) or not set(value) <= names:
        raise ConfigurationError(
            f"must be true, false or a map of {', '.join(sorted(names))}",
            key="quotapilot:fan_out",
        )
    return FanOut(**value)

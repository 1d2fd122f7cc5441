"""Reading planned properties: camelCase wire names, nested paths, unknown values.

Properties arrive as the Pulumi engine registers them (``reservedConcurrentExecutions``,
``launchTemplate.id``), the same names ``pulumi stack export`` shows. During a preview a
value computed from another resource's output is unknown; the plan reader passes it as
:data:`UNKNOWN`, and a value that is absent is ``None``. Rules tell the two apart: a missing
optional value takes the provider's default, an unknown one makes the demand unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final


class _Unknown:
    """A value that is not known until the resource is created."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown>"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Final = _Unknown()


class NotKnown(Exception):
    """Raised inside a rule when a value it needs is unknown or malformed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def get(properties: Mapping[str, Any], path: str, default: Any = None) -> Any:
    """``properties["a"]["b"][0]`` for ``path="a.b.0"``; ``default`` when absent.

    Returns :data:`UNKNOWN` when the value or any container on the path is unknown.
    """
    value: Any = properties
    for part in path.split("."):
        if value is UNKNOWN:
            return UNKNOWN
        if isinstance(value, Mapping):
            if part not in value:
                return default
            value = value[part]
        elif isinstance(value, list | tuple) and part.isdigit():
            index = int(part)
            if index >= len(value):
                return default
            value = value[index]
        else:
            return default
        if value is None:
            return default
    return value


def number(properties: Mapping[str, Any], path: str, default: float | None = None) -> float:
    """A non-negative number at ``path``; :class:`NotKnown` if unknown, absent without a
    default, or not a number."""
    value = get(properties, path, default)
    if value is UNKNOWN:
        raise NotKnown(f"{path} is not known until apply")
    if value is None:
        raise NotKnown(f"{path} is not set")
    if isinstance(value, bool):
        raise NotKnown(f"{path} must be a number, got {value!r}")
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise NotKnown(f"{path} must be a number, got {value!r}") from None
    if result < 0:
        raise NotKnown(f"{path} must not be negative, got {value!r}")
    return result


def text(properties: Mapping[str, Any], path: str, default: str | None = None) -> str:
    """A string at ``path``; :class:`NotKnown` if unknown or absent without a default."""
    value = get(properties, path, default)
    if value is UNKNOWN:
        raise NotKnown(f"{path} is not known until apply")
    if value is None:
        raise NotKnown(f"{path} is not set")
    if not isinstance(value, str):
        raise NotKnown(f"{path} must be a string, got {value!r}")
    return value


def items(properties: Mapping[str, Any], path: str) -> list[Any]:
    """The list at ``path`` (empty when absent); :class:`NotKnown` if unknown."""
    value = get(properties, path, [])
    if value is UNKNOWN:
        raise NotKnown(f"{path} is not known until apply")
    if not isinstance(value, list | tuple):
        raise NotKnown(f"{path} must be a list, got {value!r}")
    if any(item is UNKNOWN for item in value):
        raise NotKnown(f"an entry of {path} is not known until apply")
    return list(value)

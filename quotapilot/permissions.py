"""What AWS access each piece of Lambda code declares it needs.

The class that makes a call declares it, as a class attribute ``permissions`` (as Cloud
Custodian's resources and actions do); a class that creates objects on demand names their
classes in ``builds``. A function's needs are those of every object its composition root
builds (:func:`needs_of` walks them), and the components build each function's IAM policy
from those, so least privilege can't drift from the code. A declaration names a *logical*
resource; the component maps it to the ARN it created.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from types import MethodType
from typing import Final

# Logical resources a declaration can name.
TABLE_MONITORING: Final = "table:monitoring"
TABLE_RULES: Final = "table:rules"
TABLE_LOG: Final = "table:log"
TABLE_EVENTS: Final = "table:events"
TABLE_IDEMPOTENCY: Final = "table:idempotency"
TABLE_LEDGER: Final = "table:ledger"
TOPIC_ALERTS: Final = "topic:alerts"
TOPIC_EVENTS: Final = "topic:events"
EVENT_BUS: Final = "bus"
STATE_MACHINE: Final = "state_machine"
DEAD_LETTER_QUEUE: Final = "queue:dlq"
KMS_KEY: Final = "key"
#: Roles in member accounts the engine assumes (arn:aws:iam::*:role/<collector role name>).
MEMBER_ACCOUNT_ROLE: Final = "role:member"
#: The load-test quota snapshot the regression watch reads (an object in the artifacts bucket).
BASELINE_SNAPSHOT: Final = "object:baseline-snapshot"
#: The fan-out cycle's shard lists (objects under runs/ in the artifacts bucket).
SHARD_LISTS: Final = "object:shard-lists"
#: The role in the load-test account the regression watch reads its quotas through.
LOADTEST_ROLE: Final = "role:loadtest"
#: The organisation whose accounts the engine lists (AWS Organizations' ListAccounts takes no
#: resource ARN: ``*`` when the stack watches an organisation, nothing otherwise).
ORGANIZATION: Final = "organization"
#: The action supports no resource-level permission; the declaration's ``why`` must say so.
NO_RESOURCE_SCOPE: Final = "*"

LOGICAL_RESOURCES: Final = frozenset(
    {
        TABLE_MONITORING,
        TABLE_RULES,
        TABLE_LOG,
        TABLE_EVENTS,
        TABLE_IDEMPOTENCY,
        TABLE_LEDGER,
        TOPIC_ALERTS,
        TOPIC_EVENTS,
        EVENT_BUS,
        STATE_MACHINE,
        DEAD_LETTER_QUEUE,
        KMS_KEY,
        MEMBER_ACCOUNT_ROLE,
        BASELINE_SNAPSHOT,
        SHARD_LISTS,
        LOADTEST_ROLE,
        ORGANIZATION,
        NO_RESOURCE_SCOPE,
    }
)


@dataclass(frozen=True)
class Needs:
    """Some AWS actions on one logical resource, and why the code needs them."""

    actions: tuple[str, ...]
    resource: str
    why: str

    def __post_init__(self) -> None:
        if self.resource not in LOGICAL_RESOURCES:
            raise ValueError(f"unknown logical resource {self.resource!r}")
        for action in self.actions:
            service, _, name = action.partition(":")
            if not service or not name or "*" in action:
                raise ValueError(f"{action!r} is not one exact IAM action")
        if not self.why:
            raise ValueError("a permission needs a reason")


def merge(declarations: Iterable[Needs]) -> tuple[Needs, ...]:
    """One Needs per logical resource: actions unioned (sorted), reasons joined."""
    actions: dict[str, set[str]] = {}
    why: dict[str, list[str]] = {}
    for needs in declarations:
        actions.setdefault(needs.resource, set()).update(needs.actions)
        reasons = why.setdefault(needs.resource, [])
        if needs.why not in reasons:
            reasons.append(needs.why)
    return tuple(Needs(tuple(sorted(actions[r])), r, "; ".join(why[r])) for r in sorted(actions))


class _Walk:
    """Finds the classes that declare ``permissions``, in the order first met."""

    def __init__(self) -> None:
        self.found: list[type] = []
        self._classes: set[type] = set()
        self._objects: set[int] = set()

    def cls(self, cls: type) -> None:
        """A class, and the classes it creates objects of on demand (its ``builds``)."""
        if cls in self._classes:
            return
        self._classes.add(cls)
        if getattr(cls, "permissions", None):
            self.found.append(cls)
        for built in getattr(cls, "builds", ()):
            self.cls(built)

    def objects(self, *roots: object) -> None:
        """Objects, and everything reachable from them: attributes, containers, bound
        methods. Only the package's own objects are looked into (a botocore client is a
        leaf)."""
        pending = list(reversed(roots))
        while pending:
            value = pending.pop()
            if id(value) in self._objects or isinstance(value, _LEAVES):
                continue
            self._objects.add(id(value))
            if isinstance(value, Mapping):
                inside: list[object] = list(value.values())
            elif isinstance(value, list | tuple | set | frozenset):
                inside = list(value)
            elif isinstance(value, partial):
                inside = [value.func, *value.args, *value.keywords.values()]
            elif isinstance(value, MethodType):
                inside = [value.__self__]
            elif type(value).__module__.split(".")[0] == _PACKAGE:
                self.cls(type(value))
                inside = list(getattr(value, "__dict__", {}).values())
            else:
                continue
            pending.extend(reversed(inside))


_PACKAGE = __name__.split(".")[0]
_LEAVES = (str, bytes, int, float, type, type(None))


def declaring_classes(*roots: object) -> tuple[type, ...]:
    """The classes that declare ``permissions`` among those of the objects reachable from
    ``roots`` and of the objects they build on demand, in the order first met."""
    walk = _Walk()
    walk.objects(*roots)
    return tuple(walk.found)


def needs_of(*roots: object) -> tuple[Needs, ...]:
    """What the objects reachable from ``roots`` need, merged per logical resource."""
    return _declared(declaring_classes(*roots))


def class_needs(cls: type) -> tuple[Needs, ...]:
    """What an object of ``cls`` needs, with the objects it builds, merged per resource."""
    walk = _Walk()
    walk.cls(cls)
    return _declared(tuple(walk.found))


def _declared(classes: tuple[type, ...]) -> tuple[Needs, ...]:
    return merge(n for cls in classes for n in cls.permissions)  # type: ignore[attr-defined]

"""What AWS access each piece of Lambda code declares it needs.

Engine actions declare their needs as class attributes (as Cloud Custodian's actions declare
``permissions``); the components build each function's IAM policy from those declarations, so
least privilege can't drift from the code. A declaration names a *logical* resource; the
component maps it to the ARN it created.
"""

from __future__ import annotations

from dataclasses import dataclass
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
#: The role in the load-test account the regression watch reads its quotas through.
LOADTEST_ROLE: Final = "role:loadtest"
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
        LOADTEST_ROLE,
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

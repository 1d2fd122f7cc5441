"""What each Lambda function may do, computed from the declarations of the classes it uses.

The components build each function's IAM policy from :data:`FUNCTION_NEEDS`; a test records
every AWS operation the engine's tests make and checks it is declared here, so least privilege
can't drift from the code.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from quotapilot import wiring
from quotapilot.engine.accounts import AccountClients
from quotapilot.engine.act.alerts import Alerter, Cooldowns
from quotapilot.engine.act.increase import IncreaseRequester, RequestLocks
from quotapilot.engine.approval.desk import ApprovalDesk
from quotapilot.engine.approval.request import ApprovalRecords, ApprovalStarter
from quotapilot.engine.audit import AuditLog
from quotapilot.engine.collect.collection import Collector
from quotapilot.engine.collect.store import RuleStore, SeriesReader, SeriesStore
from quotapilot.engine.events.recording import DeadLetter, Encryption, EventRecorder, Idempotency
from quotapilot.engine.regression import BaselineAccess
from quotapilot.permissions import Needs
from quotapilot.sources.s3 import S3SnapshotSource

#: The classes each function's code runs (each declares ``permissions``).
FUNCTION_CLASSES: Mapping[str, tuple[type, ...]] = MappingProxyType(
    {
        wiring.FUNCTION_ENGINE: (
            RuleStore,
            Collector,
            AccountClients,
            SeriesStore,
            Alerter,
            Cooldowns,
            RequestLocks,
            IncreaseRequester,
            ApprovalStarter,
            AuditLog,
            Encryption,
            BaselineAccess,
            S3SnapshotSource,
            ApprovalRecords,
        ),
        wiring.FUNCTION_EVENTS: (
            EventRecorder,
            Idempotency,
            DeadLetter,
            RuleStore,
            Collector,
            AccountClients,
            SeriesReader,
            Alerter,
            Cooldowns,
            RequestLocks,
            IncreaseRequester,
            ApprovalStarter,
            AuditLog,
            Encryption,
        ),
        wiring.FUNCTION_APPROVAL: (ApprovalDesk, AuditLog, Encryption),
    }
)


def merge(declarations: tuple[Needs, ...]) -> tuple[Needs, ...]:
    """One Needs per logical resource: actions unioned (sorted), reasons joined."""
    actions: dict[str, set[str]] = {}
    why: dict[str, list[str]] = {}
    for needs in declarations:
        actions.setdefault(needs.resource, set()).update(needs.actions)
        reasons = why.setdefault(needs.resource, [])
        if needs.why not in reasons:
            reasons.append(needs.why)
    return tuple(Needs(tuple(sorted(actions[r])), r, "; ".join(why[r])) for r in sorted(actions))


def _needs_of(classes: tuple[type, ...]) -> tuple[Needs, ...]:
    return merge(tuple(n for cls in classes for n in cls.permissions))  # type: ignore[attr-defined]


FUNCTION_NEEDS: Mapping[str, tuple[Needs, ...]] = MappingProxyType(
    {name: _needs_of(classes) for name, classes in FUNCTION_CLASSES.items()}
)


def actions_of(function: str) -> frozenset[str]:
    return frozenset(a for needs in FUNCTION_NEEDS[function] for a in needs.actions)


_COMMON_ENV = (
    wiring.ENV_MONITORING_TABLE,
    wiring.ENV_RULES_TABLE,
    wiring.ENV_LOG_TABLE,
    wiring.ENV_ALERTS_TOPIC_ARN,
    wiring.ENV_APPROVAL_STATE_MACHINE_ARN,
    wiring.ENV_ACCOUNTS,
    wiring.ENV_REGIONS,
    wiring.ENV_ENVIRONMENT,
)
#: The environment variables each function reads at cold start (the components set them).
FUNCTION_ENV: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        wiring.FUNCTION_ENGINE: (*_COMMON_ENV, wiring.ENV_REGRESSION_WATCH),
        wiring.FUNCTION_EVENTS: (
            *_COMMON_ENV,
            wiring.ENV_EVENTS_TABLE,
            wiring.ENV_IDEMPOTENCY_TABLE,
        ),
        wiring.FUNCTION_APPROVAL: (
            wiring.ENV_MONITORING_TABLE,
            wiring.ENV_LOG_TABLE,
            wiring.ENV_ALERTS_TOPIC_ARN,
            wiring.ENV_APPROVERS,
            wiring.ENV_ENVIRONMENT,
        ),
    }
)

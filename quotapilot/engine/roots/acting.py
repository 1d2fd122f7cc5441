"""The decide-act-record step, as the engine and the event functions both build it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quotapilot.engine.accounts import AccountClients
from quotapilot.engine.act.actions import Actions
from quotapilot.engine.act.alerts import Alerter, Cooldowns
from quotapilot.engine.act.increase import RequestLocks
from quotapilot.engine.approval.request import ApprovalStarter
from quotapilot.engine.audit import AuditLog
from quotapilot.engine.config import EngineConfig


def alerter(config: EngineConfig, *, dynamodb: Any, sns: Any, session: Any) -> Alerter:
    """The alerts topic, within cooldowns kept in the monitoring table."""
    cooldowns = Cooldowns(config.monitoring_table, dynamodb, session=session)
    return Alerter(config.alerts_topic_arn, cooldowns, sns, session=session)


def actions(
    config: EngineConfig,
    *,
    clients: AccountClients,
    audit: AuditLog,
    alerter: Alerter,
    dynamodb: Any,
    stepfunctions: Any,
    session: Any,
) -> Actions:
    return Actions(
        clients=clients,
        audit=audit,
        alerter=alerter,
        locks=RequestLocks(config.monitoring_table, dynamodb, session=session),
        approvals=ApprovalStarter(
            config.approval_state_machine_arn, stepfunctions, session=session
        ),
    )


@dataclass(frozen=True)
class Acting:
    """What deciding and acting takes, shared by the engine's and the events' roots."""

    audit: AuditLog
    alerter: Alerter
    actions: Actions


def acting(
    config: EngineConfig,
    *,
    clients: AccountClients | None,
    dynamodb: Any,
    sns: Any,
    stepfunctions: Any,
    session: Any,
) -> Acting:
    audit = AuditLog(config.log_table, dynamodb, session=session)
    made = alerter(config, dynamodb=dynamodb, sns=sns, session=session)
    return Acting(
        audit,
        made,
        actions(
            config,
            clients=clients
            or AccountClients(config.accounts, session=session, organization=config.organization),
            audit=audit,
            alerter=made,
            dynamodb=dynamodb,
            stepfunctions=stepfunctions,
            session=session,
        ),
    )

"""The approval function's composition root: the desk that parks the workflow's task tokens
and takes the approvers' decisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quotapilot.engine.act.alerts import Alerter
from quotapilot.engine.approval.desk import ApprovalDesk
from quotapilot.engine.audit import AuditLog
from quotapilot.engine.config import EngineConfig
from quotapilot.engine.roots.platform import ENCRYPTION

REQUIRED = ("monitoring_table", "alerts_topic_arn", "log_table")


@dataclass(frozen=True)
class ApprovalParts:
    """Everything the approval function runs."""

    permissions = (ENCRYPTION,)

    config: EngineConfig
    desk: ApprovalDesk


def build(
    config: EngineConfig,
    *,
    dynamodb: Any = None,
    sns: Any = None,
    stepfunctions: Any = None,
    session: Any = None,
) -> ApprovalParts:
    config.require(*REQUIRED)
    # Approvers are told of every request: no cooldown, so no cooldown items either.
    alerter = Alerter(config.alerts_topic_arn, None, sns, session=session)
    desk = ApprovalDesk(
        config.monitoring_table,
        config.approvers,
        alerter,
        dynamodb,
        states=stepfunctions,
        audit=AuditLog(config.log_table, dynamodb, session=session),
        session=session,
    )
    return ApprovalParts(config=config, desk=desk)

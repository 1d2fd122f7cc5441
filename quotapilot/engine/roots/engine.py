"""The engine function's composition root: the scheduled cycle, the regression watch and
approved increases, over one set of collaborators per container."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quotapilot.engine.accounts import AccountClients, OrganizationAccounts
from quotapilot.engine.act.actions import Actions
from quotapilot.engine.act.alerts import Alerter
from quotapilot.engine.approval.request import ApprovalRecords
from quotapilot.engine.audit import AuditLog
from quotapilot.engine.collect.collection import AwsSources, SourceFactory
from quotapilot.engine.collect.rows import RunRowsReader, ShardLists
from quotapilot.engine.collect.store import RuleStore, SeriesStore
from quotapilot.engine.config import EngineConfig
from quotapilot.engine.cycle import Cycle
from quotapilot.engine.decision.forecasting import engine_forecaster
from quotapilot.engine.regression import RegressionWatcher
from quotapilot.engine.roots import acting
from quotapilot.engine.roots.platform import ENCRYPTION
from quotapilot.forecast.base import Forecaster

REQUIRED = (
    "monitoring_table",
    "rules_table",
    "log_table",
    "alerts_topic_arn",
    "approval_state_machine_arn",
)


@dataclass(frozen=True)
class EngineParts:
    """Everything the engine function runs."""

    permissions = (ENCRYPTION,)

    config: EngineConfig
    rules: RuleStore
    series: SeriesStore
    audit: AuditLog
    alerter: Alerter
    actions: Actions
    cycle: Cycle
    #: The approval function's records: an approved increase is filed only with one.
    approvals: ApprovalRecords
    regression: RegressionWatcher
    #: The fan-out cycle: the run's shard list for the Map, the collectors' rows back.
    shard_lists: ShardLists
    run_rows: RunRowsReader


def build(
    config: EngineConfig,
    *,
    source_factory: SourceFactory | None = None,
    forecaster: Forecaster | None = None,
    clients: AccountClients | None = None,
    dynamodb: Any = None,
    sns: Any = None,
    stepfunctions: Any = None,
    session: Any = None,
) -> EngineParts:
    config.require(*REQUIRED)
    made = acting.acting(
        config,
        clients=clients,
        dynamodb=dynamodb,
        sns=sns,
        stepfunctions=stepfunctions,
        session=session,
    )
    audit, alerter, actions = made.audit, made.alerter, made.actions
    rules = RuleStore(config.rules_table, dynamodb, session=session)
    series = SeriesStore(config.monitoring_table, dynamodb, session=session)
    cycle = Cycle(
        config,
        rules=rules,
        series=series,
        sources=source_factory or AwsSources(session),
        forecaster=forecaster or engine_forecaster(),
        actions=actions,
        audit=audit,
        organization_accounts=(
            OrganizationAccounts(config.organization, session=session)
            if config.organization is not None
            else None
        ),
    )
    return EngineParts(
        config=config,
        rules=rules,
        series=series,
        audit=audit,
        alerter=alerter,
        actions=actions,
        cycle=cycle,
        approvals=ApprovalRecords(config.monitoring_table, dynamodb, session=session),
        regression=RegressionWatcher(config.regression_watch, alerter, audit),
        shard_lists=ShardLists(config.artifacts_bucket, session=session),
        run_rows=RunRowsReader(config.monitoring_table, dynamodb, session=session),
    )

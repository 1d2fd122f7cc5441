"""The engine's configuration, read from the environment once, at cold start.

Every variable name comes from :mod:`quotapilot.wiring`; an invalid value raises
:class:`EngineConfigurationError` naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from quotapilot import envvalues, wiring
from quotapilot.engine.exceptions import EngineConfigurationError
from quotapilot.envvalues import MemberAccount, Organization, RegressionWatch
from quotapilot.exceptions import ConfigurationError

__all__ = ["EngineConfig", "MemberAccount", "Organization", "RegressionWatch"]


@dataclass(frozen=True)
class EngineConfig:
    monitoring_table: str = ""
    rules_table: str = ""
    log_table: str = ""
    events_table: str = ""
    idempotency_table: str = ""
    alerts_topic_arn: str = ""
    events_topic_arn: str = ""
    event_bus: str = ""
    approval_state_machine_arn: str = ""
    approvers: frozenset[str] = frozenset()
    accounts: tuple[MemberAccount, ...] = ()
    regions: tuple[str, ...] = ()
    regression_watch: RegressionWatch | None = None
    environment: str = ""
    #: The stack's artifacts bucket: the fan-out cycle's shard lists go there.
    artifacts_bucket: str = ""
    #: Watch every active account of this organisation too (listed each run).
    organization: Organization | None = None

    def member(self, account: str) -> MemberAccount:
        """The account as the engine reaches it: configured, else through the
        organisation's member role, else (its own account) with no role."""
        for member in self.accounts:
            if member.account == account:
                return member
        if self.organization is not None and account:
            return self.organization.member(account)
        return MemberAccount(account)

    def require(self, *names: str) -> None:
        """Fail clearly when a setting a handler needs was not configured."""
        for name in names:
            if not getattr(self, name):
                raise EngineConfigurationError(
                    "is not set", path=_ENV_OF.get(name, name), setting=name
                )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> EngineConfig:
        env = os.environ if environ is None else environ
        get = lambda name: env.get(name, "").strip()  # noqa: E731
        try:
            return cls._decoded(get)
        except EngineConfigurationError:
            raise
        except ConfigurationError as error:
            raise EngineConfigurationError(error.message, **error.context) from None

    @classmethod
    def _decoded(cls, get: Any) -> EngineConfig:
        return cls(
            monitoring_table=get(wiring.ENV_MONITORING_TABLE),
            rules_table=get(wiring.ENV_RULES_TABLE),
            log_table=get(wiring.ENV_LOG_TABLE),
            events_table=get(wiring.ENV_EVENTS_TABLE),
            idempotency_table=get(wiring.ENV_IDEMPOTENCY_TABLE),
            alerts_topic_arn=get(wiring.ENV_ALERTS_TOPIC_ARN),
            events_topic_arn=get(wiring.ENV_EVENTS_TOPIC_ARN),
            event_bus=get(wiring.ENV_EVENT_BUS),
            approval_state_machine_arn=get(wiring.ENV_APPROVAL_STATE_MACHINE_ARN),
            approvers=frozenset(
                envvalues.decode_list(get(wiring.ENV_APPROVERS), wiring.ENV_APPROVERS)
            ),
            accounts=envvalues.decode_accounts(get(wiring.ENV_ACCOUNTS), wiring.ENV_ACCOUNTS),
            regions=envvalues.decode_list(get(wiring.ENV_REGIONS), wiring.ENV_REGIONS),
            regression_watch=envvalues.decode_watch(
                get(wiring.ENV_REGRESSION_WATCH), wiring.ENV_REGRESSION_WATCH
            ),
            environment=get(wiring.ENV_ENVIRONMENT),
            artifacts_bucket=get(wiring.ENV_ARTIFACTS_BUCKET),
            organization=envvalues.decode_organization(
                get(wiring.ENV_ORGANIZATION), wiring.ENV_ORGANIZATION
            ),
        )


_ENV_OF = {
    "monitoring_table": wiring.ENV_MONITORING_TABLE,
    "rules_table": wiring.ENV_RULES_TABLE,
    "log_table": wiring.ENV_LOG_TABLE,
    "events_table": wiring.ENV_EVENTS_TABLE,
    "idempotency_table": wiring.ENV_IDEMPOTENCY_TABLE,
    "alerts_topic_arn": wiring.ENV_ALERTS_TOPIC_ARN,
    "events_topic_arn": wiring.ENV_EVENTS_TOPIC_ARN,
    "event_bus": wiring.ENV_EVENT_BUS,
    "approval_state_machine_arn": wiring.ENV_APPROVAL_STATE_MACHINE_ARN,
    "approvers": wiring.ENV_APPROVERS,
    "regions": wiring.ENV_REGIONS,
    "regression_watch": wiring.ENV_REGRESSION_WATCH,
    "artifacts_bucket": wiring.ENV_ARTIFACTS_BUCKET,
    "organization": wiring.ENV_ORGANIZATION,
}

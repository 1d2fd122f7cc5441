"""The engine's configuration, read from the environment once, at cold start.

Every variable name comes from :mod:`quotapilot.wiring`; an invalid value raises
:class:`EngineConfigurationError` naming the variable.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from quotapilot import wiring
from quotapilot.engine.exceptions import EngineConfigurationError


@dataclass(frozen=True)
class MemberAccount:
    account: str
    role_arn: str = ""  # empty: this account, no role to assume


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
    regression_watch: Mapping[str, Any] = field(default_factory=dict)
    environment: str = ""

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
                a.strip() for a in get(wiring.ENV_APPROVERS).split(",") if a.strip()
            ),
            accounts=_accounts(get(wiring.ENV_ACCOUNTS)),
            regions=tuple(r.strip() for r in get(wiring.ENV_REGIONS).split(",") if r.strip()),
            regression_watch=_json_object(
                get(wiring.ENV_REGRESSION_WATCH), wiring.ENV_REGRESSION_WATCH
            ),
            environment=get(wiring.ENV_ENVIRONMENT),
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
}


def _json_object(text: str, name: str) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise EngineConfigurationError(f"is not valid JSON: {error.msg}", path=name) from None
    if not isinstance(value, dict):
        raise EngineConfigurationError("must be a JSON object", path=name)
    return value


def _accounts(text: str) -> tuple[MemberAccount, ...]:
    if not text:
        return ()
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise EngineConfigurationError(
            f"is not valid JSON: {error.msg}", path=wiring.ENV_ACCOUNTS
        ) from None
    if not isinstance(items, list):
        raise EngineConfigurationError("must be a JSON list", path=wiring.ENV_ACCOUNTS)
    accounts = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("account"), str):
            raise EngineConfigurationError(
                'each entry needs {"account": "...", "role_arn": "..."}',
                path=wiring.ENV_ACCOUNTS,
                entry=f"[{index}]",
            )
        accounts.append(MemberAccount(item["account"], str(item.get("role_arn", ""))))
    return tuple(accounts)

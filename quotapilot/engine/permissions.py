"""What each Lambda function may do: computed from the objects its composition root builds.

Each function's root (:mod:`quotapilot.engine.roots`) is built on :data:`PLAN_CONFIG`, a
configuration naming every table, topic and state machine; building makes no client and no
call. :func:`quotapilot.permissions.needs_of` walks what was built and collects the
``permissions`` each object's class declares (and those of the classes it builds on demand).
The components build each function's IAM policy from :data:`FUNCTION_NEEDS`; a test records
every AWS operation the engine's tests make and checks it is declared here, and the twin
checks each planned policy grants exactly what its function called.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from quotapilot import wiring
from quotapilot.engine.config import EngineConfig, MemberAccount, Organization
from quotapilot.engine.roots import approval, collector, engine, events
from quotapilot.forecast import CurrentValueForecaster
from quotapilot.permissions import Needs, declaring_classes, merge, needs_of

__all__ = ["FUNCTION_ENV", "FUNCTION_NEEDS", "actions_of", "classes_of", "merge"]

_PLAN = "plan"
#: Every setting a root requires, with stand-in values: what the roots are built on here.
PLAN_CONFIG = EngineConfig(
    monitoring_table=_PLAN,
    rules_table=_PLAN,
    log_table=_PLAN,
    events_table=_PLAN,
    idempotency_table=_PLAN,
    alerts_topic_arn=_PLAN,
    events_topic_arn=_PLAN,
    event_bus=_PLAN,
    approval_state_machine_arn=_PLAN,
    approvers=frozenset({_PLAN}),
    accounts=(MemberAccount("000000000000", "arn:aws:iam::000000000000:role/plan"),),
    regions=("us-east-1",),
    environment=_PLAN,
    artifacts_bucket=_PLAN,
    organization=Organization("o-plan000000", _PLAN),
)

#: How each function's parts are built on a configuration.
FUNCTION_ROOTS: Mapping[str, Callable[[EngineConfig], object]] = MappingProxyType(
    {
        # The forecaster makes no AWS call; the current-value one spares the plan loading
        # the model (the components run without the engine's extra).
        wiring.FUNCTION_ENGINE: lambda config: engine.build(
            config, forecaster=CurrentValueForecaster()
        ),
        wiring.FUNCTION_EVENTS: events.build,
        wiring.FUNCTION_APPROVAL: approval.build,
        wiring.FUNCTION_COLLECTOR: collector.build,
    }
)


def classes_of(function: str) -> tuple[type, ...]:
    """The classes among a function's parts that declare what they call."""
    return declaring_classes(FUNCTION_ROOTS[function](PLAN_CONFIG))


FUNCTION_NEEDS: Mapping[str, tuple[Needs, ...]] = MappingProxyType(
    {name: needs_of(build(PLAN_CONFIG)) for name, build in FUNCTION_ROOTS.items()}
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
    wiring.ENV_ORGANIZATION,
)
#: The environment variables each function reads at cold start (the components set them).
FUNCTION_ENV: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        wiring.FUNCTION_ENGINE: (
            *_COMMON_ENV,
            wiring.ENV_REGRESSION_WATCH,
            wiring.ENV_ARTIFACTS_BUCKET,
        ),
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
        wiring.FUNCTION_COLLECTOR: (
            wiring.ENV_MONITORING_TABLE,
            wiring.ENV_RULES_TABLE,
            wiring.ENV_ACCOUNTS,
            wiring.ENV_REGIONS,
            wiring.ENV_ENVIRONMENT,
        ),
    }
)

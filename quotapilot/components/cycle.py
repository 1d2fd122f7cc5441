"""The fan-out cycle (``QuotaAutomationArgs.fan_out``): the state machine the schedule starts
instead of the engine, with its role, logs and tracing, and the role the schedule starts it
with (:mod:`quotapilot.components.observability` pages on its failed runs)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from quotapilot import wiring
from quotapilot.components import documents
from quotapilot.components.documents.cycle import COLLECT
from quotapilot.components.fan_out import FanOut
from quotapilot.components.part import TYPE_PREFIX, PartArgs
from quotapilot.components.state_machine import logged_state_machine, state_machine_arn


@dataclass(frozen=True, kw_only=True)
class FanOutCycleArgs(PartArgs):
    #: The state machine's physical name, in this region and account (fixed: its role starts
    #: executions of itself, the Map's child executions, so its policy names it first).
    state_machine_name: str
    region: pulumi.Input[str]
    account: pulumi.Input[str]
    #: The engine lists the shards and decides; the collector collects a batch of shards.
    engine_function_arn: pulumi.Input[str]
    collector_function_arn: pulumi.Input[str]
    #: The artifacts bucket, where the engine writes each run's shard list.
    bucket_arn: pulumi.Input[str]
    #: The key encrypting the bucket's objects and the log group.
    key_arn: pulumi.Input[str]
    log_retention_days: pulumi.Input[int]
    fan_out: FanOut


class FanOutCycle(pulumi.ComponentResource):
    """The cycle as a Distributed Map over shards: see :class:`FanOut`."""

    def __init__(
        self, name: str, args: FanOutCycleArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_PREFIX + "FanOutCycle", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        prefix, tags, fan_out = args.prefix, args.tags, args.fan_out
        arn = state_machine_arn(args.region, args.account, args.state_machine_name)
        shard_lists = pulumi.Output.concat(args.bucket_arn, "/", wiring.SHARDS_PREFIX, "*")
        self.state_machine = logged_state_machine(
            "cycle",
            f"{prefix}-cycle",
            name=args.state_machine_name,
            definition=pulumi.Output.all(
                args.engine_function_arn, args.collector_function_arn
            ).apply(
                lambda a: json.dumps(
                    documents.fan_out_state_machine(
                        a[0],
                        a[1],
                        max_concurrency=fan_out.max_concurrency,
                        batch_size=fan_out.batch_size,
                        tolerated_failure_percentage=fan_out.tolerated_failure_percentage,
                        retries=fan_out.retries,
                    )
                )
            ),
            policy=pulumi.Output.all(
                arn,
                args.engine_function_arn,
                args.collector_function_arn,
                shard_lists,
                args.key_arn,
            ).apply(
                lambda a: json.dumps(documents.cycle_policy(a[0], a[1:3], a[3], a[4], COLLECT))
            ),
            prefix=prefix,
            tags=tags,
            key_arn=args.key_arn,
            log_retention_days=args.log_retention_days,
            # 4,000 shards' worth of state: the errors logged say which batch failed
            include_execution_data=False,
            opts=child,
        )
        #: The role the schedule starts the cycle with.
        self.starter_role = aws.iam.Role(
            f"{prefix}-cycle-starter",
            assume_role_policy=json.dumps(documents.assume_role("events.amazonaws.com")),
            tags=tags,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{prefix}-cycle-starter-policy",
            role=self.starter_role.id,
            policy=arn.apply(lambda arn: json.dumps(documents.start_execution_policy(arn))),
            opts=child,
        )
        self.register_outputs({"state_machine_arn": self.state_machine.arn})


def fan_out_cycle(
    automation: Any,
    name: str,
    shared: dict[str, Any],
    part: pulumi.ResourceOptions,
    region: pulumi.Input[str],
    account: pulumi.Input[str],
) -> FanOutCycle | None:
    """The automation's fan-out cycle, when its args ask for one."""
    args = automation.args
    if args.fan_out is None:
        return None
    functions = automation.functions
    return FanOutCycle(
        f"{name}-fan-out-cycle",
        FanOutCycleArgs(
            **shared,
            state_machine_name=f"quotapilot-{args.environment}-{name}-cycle",
            region=region,
            account=account,
            engine_function_arn=functions[wiring.FUNCTION_ENGINE].arn,
            collector_function_arn=functions[wiring.FUNCTION_COLLECTOR].arn,
            bucket_arn=automation.artifacts.arn,
            key_arn=automation.key.arn,
            log_retention_days=args.checked("log_retention_days"),
            fan_out=args.fan_out,
        ),
        part,
    )


def function_settings(fan_out: FanOut) -> dict[str, Any]:
    """The functions with the fan-out cycle: the collector too, and time for the engine to
    decide over a whole organisation's rows."""
    return {
        "functions": (*wiring.FUNCTIONS, wiring.FUNCTION_COLLECTOR),
        "overrides": {
            wiring.FUNCTION_ENGINE: {"timeout": 900},
            wiring.FUNCTION_COLLECTOR: {
                "timeout": fan_out.collector_timeout_seconds,
                "memory_size": fan_out.collector_memory_mb,
                # The Map's MaxConcurrency bounds it; reserving that much would take it from
                # the account's pool for good (and fail where the account's limit is low).
                "reserved_concurrent_executions": None,
            },
        },
    }

"""Event routing: quotapilot's events and AWS Health's quota breaches to the events
function, schedules to the engine, and what fails to be delivered to the dead-letter queue."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from quotapilot import wiring
from quotapilot.components import documents
from quotapilot.components.part import TYPE_PREFIX, PartArgs, resource_options


@dataclass(frozen=True, kw_only=True)
class EventRoutingArgs(PartArgs):
    #: The bus quotapilot's own events travel on.
    bus_name: pulumi.Input[str]
    #: The events function, which acts on events (and its name, for the invoke permission).
    events_function_arn: pulumi.Input[str]
    events_function_name: pulumi.Input[str]
    #: The engine, which runs on schedules.
    engine_function_arn: pulumi.Input[str]
    engine_function_name: pulumi.Input[str]
    #: Where undeliverable events go.
    dead_letters_arn: pulumi.Input[str]
    dead_letters_url: pulumi.Input[str]
    #: How often the engine runs its cycle.
    schedule: pulumi.Input[str]
    #: How often the regression watch runs; None: it doesn't (there is nothing to watch, and
    #: a run would fail every time).
    regression_schedule: pulumi.Input[str] | None = None
    #: The fan-out cycle's state machine and the role that may start it: the cycle schedule
    #: starts it instead of invoking the engine. None: the engine runs the cycle itself.
    cycle_state_machine: tuple[pulumi.Input[str], pulumi.Input[str]] | None = None


class EventRouting(pulumi.ComponentResource):
    """Rules, their targets (retried, then dead-lettered) and the functions' invoke grants."""

    def __init__(
        self, name: str, args: EventRoutingArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_PREFIX + "EventRouting", name, None, opts)
        child = resource_options(self, opts)
        prefix = args.prefix
        events = (args.events_function_arn, args.events_function_name)
        engine = (args.engine_function_arn, args.engine_function_name)
        #: quotapilot's detail type -> the rule that routes it.
        self.rules: dict[str, aws.cloudwatch.EventRule] = {}
        targets = []
        for index, detail_type in enumerate(wiring.DETAIL_TYPES):
            rule = aws.cloudwatch.EventRule(
                f"{prefix}-rule-{index}",
                event_bus_name=args.bus_name,
                description=f"quotapilot: {detail_type}",
                event_pattern=json.dumps(documents.threshold_pattern(detail_type)),
                opts=child,
            )
            targets.append((rule, events, None, args.bus_name, False))
            self.rules[detail_type] = rule
        breach = aws.cloudwatch.EventRule(
            f"{prefix}-sq-breach",
            description="Service Quotas threshold breaches (AWS Health)",
            event_pattern=json.dumps(documents.service_quotas_pattern()),
            opts=child,
        )
        targets.append((breach, events, None, None, False))
        schedules = [("cycle", args.schedule, wiring.ACTION_CYCLE)]
        if args.regression_schedule is not None:
            schedules.append(
                ("regression-watch", args.regression_schedule, wiring.ACTION_REGRESSION_WATCH)
            )
        for rule_name, expression, action in schedules:
            rule = aws.cloudwatch.EventRule(
                f"{prefix}-{rule_name}",
                schedule_expression=expression,
                description=f"quotapilot: {action}",
                opts=child,
            )
            if action == wiring.ACTION_CYCLE and args.cycle_state_machine is not None:
                # Each run of the state machine lists its shards: it takes no input.
                targets.append((rule, args.cycle_state_machine, "{}", None, True))
            else:
                targets.append((rule, engine, json.dumps({"action": action}), None, False))
        # (rule, (target ARN, function name or starting role), input, bus, started by a role)
        for index, (rule, (arn, name_or_role), payload, bus, by_role) in enumerate(targets):
            aws.cloudwatch.EventTarget(
                f"{prefix}-target-{index}",
                rule=rule.name,
                event_bus_name=bus,
                arn=arn,
                role_arn=name_or_role if by_role else None,
                input=payload,
                retry_policy={"maximum_event_age_in_seconds": 3600, "maximum_retry_attempts": 8},
                dead_letter_config={"arn": args.dead_letters_arn},
                opts=child,
            )
            if by_role:
                continue  # the role starts it; a state machine has no resource policy
            aws.lambda_.Permission(
                f"{prefix}-invoke-{index}",
                action="lambda:InvokeFunction",
                function=name_or_role,
                principal="events.amazonaws.com",
                source_arn=rule.arn,
                opts=child,
            )
        rule_arns = [rule.arn for rule, *_ in targets]
        aws.sqs.QueuePolicy(
            f"{prefix}-dlq-policy",
            queue_url=args.dead_letters_url,
            policy=pulumi.Output.all(args.dead_letters_arn, *rule_arns).apply(
                lambda a: json.dumps(documents.dead_letters_policy(a[0], a[1:]))
            ),
            opts=child,
        )
        self.register_outputs({"rule_arns": rule_arns})

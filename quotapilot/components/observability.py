"""Observability: the environment's dashboard, and alarms that page through the alerts
topic (which CloudWatch may publish to, for this account's alarms only)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from quotapilot import wiring
from quotapilot.components import documents
from quotapilot.components.part import TYPE_PREFIX, PartArgs, resource_options


@dataclass(frozen=True, kw_only=True)
class ObservabilityArgs(PartArgs):
    #: Environment name: the dashboard's and the alarms' names.
    environment: str
    region: pulumi.Input[str]
    account: pulumi.Input[str]
    #: Function (engine, events, approval) -> its physical name.
    function_names: Mapping[str, pulumi.Input[str]]
    state_machine_arn: pulumi.Input[str]
    dead_letters_name: pulumi.Input[str]
    #: Where the alarms publish.
    alerts_topic_arn: pulumi.Input[str]
    #: The fan-out cycle's state machine, if the stack has one.
    cycle_state_machine_arn: pulumi.Input[str] | None = None


class Observability(pulumi.ComponentResource):
    """A dashboard, and alarms on engine errors, dead letters, workflow and fan-out cycle
    failures."""

    def __init__(
        self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_PREFIX + "Observability", name, None, opts)
        child = resource_options(self, opts)
        prefix, environment = args.prefix, args.environment
        functions = list(args.function_names)
        self.dashboard = aws.cloudwatch.Dashboard(
            f"{prefix}-dashboard",
            dashboard_name=f"quotapilot-{environment}",
            dashboard_body=pulumi.Output.all(
                args.region,
                args.state_machine_arn,
                args.dead_letters_name,
                args.cycle_state_machine_arn,
                *args.function_names.values(),
            ).apply(
                lambda a: json.dumps(
                    documents.dashboard(
                        a[0],
                        environment,
                        dict(zip(functions, a[4:], strict=True)),
                        a[1],
                        a[2],
                        cycle_state_machine_arn=a[3],
                    )
                )
            ),
            opts=child,
        )
        self.dashboard_url = pulumi.Output.concat(
            "https://console.aws.amazon.com/cloudwatch/home?region=",
            args.region,
            "#dashboards:name=quotapilot-",
            environment,
        )
        engine = args.function_names[wiring.FUNCTION_ENGINE]
        alarms = [
            ("engine-errors", "AWS/Lambda", "Errors", {"FunctionName": engine}, "Sum"),
            (
                "dead-letters",
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                {"QueueName": args.dead_letters_name},
                "Maximum",
            ),
            (
                "workflow-failures",
                "AWS/States",
                "ExecutionsFailed",
                {"StateMachineArn": args.state_machine_arn},
                "Sum",
            ),
        ]
        if args.cycle_state_machine_arn is not None:
            # A run that failed decided nothing: as the engine's errors on the single cycle.
            alarms.append(
                (
                    "cycle-failures",
                    "AWS/States",
                    "ExecutionsFailed",
                    {"StateMachineArn": args.cycle_state_machine_arn},
                    "Sum",
                )
            )
        for alarm, namespace, metric, dimensions, statistic in alarms:
            aws.cloudwatch.MetricAlarm(
                f"{prefix}-{alarm}",
                namespace=namespace,
                metric_name=metric,
                dimensions=dimensions,
                statistic=statistic,
                period=300,
                evaluation_periods=1,
                threshold=0,
                comparison_operator="GreaterThanThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[args.alerts_topic_arn],
                alarm_description=f"quotapilot {environment}: {alarm}",
                opts=child,
            )
        aws.sns.TopicPolicy(
            f"{prefix}-alerts-policy",
            arn=args.alerts_topic_arn,
            policy=pulumi.Output.all(args.alerts_topic_arn, args.account).apply(
                lambda a: json.dumps(documents.alarms_topic_policy(a[0], a[1]))
            ),
            opts=child,
        )
        self.register_outputs({"dashboard_url": self.dashboard_url})

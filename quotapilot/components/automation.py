"""``QuotaAutomation``: one environment's complete quota automation stack.

``QuotaAutomation("quota")`` with no arguments builds a safe stack: a customer-managed KMS
key (rotated) encrypting every table, topic, queue and log group; on-demand tables with
point-in-time recovery; the functions with their own least-privilege roles (built from
the Lambda code's own declarations, :data:`quotapilot.engine.permissions.FUNCTION_NEEDS`),
X-Ray, a dead-letter queue and reserved concurrency; the EventBridge bus, rules and
schedules; the approval workflow (a task token: no polling); alerts; a dashboard and alarms.
With ``fan_out``, the schedule starts the fan-out cycle (:mod:`quotapilot.components.cycle`).

It composes its parts (:mod:`quotapilot.components.part` says why their resources carry
aliases): each takes what it needs as inputs and exposes what it made as attributes.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from quotapilot import wiring
from quotapilot.components import documents, environment
from quotapilot.components.args import QuotaAutomationArgs
from quotapilot.components.artifacts import Artifacts, ArtifactsArgs
from quotapilot.components.cycle import fan_out_cycle, function_settings
from quotapilot.components.functions import Functions, FunctionsArgs
from quotapilot.components.messaging import Messaging, MessagingArgs
from quotapilot.components.observability import Observability, ObservabilityArgs
from quotapilot.components.routing import EventRouting, EventRoutingArgs
from quotapilot.components.state_machine import state_machine_arn
from quotapilot.components.tables import Tables, TablesArgs
from quotapilot.components.workflow import ApprovalWorkflow, ApprovalWorkflowArgs

TYPE = "quotapilot:index:QuotaAutomation"


class QuotaAutomation(pulumi.ComponentResource):
    """The automation stack for one environment. See :class:`QuotaAutomationArgs`."""

    def __init__(
        self,
        name: str,
        args: QuotaAutomationArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE, name, None, opts)
        self.args = args = args or QuotaAutomationArgs()
        part = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        region = aws.get_region_output(opts=invoke).region
        self.account = account = aws.get_caller_identity_output(opts=invoke).account_id
        tags = {"quotapilot:environment": args.environment}
        # The engine starts the approval workflow, and the workflow invokes the engine: the
        # workflow's name is fixed here so the engine's environment can name its ARN before
        # either exists.
        self.state_machine_name = f"quotapilot-{args.environment}-{name}-approval"
        self.state_machine_arn = state_machine_arn(region, account, self.state_machine_name)
        self.key = aws.kms.Key(
            f"{name}-key",
            description=f"quotapilot {args.environment}: data at rest",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            tags=tags,
            policy=pulumi.Output.all(account, region).apply(
                lambda a: json.dumps(documents.key_policy(a[0], a[1]))
            ),
            opts=part,
        )
        shared = {"prefix": name, "tags": tags}
        self.tables = Tables(
            f"{name}-tables", TablesArgs(**shared, key_arn=self.key.arn), part
        ).tables
        messaging = Messaging(
            f"{name}-messaging",
            MessagingArgs(
                **shared,
                key_id=self.key.id,
                alert_subscriptions=args.alert_subscriptions(),
            ),
            part,
        )
        self.alerts_topic, self.events_topic = messaging.alerts_topic, messaging.events_topic
        self.dead_letters, self.bus = messaging.dead_letters, messaging.bus
        artifacts = Artifacts(
            f"{name}-artifact-store",
            ArtifactsArgs(
                **shared, key_arn=self.key.arn, baseline_snapshot=args.regression_baseline_snapshot
            ),
            part,
        )
        self.artifacts = artifacts.bucket
        #: Where the regression watch reads the load-test quotas.
        self.regression_baseline = artifacts.baseline_snapshot_url or args.checked(
            "regression_baseline"
        )
        stack = (args, self.tables, messaging, self.state_machine_arn, self.regression_baseline)
        fan_out = args.fan_out
        functions = Functions(
            f"{name}-functions",
            FunctionsArgs(
                **shared,
                key_arn=self.key.arn,
                bucket_id=self.artifacts.id,
                dead_letters_arn=self.dead_letters.arn,
                environment=environment.function_environment(*stack, self.artifacts.id),
                resource_arns=environment.resource_arns(*stack, self.artifacts.arn, self.key.arn),
                resource_conditions=environment.resource_conditions(args),
                log_retention_days=args.checked("log_retention_days"),
                memory_mb=args.checked("memory_mb"),
                reserved_concurrency=args.checked("reserved_concurrency"),
                code=args.code,
                **(function_settings(fan_out) if fan_out is not None else {}),
            ),
            part,
        )
        self.functions, self.roles = functions.functions, functions.roles
        #: What member accounts trust (QuotaMemberRoleArgs.engine_role_name).
        self.engine_role_name = self.roles[wiring.FUNCTION_ENGINE].name
        #: With the fan-out cycle, what member accounts trust too (the collector reads them).
        self.collector_role_name = self.roles[wiring.FUNCTION_COLLECTOR].name if fan_out else None
        self.log_groups = functions.log_groups
        engine = self.functions[wiring.FUNCTION_ENGINE]
        approval = self.functions[wiring.FUNCTION_APPROVAL]
        workflow = ApprovalWorkflow(
            f"{name}-approval-workflow",
            ApprovalWorkflowArgs(
                **shared,
                state_machine_name=self.state_machine_name,
                approval_function_arn=approval.arn,
                approval_function_name=approval.name,
                engine_function_arn=engine.arn,
                events_topic_arn=self.events_topic.arn,
                key_arn=self.key.arn,
                timeout_seconds=args.checked("approval_timeout_seconds"),
                log_retention_days=args.checked("log_retention_days"),
            ),
            part,
        )
        self.state_machine = workflow.state_machine
        self.approval_url_resource = workflow.approval_url
        cycle = fan_out_cycle(self, name, shared, part, region, account)
        #: The fan-out cycle's state machine (None: the engine runs the cycle on its own).
        self.cycle_state_machine = cycle.state_machine if cycle else None
        events = self.functions[wiring.FUNCTION_EVENTS]
        self.rules = EventRouting(
            f"{name}-event-routing",
            EventRoutingArgs(
                **shared,
                bus_name=self.bus.name,
                events_function_arn=events.arn,
                events_function_name=events.name,
                engine_function_arn=engine.arn,
                engine_function_name=engine.name,
                dead_letters_arn=self.dead_letters.arn,
                dead_letters_url=self.dead_letters.url,
                schedule=args.checked("schedule"),
                regression_schedule=(
                    args.checked("regression_schedule") if args.regression_watch else None
                ),
                cycle_state_machine=(
                    (cycle.state_machine.arn, cycle.starter_role.arn) if cycle else None
                ),
            ),
            part,
        ).rules
        observability = Observability(
            f"{name}-observability",
            ObservabilityArgs(
                **shared,
                environment=args.environment,
                region=region,
                account=account,
                function_names={f: fn.name for f, fn in self.functions.items()},
                state_machine_arn=self.state_machine.arn,
                dead_letters_name=self.dead_letters.name,
                alerts_topic_arn=self.alerts_topic.arn,
                cycle_state_machine_arn=cycle.state_machine.arn if cycle else None,
            ),
            part,
        )
        self.dashboard, self.dashboard_url = observability.dashboard, observability.dashboard_url
        self.register_outputs(
            {
                "tables": {k: t.name for k, t in self.tables.items()},
                "alerts_topic_arn": self.alerts_topic.arn,
                "events_topic_arn": self.events_topic.arn,
                "bus_name": self.bus.name,
                "state_machine_arn": self.state_machine.arn,
                "approval_url": self.approval_url_resource.function_url,
                "dashboard_url": self.dashboard_url,
                "engine_role_name": self.engine_role_name,
                "collector_role_name": self.collector_role_name,
                "cycle_state_machine_arn": cycle.state_machine.arn if cycle else None,
            }
        )

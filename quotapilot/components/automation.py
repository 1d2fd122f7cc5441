"""``QuotaAutomation``: one environment's complete quota automation stack.

``QuotaAutomation("quota")`` with no arguments builds a safe stack: a customer-managed KMS
key (rotated) encrypting every table, topic, queue and log group; on-demand tables with
point-in-time recovery; the three functions with their own least-privilege roles (built from
the Lambda code's own declarations, :data:`quotapilot.engine.permissions.FUNCTION_NEEDS`),
X-Ray, a dead-letter queue and reserved concurrency; the EventBridge bus, rules and
schedules; the approval workflow (a task token: no polling); alerts; a dashboard and alarms.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pulumi
import pulumi_aws as aws

from quotapilot import envvalues, permissions, wiring
from quotapilot.components import bundle, documents
from quotapilot.components.args import QuotaAutomationArgs

TYPE = "quotapilot:index:QuotaAutomation"
#: The functions EventBridge invokes asynchronously: they retry, then dead-letter.
ASYNC_FUNCTIONS = (wiring.FUNCTION_ENGINE, wiring.FUNCTION_EVENTS)


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
        child = pulumi.ResourceOptions(parent=self)
        region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region
        account = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id
        tags = {"quotapilot:environment": args.environment}
        self.account = account
        # The engine starts the approval workflow, and the workflow invokes the engine: the
        # workflow's name is fixed here so the engine's environment can name its ARN before
        # either exists.
        self.state_machine_name = f"quotapilot-{args.environment}-{name}-approval"
        self.state_machine_arn = pulumi.Output.concat(
            "arn:aws:states:", region, ":", account, ":stateMachine:", self.state_machine_name
        )

        self.key = aws.kms.Key(
            f"{name}-key",
            description=f"quotapilot {args.environment}: data at rest",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            tags=tags,
            policy=pulumi.Output.all(account, region).apply(
                lambda a: json.dumps(_key_policy(a[0], a[1]))
            ),
            opts=child,
        )
        self.tables = self._tables(name, args, tags, child)
        self.alerts_topic = aws.sns.Topic(
            f"{name}-alerts", kms_master_key_id=self.key.id, tags=tags, opts=child
        )
        self.events_topic = aws.sns.Topic(
            f"{name}-events", kms_master_key_id=self.key.id, tags=tags, opts=child
        )
        subscriptions = [
            *(("email", "alert_emails", e) for e in args.alert_emails),
            *(("https", "alert_https_endpoints", url) for url in args.alert_https_endpoints),
            *(("sqs", "alert_sqs_queue_arns", arn) for arn in args.alert_sqs_queue_arns),
        ]
        for index, (protocol, field_name, endpoint) in enumerate(subscriptions):
            aws.sns.TopicSubscription(
                f"{name}-alerts-{protocol}-{index}",
                topic=self.alerts_topic.arn,
                protocol=protocol,
                endpoint=args.checked(field_name, endpoint),
                raw_message_delivery=protocol == "sqs",
                opts=child,
            )
        self.dead_letters = aws.sqs.Queue(
            f"{name}-dlq",
            kms_master_key_id=self.key.id,
            message_retention_seconds=1_209_600,
            tags=tags,
            opts=child,
        )
        self.bus = aws.cloudwatch.EventBus(f"{name}-bus", tags=tags, opts=child)
        self.artifacts = self._artifacts(name, tags, child)
        self.regression_baseline = self._regression_baseline(name, args, child)
        self.functions = self._functions(name, args, tags, child, account)
        self.state_machine = self._workflow(name, args, tags, child)
        self._wire_roles(name, account, child)
        self._events(name, args, child)
        self._observability(name, args, region, child)
        self.approval_url_resource = aws.lambda_.FunctionUrl(
            f"{name}-approval-url",
            function_name=self.functions[wiring.FUNCTION_APPROVAL].name,
            authorization_type="AWS_IAM",
            opts=child,
        )
        self.register_outputs(
            {
                "tables": {k: t.name for k, t in self.tables.items()},
                "alerts_topic_arn": self.alerts_topic.arn,
                "events_topic_arn": self.events_topic.arn,
                "bus_name": self.bus.name,
                "state_machine_arn": self.state_machine.arn,
                "approval_url": self.approval_url_resource.function_url,
                "dashboard_url": self.dashboard_url,
            }
        )

    # Data --------------------------------------------------------------------------------

    def _tables(
        self, name: str, args: QuotaAutomationArgs, tags, child
    ) -> dict[str, aws.dynamodb.Table]:
        layouts = {
            permissions.TABLE_MONITORING: (wiring.ENV_MONITORING_TABLE, wiring.TTL_ATTRIBUTE),
            permissions.TABLE_RULES: (wiring.ENV_RULES_TABLE, None),
            permissions.TABLE_LOG: (wiring.ENV_LOG_TABLE, wiring.TTL_ATTRIBUTE),
            permissions.TABLE_EVENTS: (wiring.ENV_EVENTS_TABLE, wiring.TTL_ATTRIBUTE),
            permissions.TABLE_IDEMPOTENCY: (
                wiring.ENV_IDEMPOTENCY_TABLE,
                wiring.IDEMPOTENCY_TTL_ATTRIBUTE,
            ),
            # The ledger's usage is a running total: it must never expire.
            permissions.TABLE_LEDGER: (wiring.ENV_LEDGER_TABLE, None),
        }
        tables = {}
        for logical, (env, ttl) in layouts.items():
            hash_key, range_key = wiring.TABLE_KEYS.get(env, ("pk", "sk"))
            attributes = [{"name": hash_key, "type": "S"}]
            if range_key:
                attributes.append({"name": range_key, "type": "S"})
            indexes = []
            if env in wiring.TABLE_INDEXES:
                index, (by, by_type), (then, then_type) = wiring.TABLE_INDEXES[env]
                attributes += [{"name": by, "type": by_type}, {"name": then, "type": then_type}]
                indexes.append(
                    {"name": index, "hash_key": by, "range_key": then, "projection_type": "ALL"}
                )
            short = logical.split(":", 1)[1]
            tables[logical] = aws.dynamodb.Table(
                f"{name}-{short}",
                billing_mode="PAY_PER_REQUEST",
                hash_key=hash_key,
                range_key=range_key,
                attributes=attributes,
                global_secondary_indexes=indexes or None,
                point_in_time_recovery={"enabled": True},
                server_side_encryption={"enabled": True, "kms_key_arn": self.key.arn},
                ttl={"attribute_name": ttl, "enabled": True} if ttl else None,
                deletion_protection_enabled=logical
                in (permissions.TABLE_LOG, permissions.TABLE_LEDGER),
                tags=tags,
                opts=child,
            )
        return tables

    def _artifacts(self, name, tags, child) -> aws.s3.Bucket:
        """A private, encrypted, versioned bucket for the Lambda packages."""
        bucket = aws.s3.Bucket(f"{name}-artifacts", tags=tags, opts=child)
        aws.s3.BucketPublicAccessBlock(
            f"{name}-artifacts-private",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketVersioning(
            f"{name}-artifacts-versions",
            bucket=bucket.id,
            versioning_configuration={"status": "Enabled"},
            opts=child,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-artifacts-encryption",
            bucket=bucket.id,
            rules=[
                {
                    "apply_server_side_encryption_by_default": {
                        "sse_algorithm": "aws:kms",
                        "kms_master_key_id": self.key.arn,
                    },
                    "bucket_key_enabled": True,
                }
            ],
            opts=child,
        )
        return bucket

    def _regression_baseline(self, name, args: QuotaAutomationArgs, child) -> pulumi.Input[str]:
        """Where the regression watch reads the load-test quotas: the source the config names,
        or the snapshot file the config gives, uploaded to the artifacts bucket."""
        if not args.regression_baseline_snapshot:
            return args.checked("regression_baseline")
        key = "snapshots/regression-baseline" + Path(args.regression_baseline_snapshot).suffix
        snapshot = aws.s3.BucketObjectv2(
            f"{name}-regression-baseline",
            bucket=self.artifacts.id,
            key=key,
            source=pulumi.FileAsset(str(Path(args.regression_baseline_snapshot).resolve())),
            server_side_encryption="aws:kms",
            kms_key_id=self.key.arn,
            opts=child,
        )
        return pulumi.Output.concat("s3://", snapshot.bucket, "/", snapshot.key)

    # Functions ---------------------------------------------------------------------------

    def _functions(self, name, args: QuotaAutomationArgs, tags, child, account):
        from quotapilot.engine.permissions import FUNCTION_ENV

        functions: dict[str, aws.lambda_.Function] = {}
        self.roles: dict[str, aws.iam.Role] = {}
        self.log_groups: dict[str, aws.cloudwatch.LogGroup] = {}
        env_values = self._env_values(args)
        for function in wiring.FUNCTIONS:
            log_group = aws.cloudwatch.LogGroup(
                f"{name}-{function}-logs",
                retention_in_days=args.checked("log_retention_days"),
                kms_key_id=self.key.arn,
                tags=tags,
                opts=child,
            )
            # Packages go through S3: the engine's (with the forecaster) is over Lambda's
            # 50 MB direct-upload limit, and one path for all keeps them alike.
            package = aws.s3.BucketObjectv2(
                f"{name}-{function}-package",
                bucket=self.artifacts.id,
                key=f"lambda/{function}.zip",
                source=_code(function, args),
                server_side_encryption="aws:kms",
                kms_key_id=self.key.arn,
                opts=child,
            )
            role = aws.iam.Role(
                f"{name}-{function}-role",
                assume_role_policy=json.dumps(documents.assume_role("lambda.amazonaws.com")),
                tags=tags,
                opts=child,
            )
            variables = {
                env: env_values[env] for env in FUNCTION_ENV[function] if env in env_values
            }
            functions[function] = aws.lambda_.Function(
                f"{name}-{function}",
                runtime="python3.11",
                handler="handler.handler",
                architectures=["x86_64"],
                s3_bucket=self.artifacts.id,
                s3_key=package.key,
                s3_object_version=package.version_id,
                role=role.arn,
                timeout=300 if function == wiring.FUNCTION_ENGINE else 60,
                memory_size=args.checked("memory_mb"),
                reserved_concurrent_executions=args.checked("reserved_concurrency"),
                environment={"variables": variables},
                kms_key_arn=self.key.arn,
                tracing_config={"mode": "Active"},
                # Only asynchronously invoked functions can dead-letter (the approval function
                # is called synchronously): no DLQ, and no SendMessage grant, for the rest.
                dead_letter_config=(
                    {"target_arn": self.dead_letters.arn} if function in ASYNC_FUNCTIONS else None
                ),
                logging_config={"log_format": "JSON", "log_group": log_group.name},
                tags=tags,
                opts=child,
            )
            self.roles[function] = role
            self.log_groups[function] = log_group
        # Asynchronous invocations (EventBridge) retry twice, then land in the DLQ.
        for function in ASYNC_FUNCTIONS:
            aws.lambda_.FunctionEventInvokeConfig(
                f"{name}-{function}-async",
                function_name=functions[function].name,
                maximum_retry_attempts=2,
                maximum_event_age_in_seconds=3600,
                destination_config={"on_failure": {"destination": self.dead_letters.arn}},
                opts=child,
            )
        return functions

    def _env_values(self, args: QuotaAutomationArgs) -> Mapping[str, pulumi.Input[str]]:
        t = self.tables
        return {
            wiring.ENV_MONITORING_TABLE: t[permissions.TABLE_MONITORING].name,
            wiring.ENV_RULES_TABLE: t[permissions.TABLE_RULES].name,
            wiring.ENV_LOG_TABLE: t[permissions.TABLE_LOG].name,
            wiring.ENV_EVENTS_TABLE: t[permissions.TABLE_EVENTS].name,
            wiring.ENV_IDEMPOTENCY_TABLE: t[permissions.TABLE_IDEMPOTENCY].name,
            wiring.ENV_LEDGER_TABLE: t[permissions.TABLE_LEDGER].name,
            wiring.ENV_ALERTS_TOPIC_ARN: self.alerts_topic.arn,
            wiring.ENV_EVENTS_TOPIC_ARN: self.events_topic.arn,
            wiring.ENV_EVENT_BUS: self.bus.name,
            wiring.ENV_APPROVAL_STATE_MACHINE_ARN: self.state_machine_arn,
            wiring.ENV_APPROVERS: _encoded(args, "approvers", envvalues.encode_list),
            wiring.ENV_ACCOUNTS: _encoded(
                args,
                "accounts",
                lambda accounts, role: envvalues.encode_accounts(accounts, role),
                args.checked("member_role_name"),
            ),
            wiring.ENV_REGIONS: _encoded(args, "regions", envvalues.encode_list),
            wiring.ENV_REGRESSION_WATCH: _encoded(
                args,
                "regression_watch",
                lambda quotas, serving, baseline: envvalues.encode_watch(serving, baseline, quotas),
                args.checked("regression_serving"),
                self.regression_baseline,
            ),
            wiring.ENV_ENVIRONMENT: args.environment,
        }

    def _logical_arns(self, account) -> dict[str, list[pulumi.Output[str]]]:
        t = self.tables
        return {
            **{logical: [table.arn] for logical, table in t.items()},
            permissions.TOPIC_ALERTS: [self.alerts_topic.arn],
            permissions.TOPIC_EVENTS: [self.events_topic.arn],
            permissions.EVENT_BUS: [self.bus.arn],
            permissions.STATE_MACHINE: [self.state_machine.arn],
            permissions.DEAD_LETTER_QUEUE: [self.dead_letters.arn],
            permissions.KMS_KEY: [self.key.arn],
            permissions.MEMBER_ACCOUNT_ROLE: [
                pulumi.Output.concat("arn:aws:iam::*:role/", self.args.checked("member_role_name"))
            ],
            permissions.BASELINE_SNAPSHOT: [
                pulumi.Output.from_input(self.regression_baseline).apply(_snapshot_arn)
            ],
            permissions.LOADTEST_ROLE: [
                pulumi.Output.from_input(self.regression_baseline).apply(_loadtest_role)
            ],
        }

    def _wire_roles(self, name, account, child) -> None:
        from quotapilot.engine.permissions import FUNCTION_NEEDS

        logical = self._logical_arns(account)
        keys = list(logical)
        flat = [arn for k in keys for arn in logical[k]]
        sizes = [len(logical[k]) for k in keys]
        for function, role in self.roles.items():
            needs = FUNCTION_NEEDS[function]

            def render(values, needs=needs, function=function):
                arns, at = {}, 0
                for key, size in zip(keys, sizes, strict=True):
                    arns[key] = [arn for arn in values[at : at + size] if arn]
                    at += size
                log_arn, dlq = values[-2], values[-1]
                dlq = dlq if function in ASYNC_FUNCTIONS else None
                return json.dumps(documents.function_policy(needs, arns, log_arn, dlq))

            aws.iam.RolePolicy(
                f"{name}-{function}-policy",
                role=role.id,
                policy=pulumi.Output.all(
                    *flat, self.log_groups[function].arn, self.dead_letters.arn
                ).apply(render),
                opts=child,
            )

    # Workflow ----------------------------------------------------------------------------

    def _workflow(self, name, args: QuotaAutomationArgs, tags, child) -> aws.sfn.StateMachine:
        approval = self.functions[wiring.FUNCTION_APPROVAL]
        engine = self.functions[wiring.FUNCTION_ENGINE]
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-workflow-logs",
            retention_in_days=args.checked("log_retention_days"),
            kms_key_id=self.key.arn,
            tags=tags,
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-workflow-role",
            assume_role_policy=json.dumps(documents.assume_role("states.amazonaws.com")),
            tags=tags,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-workflow-policy",
            role=role.id,
            policy=pulumi.Output.all(
                approval.arn, engine.arn, self.events_topic.arn, self.key.arn
            ).apply(
                lambda a: json.dumps(
                    {
                        "Version": documents.VERSION,
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["lambda:InvokeFunction"],
                                "Resource": [a[0], a[1]],
                            },
                            {"Effect": "Allow", "Action": ["sns:Publish"], "Resource": [a[2]]},
                            {
                                "Effect": "Allow",
                                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                                "Resource": [a[3]],
                            },
                            # Log delivery and X-Ray actions take no resource-level permissions.
                            {
                                "Effect": "Allow",
                                "Resource": ["*"],
                                "Action": [
                                    "logs:CreateLogDelivery",
                                    "logs:DeleteLogDelivery",
                                    "logs:DescribeLogGroups",
                                    "logs:DescribeResourcePolicies",
                                    "logs:GetLogDelivery",
                                    "logs:ListLogDeliveries",
                                    "logs:PutResourcePolicy",
                                    "logs:UpdateLogDelivery",
                                    "xray:GetSamplingRules",
                                    "xray:GetSamplingTargets",
                                    "xray:PutTelemetryRecords",
                                    "xray:PutTraceSegments",
                                ],
                            },
                        ],
                    }
                )
            ),
            opts=child,
        )
        return aws.sfn.StateMachine(
            f"{name}-approval",
            name=self.state_machine_name,
            role_arn=role.arn,
            type="STANDARD",
            definition=pulumi.Output.all(
                approval.arn,
                engine.arn,
                self.events_topic.arn,
                args.checked("approval_timeout_seconds"),
            ).apply(lambda a: json.dumps(documents.approval_state_machine(*a))),
            logging_configuration={
                "log_destination": log_group.arn.apply(lambda a: f"{a}:*"),
                "include_execution_data": True,
                "level": "ERROR",
            },
            tracing_configuration={"enabled": True},
            tags=tags,
            opts=child,
        )

    # Events ------------------------------------------------------------------------------

    def _events(self, name, args: QuotaAutomationArgs, child) -> None:
        engine = self.functions[wiring.FUNCTION_ENGINE]
        events = self.functions[wiring.FUNCTION_EVENTS]
        self.rules: dict[str, aws.cloudwatch.EventRule] = {}
        targets = []
        for index, detail_type in enumerate(wiring.DETAIL_TYPES):
            rule = aws.cloudwatch.EventRule(
                f"{name}-rule-{index}",
                event_bus_name=self.bus.name,
                description=f"quotapilot: {detail_type}",
                event_pattern=json.dumps(documents.threshold_pattern(detail_type)),
                opts=child,
            )
            targets.append((rule, events, None, self.bus.name))
            self.rules[detail_type] = rule
        breach = aws.cloudwatch.EventRule(
            f"{name}-sq-breach",
            description="Service Quotas threshold breaches (AWS Health)",
            event_pattern=json.dumps(documents.service_quotas_pattern()),
            opts=child,
        )
        targets.append((breach, events, None, None))
        schedules = [("cycle", args.checked("schedule"), wiring.ACTION_CYCLE)]
        if args.regression_watch:  # with nothing to watch the run would fail every time
            schedules.append(
                (
                    "regression-watch",
                    args.checked("regression_schedule"),
                    wiring.ACTION_REGRESSION_WATCH,
                )
            )
        for rule_name, expression, action in schedules:
            rule = aws.cloudwatch.EventRule(
                f"{name}-{rule_name}",
                schedule_expression=expression,
                description=f"quotapilot: {action}",
                opts=child,
            )
            targets.append((rule, engine, json.dumps({"action": action}), None))
        for index, (rule, function, payload, bus) in enumerate(targets):
            aws.cloudwatch.EventTarget(
                f"{name}-target-{index}",
                rule=rule.name,
                event_bus_name=bus,
                arn=function.arn,
                input=payload,
                retry_policy={"maximum_event_age_in_seconds": 3600, "maximum_retry_attempts": 8},
                dead_letter_config={"arn": self.dead_letters.arn},
                opts=child,
            )
            aws.lambda_.Permission(
                f"{name}-invoke-{index}",
                action="lambda:InvokeFunction",
                function=function.name,
                principal="events.amazonaws.com",
                source_arn=rule.arn,
                opts=child,
            )
        rule_arns = [rule.arn for rule, *_ in targets]
        aws.sqs.QueuePolicy(
            f"{name}-dlq-policy",
            queue_url=self.dead_letters.url,
            policy=pulumi.Output.all(self.dead_letters.arn, *rule_arns).apply(
                lambda a: json.dumps(
                    {
                        "Version": documents.VERSION,
                        "Statement": [
                            {
                                "Sid": "EventBridgeDeadLetters",
                                "Effect": "Allow",
                                "Principal": {"Service": "events.amazonaws.com"},
                                "Action": "sqs:SendMessage",
                                "Resource": a[0],
                                "Condition": {"ArnEquals": {"aws:SourceArn": list(a[1:])}},
                            }
                        ],
                    }
                )
            ),
            opts=child,
        )

    # Observability -----------------------------------------------------------------------

    def _observability(self, name, args: QuotaAutomationArgs, region, child) -> None:
        names = {fn: f.name for fn, f in self.functions.items()}
        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=f"quotapilot-{args.environment}",
            dashboard_body=pulumi.Output.all(
                region, self.state_machine.arn, self.dead_letters.name, *names.values()
            ).apply(
                lambda a: json.dumps(
                    documents.dashboard(
                        a[0], args.environment, dict(zip(names, a[3:], strict=True)), a[1], a[2]
                    )
                )
            ),
            opts=child,
        )
        self.dashboard_url = pulumi.Output.concat(
            "https://console.aws.amazon.com/cloudwatch/home?region=",
            region,
            "#dashboards:name=quotapilot-",
            args.environment,
        )
        alarms = [
            (
                "engine-errors",
                "AWS/Lambda",
                "Errors",
                {"FunctionName": self.functions[wiring.FUNCTION_ENGINE].name},
                "Sum",
            ),
            (
                "dead-letters",
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                {"QueueName": self.dead_letters.name},
                "Maximum",
            ),
            (
                "workflow-failures",
                "AWS/States",
                "ExecutionsFailed",
                {"StateMachineArn": self.state_machine.arn},
                "Sum",
            ),
        ]
        for alarm, namespace, metric, dimensions, statistic in alarms:
            aws.cloudwatch.MetricAlarm(
                f"{name}-{alarm}",
                namespace=namespace,
                metric_name=metric,
                dimensions=dimensions,
                statistic=statistic,
                period=300,
                evaluation_periods=1,
                threshold=0,
                comparison_operator="GreaterThanThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[self.alerts_topic.arn],
                alarm_description=f"quotapilot {args.environment}: {alarm}",
                opts=child,
            )
        aws.sns.TopicPolicy(
            f"{name}-alerts-policy",
            arn=self.alerts_topic.arn,
            policy=pulumi.Output.all(self.alerts_topic.arn, self.account).apply(
                lambda a: json.dumps(
                    {
                        "Version": documents.VERSION,
                        "Statement": [
                            {
                                "Sid": "CloudWatchAlarms",
                                "Effect": "Allow",
                                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                "Action": "sns:Publish",
                                "Resource": a[0],
                                # only this account's alarms
                                "Condition": {"StringEquals": {"aws:SourceAccount": a[1]}},
                            }
                        ],
                    }
                )
            ),
            opts=child,
        )


def _encoded(args: QuotaAutomationArgs, name: str, encode, *more) -> pulumi.Output[str]:
    """A list field (and the other inputs its encoding needs) as the environment value the
    Lambda code decodes, through the one codec both sides share."""
    items = [args.checked(name, item) for item in getattr(args, name)]
    count = len(items)
    return pulumi.Output.all(*items, *more).apply(
        lambda values: encode(list(values[:count]), *values[count:])
    )


def _snapshot_arn(baseline: str) -> str:
    """The object an ``s3://BUCKET/KEY`` baseline names, as an ARN; empty otherwise."""
    if not baseline.startswith("s3://"):
        return ""
    return "arn:aws:s3:::" + baseline.removeprefix("s3://")


def _loadtest_role(baseline: str) -> str:
    """The role an ``aws:REGION;role=ARN`` baseline names; empty otherwise."""
    _, _, options = baseline.partition(";")
    name, _, arn = options.partition("=")
    return arn if name == "role" and arn.startswith("arn:aws") else ""


def _code(function: str, args: QuotaAutomationArgs) -> pulumi.Input[pulumi.Archive]:
    given = args.code.get(function)
    if isinstance(given, str):  # a zip built ahead of time (`quotapilot package`)
        return pulumi.FileArchive(given)
    if given is not None:  # an archive, or another resource's output
        return given
    if bundle.offline():
        return pulumi.AssetArchive(
            {"handler.py": pulumi.FileAsset(str(bundle.handler_file(function)))}
        )
    return pulumi.FileArchive(str(bundle.build(function)))


def _key_policy(account: str, region: str) -> dict:
    root = f"arn:aws:iam::{account}:root"
    services = [
        "cloudwatch.amazonaws.com",
        "events.amazonaws.com",
        "sns.amazonaws.com",
        "states.amazonaws.com",
    ]
    return {
        "Version": documents.VERSION,
        "Statement": [
            {
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "LogsEncrypt",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": [
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                "Resource": "*",
                "Condition": {
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:*"
                    }
                },
            },
            {
                "Sid": "ServicesUseForDelivery",
                "Effect": "Allow",
                "Principal": {"Service": services},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            },
        ],
    }

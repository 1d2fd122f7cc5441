"""Create a planned stack on the twin's local AWS, resource by resource, with the planned
settings: what ``pulumi up`` would create, read from the same plan the gate reads.

The mocks give planned resources ARNs in AWS's own layouts; where moto assigns its own (a KMS
key's id), the planned value is replaced by the real one everywhere it appears (environment,
policies, patterns, the state machine's definition), as the engine would resolve it.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quotapilot.domain import PlannedResource
from quotapilot.gate.program import Plan

ACCOUNT = "123456789012"
REGION = "us-east-1"


@dataclass
class FunctionSpec:
    """A planned Lambda function as the twin runs it."""

    role: str  # engine | events | approval
    name: str
    arn: str
    environment: dict[str, str]
    policy: dict[str, Any]
    retries: int = 2
    on_failure: str = ""  # the asynchronous invocations' failure destination (the DLQ)
    timeout: int = 60


@dataclass
class Deployment:
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)  # type token -> count
    skipped: dict[str, str] = field(default_factory=dict)  # type token -> why
    replaced: dict[str, str] = field(default_factory=dict)  # planned value -> real value
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule name -> settings
    queue_url: str = ""
    state_machine_arn: str = ""  # the approval workflow
    #: The fan-out cycle's state machine and the role its schedule starts it with (empty:
    #: the engine runs the cycle itself).
    cycle_state_machine_arn: str = ""
    cycle_starter_role: str = ""
    bus_name: str = ""
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)  # role name -> policy


def _zip(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", text)
    return buffer.getvalue()


def _batch_of_one(state: dict[str, Any]) -> bool:
    """moto's interpreter runs a Distributed Map (its ItemReader, retries, tolerated failures)
    but has no ItemBatcher: a Map's batches become batches of one, built by an ItemSelector
    in the very shape ItemBatcher gives each child ({"Items": [...], "BatchInput": {...}}).
    Everything else runs as planned. Returns whether the state had batches."""
    if "ToleratedFailurePercentage" in state:
        # moto's grammar takes a decimal here only (5.0, not 5): the same number
        state["ToleratedFailurePercentage"] = float(state["ToleratedFailurePercentage"])
    batcher = state.pop("ItemBatcher", None)
    if batcher is None:
        return False
    assert "ItemSelector" not in state, "a Map with both: the twin can't stand in for both"
    state["ItemSelector"] = {
        "Items.$": "States.Array($$.Map.Item.Value)",
        "BatchInput": batcher.get("BatchInput", {}),
    }
    return True


class Materialiser:
    def __init__(
        self, plan: Plan, clients: Callable[[str], Any], *, approval_timeout_s: int | None = None
    ) -> None:
        self.plan = plan
        self.client = clients
        self.approval_timeout_s = approval_timeout_s
        self.deployment = Deployment()
        self._by_urn = {r.urn: r for r in plan.resources}

    # Helpers -----------------------------------------------------------------------------

    def real(self, value: Any) -> Any:
        """``value`` with every planned id moto replaced swapped for the real one."""
        if isinstance(value, str):
            for planned in sorted(self.deployment.replaced, key=len, reverse=True):
                if planned in value:
                    value = value.replace(planned, self.deployment.replaced[planned])
            return value
        if isinstance(value, dict):
            return {k: self.real(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.real(v) for v in value]
        if isinstance(value, float) and value.is_integer():
            return int(value)  # the plan's numbers went through protobuf as floats
        return value

    def of(self, token: str) -> list[PlannedResource]:
        return [r for r in self.plan.resources if r.type == token]

    def props(self, resource: PlannedResource) -> dict[str, Any]:
        return self.real(dict(resource.properties))

    def done(self, resource: PlannedResource) -> None:
        created = self.deployment.created
        created[resource.type] = created.get(resource.type, 0) + 1

    # The stack, in dependency order ------------------------------------------------------

    def run(self) -> Deployment:
        for step in (
            self.keys,
            self.tables,
            self.topics,
            self.queues,
            self.buses,
            self.roles,
            self.buckets,
            self.log_groups,
            self.functions,
            self.state_machines,
            self.rules,
            self.function_extras,
            self.observability,
            self.member_roles,
        ):
            step()
        planned = {r.type for r in self.plan.resources}
        unhandled = planned - set(self.deployment.created) - set(self.deployment.skipped)
        if unhandled:
            raise AssertionError(f"the twin can't create: {sorted(unhandled)}")
        return self.deployment

    def keys(self) -> None:
        kms = self.client("kms")
        for key in self.of("aws:kms/key:Key"):
            p = key.properties
            made = kms.create_key(Description=str(p.get("description", "")))["KeyMetadata"]
            if p.get("enableKeyRotation"):
                kms.enable_key_rotation(KeyId=made["KeyId"])
            self.deployment.replaced[str(p["arn"])] = made["Arn"]
            self.deployment.replaced[key.id] = made["KeyId"]
            self.done(key)

    def tables(self) -> None:
        dynamodb = self.client("dynamodb")
        for table in self.of("aws:dynamodb/table:Table"):
            p = self.props(table)
            keys = [{"AttributeName": p["hashKey"], "KeyType": "HASH"}]
            if p.get("rangeKey"):
                keys.append({"AttributeName": p["rangeKey"], "KeyType": "RANGE"})
            request: dict[str, Any] = {
                "TableName": p["name"],
                "KeySchema": keys,
                "AttributeDefinitions": [
                    {"AttributeName": a["name"], "AttributeType": a["type"]}
                    for a in p["attributes"]
                ],
                "BillingMode": p["billingMode"],
                "SSESpecification": {
                    "Enabled": True,
                    "SSEType": "KMS",
                    "KMSMasterKeyId": p["serverSideEncryption"]["kmsKeyArn"],
                },
                "DeletionProtectionEnabled": bool(p.get("deletionProtectionEnabled")),
            }
            indexes = p.get("globalSecondaryIndexes") or []
            if indexes:
                request["GlobalSecondaryIndexes"] = [
                    {
                        "IndexName": i["name"],
                        "KeySchema": [
                            {"AttributeName": i["hashKey"], "KeyType": "HASH"},
                            {"AttributeName": i["rangeKey"], "KeyType": "RANGE"},
                        ],
                        "Projection": {"ProjectionType": i["projectionType"]},
                    }
                    for i in indexes
                ]
            dynamodb.create_table(**request)
            if p.get("ttl"):
                dynamodb.update_time_to_live(
                    TableName=p["name"],
                    TimeToLiveSpecification={
                        "Enabled": True,
                        "AttributeName": p["ttl"]["attributeName"],
                    },
                )
            if (p.get("pointInTimeRecovery") or {}).get("enabled"):
                dynamodb.update_continuous_backups(
                    TableName=p["name"],
                    PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
                )
            self.done(table)

    def topics(self) -> None:
        sns = self.client("sns")
        for topic in self.of("aws:sns/topic:Topic"):
            p = self.props(topic)
            made = sns.create_topic(
                Name=p["name"], Attributes={"KmsMasterKeyId": str(p.get("kmsMasterKeyId", ""))}
            )["TopicArn"]
            assert made == p["arn"], (made, p["arn"])
            self.done(topic)
        for subscription in self.of("aws:sns/topicSubscription:TopicSubscription"):
            p = self.props(subscription)
            if p["protocol"] in ("email", "https"):
                # An outside endpoint: the twin has no network beyond 127.0.0.1.
                self.deployment.skipped[subscription.type] = "endpoints outside the machine"
                continue
            sns.subscribe(TopicArn=p["topic"], Protocol=p["protocol"], Endpoint=p["endpoint"])
            self.done(subscription)
        for policy in self.of("aws:sns/topicPolicy:TopicPolicy"):
            p = self.props(policy)
            sns.set_topic_attributes(
                TopicArn=p["arn"], AttributeName="Policy", AttributeValue=p["policy"]
            )
            self.done(policy)

    def queues(self) -> None:
        sqs = self.client("sqs")
        for queue in self.of("aws:sqs/queue:Queue"):
            p = self.props(queue)
            url = sqs.create_queue(
                QueueName=p["name"],
                Attributes={
                    "KmsMasterKeyId": str(p.get("kmsMasterKeyId", "")),
                    "MessageRetentionPeriod": str(int(p.get("messageRetentionSeconds", 345600))),
                },
            )["QueueUrl"]
            self.deployment.replaced[str(p["url"])] = url
            self.deployment.queue_url = url
            self.done(queue)
        for policy in self.of("aws:sqs/queuePolicy:QueuePolicy"):
            p = self.props(policy)
            sqs.set_queue_attributes(QueueUrl=p["queueUrl"], Attributes={"Policy": p["policy"]})
            self.done(policy)

    def buses(self) -> None:
        events = self.client("events")
        for bus in self.of("aws:cloudwatch/eventBus:EventBus"):
            made = events.create_event_bus(Name=self.props(bus)["name"])["EventBusArn"]
            assert made == bus.properties["arn"], (made, bus.properties["arn"])
            self.deployment.bus_name = self.props(bus)["name"]
            self.done(bus)

    def roles(self) -> None:
        iam = self.client("iam")
        names = {}
        for role in self.of("aws:iam/role:Role"):
            p = self.props(role)
            iam.create_role(RoleName=p["name"], AssumeRolePolicyDocument=p["assumeRolePolicy"])
            names[role.id] = p["name"]
            self.done(role)
        for policy in self.of("aws:iam/rolePolicy:RolePolicy"):
            p = self.props(policy)
            role_name = names.get(p["role"], p["role"])
            iam.put_role_policy(
                RoleName=role_name, PolicyName=p["name"], PolicyDocument=p["policy"]
            )
            self.deployment.policies[role_name] = json.loads(p["policy"])
            self.done(policy)

    def buckets(self) -> None:
        s3 = self.client("s3")
        for bucket in self.of("aws:s3/bucket:Bucket"):
            s3.create_bucket(Bucket=bucket.properties["name"])
            self.done(bucket)
        for block in self.of("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"):
            p = self.props(block)
            s3.put_public_access_block(
                Bucket=self._bucket(p["bucket"]),
                PublicAccessBlockConfiguration={
                    key: bool(p[name])
                    for key, name in (
                        ("BlockPublicAcls", "blockPublicAcls"),
                        ("BlockPublicPolicy", "blockPublicPolicy"),
                        ("IgnorePublicAcls", "ignorePublicAcls"),
                        ("RestrictPublicBuckets", "restrictPublicBuckets"),
                    )
                },
            )
            self.done(block)
        for versioning in self.of("aws:s3/bucketVersioning:BucketVersioning"):
            p = self.props(versioning)
            s3.put_bucket_versioning(
                Bucket=self._bucket(p["bucket"]),
                VersioningConfiguration={"Status": p["versioningConfiguration"]["status"]},
            )
            self.done(versioning)
        token = (
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
        )
        for encryption in self.of(token):
            p = self.props(encryption)
            rule = p["rules"][0]["applyServerSideEncryptionByDefault"]
            s3.put_bucket_encryption(
                Bucket=self._bucket(p["bucket"]),
                ServerSideEncryptionConfiguration={
                    "Rules": [
                        {
                            "ApplyServerSideEncryptionByDefault": {
                                "SSEAlgorithm": rule["sseAlgorithm"],
                                "KMSMasterKeyID": rule["kmsMasterKeyId"],
                            }
                        }
                    ]
                },
            )
            self.done(encryption)
        for item in self.of("aws:s3/bucketObjectv2:BucketObjectv2"):
            p = self.props(item)
            s3.put_object(
                Bucket=self._bucket(p["bucket"]),
                Key=p["key"],
                Body=self._object_body(item),
                ServerSideEncryption="aws:kms",
                SSEKMSKeyId=str(p.get("kmsKeyId", "")),
            )
            self.done(item)

    def _bucket(self, reference: str) -> str:
        for bucket in self.of("aws:s3/bucket:Bucket"):
            if reference in (bucket.id, bucket.properties.get("name")):
                return str(bucket.properties["name"])
        return reference

    @staticmethod
    def _object_body(item: PlannedResource) -> bytes:
        """A snapshot's bytes as uploaded; a function package is run from the checkout by the
        twin, so a placeholder stands in for its zip."""
        source = item.properties.get("source")
        path = source.get("path") if isinstance(source, dict) else None
        if isinstance(path, str) and Path(path).is_file() and not path.endswith(".zip"):
            return Path(path).read_bytes()
        return _zip("# the twin runs the handler from the checkout\n")

    def log_groups(self) -> None:
        logs = self.client("logs")
        for group in self.of("aws:cloudwatch/logGroup:LogGroup"):
            p = self.props(group)
            logs.create_log_group(logGroupName=p["name"], kmsKeyId=str(p.get("kmsKeyId", "")))
            logs.put_retention_policy(
                logGroupName=p["name"], retentionInDays=int(p["retentionInDays"])
            )
            self.done(group)

    def functions(self) -> None:
        lam = self.client("lambda")
        roles = {r.properties["arn"]: r.properties["name"] for r in self.of("aws:iam/role:Role")}
        for function in self.of("aws:lambda/function:Function"):
            p = self.props(function)
            variables = {
                k: str(v) for k, v in (p.get("environment") or {}).get("variables", {}).items()
            }
            made = lam.create_function(
                FunctionName=p["name"],
                Runtime=p["runtime"],
                Role=p["role"],
                Handler=p["handler"],
                Code={"ZipFile": _zip("# run from the checkout by the twin\n")},
                Timeout=int(p["timeout"]),
                MemorySize=int(p["memorySize"]),
                Environment={"Variables": variables},
                KMSKeyArn=str(p.get("kmsKeyArn", "")),
                TracingConfig={"Mode": p["tracingConfig"]["mode"]},
                **(
                    {"DeadLetterConfig": {"TargetArn": p["deadLetterConfig"]["targetArn"]}}
                    if p.get("deadLetterConfig")
                    else {}
                ),
            )["FunctionArn"]
            assert made == p["arn"], (made, p["arn"])
            role = function.name.rsplit("-", 1)[-1]
            self.deployment.functions[role] = FunctionSpec(
                role=role,
                name=p["name"],
                arn=made,
                environment=variables,
                policy=self.deployment.policies[roles[p["role"]]],
                timeout=int(p["timeout"]),
            )
            self.done(function)

    def state_machines(self) -> None:
        sfn = self.client("stepfunctions")
        for machine in self.of("aws:sfn/stateMachine:StateMachine"):
            p = self.props(machine)
            definition = json.loads(p["definition"])
            if self.approval_timeout_s is not None:
                for state in definition["States"].values():
                    if "TimeoutSeconds" in state:
                        state["TimeoutSeconds"] = self.approval_timeout_s
            fan_out = any(_batch_of_one(state) for state in definition["States"].values())
            made = sfn.create_state_machine(
                name=p["name"],
                definition=json.dumps(definition),
                roleArn=p["roleArn"],
                type=p.get("type", "STANDARD"),
            )["stateMachineArn"]
            assert made == p["arn"], (made, p["arn"])
            if fan_out:
                self.deployment.cycle_state_machine_arn = made
            else:
                self.deployment.state_machine_arn = made
            self.done(machine)

    def rules(self) -> None:
        events = self.client("events")
        for rule in self.of("aws:cloudwatch/eventRule:EventRule"):
            p = self.props(rule)
            request = {"Name": p["name"], "Description": str(p.get("description", ""))}
            for wire, api in (
                ("eventBusName", "EventBusName"),
                ("eventPattern", "EventPattern"),
                ("scheduleExpression", "ScheduleExpression"),
            ):
                if p.get(wire):
                    request[api] = p[wire]
            made = events.put_rule(**request)["RuleArn"]
            assert made == p["arn"], (made, p["arn"])
            self.deployment.rules[p["name"]] = p
            self.done(rule)
        for index, target in enumerate(self.of("aws:cloudwatch/eventTarget:EventTarget")):
            p = self.props(target)
            spec: dict[str, Any] = {"Id": f"target-{index}", "Arn": p["arn"]}
            if p.get("input"):
                spec["Input"] = p["input"]
            if p.get("retryPolicy"):
                spec["RetryPolicy"] = {
                    "MaximumEventAgeInSeconds": p["retryPolicy"]["maximumEventAgeInSeconds"],
                    "MaximumRetryAttempts": p["retryPolicy"]["maximumRetryAttempts"],
                }
            if p.get("deadLetterConfig"):
                spec["DeadLetterConfig"] = {"Arn": p["deadLetterConfig"]["arn"]}
            if p.get("roleArn"):  # a state machine target: EventBridge starts it as this role
                spec["RoleArn"] = p["roleArn"]
                self.deployment.cycle_starter_role = p["roleArn"].rsplit("/", 1)[-1]
            request = {"Rule": p["rule"], "Targets": [spec]}
            if p.get("eventBusName"):
                request["EventBusName"] = p["eventBusName"]
            events.put_targets(**request)
            self.done(target)

    def function_extras(self) -> None:
        lam = self.client("lambda")
        by_name = {f.name: f for f in self.deployment.functions.values()}
        for config in self.of("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"):
            p = self.props(config)
            destination = p["destinationConfig"]["onFailure"]["destination"]
            lam.put_function_event_invoke_config(
                FunctionName=p["functionName"],
                MaximumRetryAttempts=int(p["maximumRetryAttempts"]),
                MaximumEventAgeInSeconds=int(p["maximumEventAgeInSeconds"]),
                DestinationConfig={"OnFailure": {"Destination": destination}},
            )
            spec = by_name[p["functionName"]]
            spec.retries, spec.on_failure = int(p["maximumRetryAttempts"]), destination
            self.done(config)
        for index, permission in enumerate(self.of("aws:lambda/permission:Permission")):
            p = self.props(permission)
            lam.add_permission(
                FunctionName=p["function"],
                StatementId=f"invoke-{index}",
                Action=p["action"],
                Principal=p["principal"],
                SourceArn=p["sourceArn"],
            )
            self.done(permission)
        for url in self.of("aws:lambda/functionUrl:FunctionUrl"):
            p = self.props(url)
            lam.create_function_url_config(
                FunctionName=p["functionName"], AuthType=p["authorizationType"]
            )
            self.done(url)

    def member_roles(self) -> None:
        """The role the engine assumes in each member account (what QuotaMemberRole creates
        there): trusted by the engine's role, allowed to read quotas."""
        engine = self.deployment.functions.get("engine")
        if engine is None:
            return
        accounts = json.loads(engine.environment.get("QUOTAPILOT_ACCOUNTS") or "[]")
        iam = self.client("iam")
        # the engine's role, and with the fan-out cycle the collector's (QuotaMemberRoleArgs)
        readers = [
            r.properties["arn"]
            for r in self.of("aws:iam/role:Role")
            if r.name.endswith(("-engine-role", "-collector-role"))
        ]
        assert readers, "no engine role planned"
        for member in accounts:
            name = member["role_arn"].rsplit("/", 1)[-1]
            trust = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": readers},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))

    def observability(self) -> None:
        cloudwatch = self.client("cloudwatch")
        for dashboard in self.of("aws:cloudwatch/dashboard:Dashboard"):
            p = self.props(dashboard)
            cloudwatch.put_dashboard(
                DashboardName=p["dashboardName"], DashboardBody=p["dashboardBody"]
            )
            self.done(dashboard)
        for alarm in self.of("aws:cloudwatch/metricAlarm:MetricAlarm"):
            p = self.props(alarm)
            cloudwatch.put_metric_alarm(
                AlarmName=p["name"],
                Namespace=p["namespace"],
                MetricName=p["metricName"],
                Dimensions=[{"Name": k, "Value": str(v)} for k, v in p["dimensions"].items()],
                Statistic=p["statistic"],
                Period=int(p["period"]),
                EvaluationPeriods=int(p["evaluationPeriods"]),
                Threshold=float(p["threshold"]),
                ComparisonOperator=p["comparisonOperator"],
                TreatMissingData=p["treatMissingData"],
                AlarmActions=p["alarmActions"],
            )
            self.done(alarm)

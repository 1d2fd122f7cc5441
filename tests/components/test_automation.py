"""The automation stack as planned from `stacks/` under mocks: every resource, its settings,
its wiring, and least privilege."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from quotapilot import wiring
from quotapilot.components.args import QuotaAutomationArgs
from quotapilot.components.documents import function_policy
from quotapilot.engine.permissions import FUNCTION_NEEDS
from quotapilot.exceptions import ConfigurationError
from quotapilot.gate.program import read_plan

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan():
    return read_plan(ROOT / "stacks", "prod")


def of(plan, type_):
    return [r for r in plan.resources if r.type == f"aws:{type_}"]


def test_one_stack_per_environment_reads_its_config():
    for stack in ("dev", "loadtest", "prod"):
        assert (ROOT / "stacks" / f"Pulumi.{stack}.yaml").is_file()


def test_tables_are_on_demand_encrypted_recoverable_and_keyed_as_the_engine_expects(plan):
    [key] = of(plan, "kms/key:Key")
    assert key.properties["enableKeyRotation"] is True
    tables = {t.name.removeprefix("quota-"): t for t in of(plan, "dynamodb/table:Table")}
    assert set(tables) == {"monitoring", "rules", "log", "events", "idempotency", "ledger"}
    env_of = {
        "monitoring": wiring.ENV_MONITORING_TABLE,
        "rules": wiring.ENV_RULES_TABLE,
        "log": wiring.ENV_LOG_TABLE,
        "events": wiring.ENV_EVENTS_TABLE,
        "idempotency": wiring.ENV_IDEMPOTENCY_TABLE,
    }
    for short, table in tables.items():
        p = table.properties
        assert p["billingMode"] == "PAY_PER_REQUEST"
        assert p["pointInTimeRecovery"] == {"enabled": True}
        assert p["serverSideEncryption"] == {"enabled": True, "kmsKeyArn": key.properties["arn"]}
        if short in env_of:
            hash_key, range_key = wiring.TABLE_KEYS[env_of[short]]
            assert p["hashKey"] == hash_key and p.get("rangeKey") == range_key
    indexes = {
        short: [
            (i["name"], i["hashKey"], i["rangeKey"])
            for i in t.properties.get("globalSecondaryIndexes", [])
        ]
        for short, t in tables.items()
    }
    assert indexes["monitoring"] == [("by-service-utilisation", "service", "utilisation")]
    assert indexes["log"] == [("by-action-time", "kind", "at")]
    assert indexes["events"] == [("by-type-time", "detail_type", "received_at")]
    assert indexes["ledger"] == indexes["rules"] == indexes["idempotency"] == []
    assert "ttl" not in tables["ledger"].properties  # usage totals never expire
    assert tables["idempotency"].properties["ttl"]["attributeName"] == "expiration"
    assert tables["log"].properties["deletionProtectionEnabled"] is True


def test_every_topic_queue_and_log_group_is_encrypted_with_the_stack_key(plan):
    [key] = of(plan, "kms/key:Key")
    for topic in of(plan, "sns/topic:Topic"):
        assert topic.properties["kmsMasterKeyId"] == key.id
    for queue in of(plan, "sqs/queue:Queue"):
        assert queue.properties["kmsMasterKeyId"] == key.id
    for group in of(plan, "cloudwatch/logGroup:LogGroup"):
        assert group.properties["kmsKeyId"] == key.properties["arn"]
        assert group.properties["retentionInDays"] == 365  # from Pulumi.prod.yaml


def test_functions_run_the_bundled_handlers_with_real_table_names(plan):
    functions = {f.name.removeprefix("quota-"): f for f in of(plan, "lambda/function:Function")}
    assert set(functions) == set(wiring.FUNCTIONS)
    tables = {t.properties["name"] for t in of(plan, "dynamodb/table:Table")}
    [dlq] = of(plan, "sqs/queue:Queue")
    for function in functions.values():
        p = function.properties
        assert (p["runtime"], p["handler"]) == ("python3.11", "handler.handler")
        assert p["tracingConfig"] == {"mode": "Active"}
        if function.name.endswith(("-engine", "-events")):  # invoked asynchronously
            assert p["deadLetterConfig"]["targetArn"] == dlq.properties["arn"]
        else:  # called synchronously: nothing to dead-letter, no SendMessage grant
            assert "deadLetterConfig" not in p
        assert p["reservedConcurrentExecutions"] == 5
        for name, value in p["environment"]["variables"].items():
            if name.endswith("_TABLE"):
                assert value in tables, name
    assert (
        functions["engine"].properties["environment"]["variables"][wiring.ENV_ENVIRONMENT] == "prod"
    )
    [url] = of(plan, "lambda/functionUrl:FunctionUrl")
    assert url.properties["authorizationType"] == "AWS_IAM"


NO_SCOPE = {
    "xray:PutTelemetryRecords",
    "xray:PutTraceSegments",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "logs:CreateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:DescribeLogGroups",
    "logs:DescribeResourcePolicies",
    "logs:GetLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:UpdateLogDelivery",
} | {
    action
    for needs in FUNCTION_NEEDS.values()
    for need in needs
    if need.resource == "*"
    for action in need.actions
}


def test_no_wildcard_actions_and_star_resources_only_where_aws_has_no_scoping(plan):
    policies = of(plan, "iam/rolePolicy:RolePolicy")
    assert len(policies) == 4  # three functions and the workflow
    for policy in policies:
        document = json.loads(policy.properties["policy"])
        for statement in document["Statement"]:
            actions = (
                statement["Action"]
                if isinstance(statement["Action"], list)
                else [statement["Action"]]
            )
            for action in actions:
                assert "*" not in action, (policy.name, action)
            if "*" in statement["Resource"]:
                assert set(actions) <= NO_SCOPE, (policy.name, actions)


def test_wildcard_test_catches_a_wildcard():
    from quotapilot.permissions import Needs

    with pytest.raises(ValueError, match="one exact IAM action"):
        Needs(("dynamodb:*",), "table:rules", "too broad")
    document = function_policy([Needs(("sns:Publish",), "*", "no scope")], {}, "arn:lg", None)
    assert document["Statement"][-1]["Resource"] == ["*"]  # ... which the stack test rejects


def test_events_reach_the_right_functions_with_scoped_permissions(plan):
    functions = {f.name.removeprefix("quota-"): f for f in of(plan, "lambda/function:Function")}
    rules = {r.urn: r for r in of(plan, "cloudwatch/eventRule:EventRule")}
    targets = of(plan, "cloudwatch/eventTarget:EventTarget")
    assert len(targets) == len(wiring.DETAIL_TYPES) + 3  # + SQ breach + two schedules
    by_rule = {t.properties["rule"]: t for t in targets}
    for rule in rules.values():
        target = by_rule[rule.properties["name"]]
        expected = functions["engine" if "scheduleExpression" in rule.properties else "events"]
        assert target.properties["arn"] == expected.properties["arn"]
        assert target.properties["deadLetterConfig"]["arn"]
        assert target.properties["retryPolicy"]["maximumRetryAttempts"] == 8
    permissions = of(plan, "lambda/permission:Permission")
    assert {p.properties["sourceArn"] for p in permissions} == {
        r.properties["arn"] for r in rules.values()
    }
    inputs = sorted(
        json.loads(t.properties["input"])["action"] for t in targets if t.properties.get("input")
    )
    assert inputs == [wiring.ACTION_CYCLE, wiring.ACTION_REGRESSION_WATCH]


def test_approval_workflow_waits_on_a_task_token_and_denies_on_timeout(plan):
    [machine] = of(plan, "sfn/stateMachine:StateMachine")
    definition = json.loads(machine.properties["definition"])
    ask = definition["States"]["RequestApproval"]
    assert ask["Resource"] == "arn:aws:states:::lambda:invoke.waitForTaskToken"
    assert ask["TimeoutSeconds"] == 86_400 and ask["ResultPath"] == "$.approval"
    assert ask["Catch"][0]["Next"] == "Denied"
    assert definition["States"]["ExecuteIncrease"]["Parameters"]["Payload"]["action"] == (
        wiring.ACTION_EXECUTE_INCREASE
    )
    assert machine.properties["tracingConfiguration"] == {"enabled": True}


def test_the_workflow_retries_failures_but_never_a_denial_or_a_missing_approval(plan):
    """A crashed function is retried; a denial, or an increase nobody approved, is final.
    The names are the contract with the Lambda code: the approval function's failure name
    and the engine's exception class (Lambda reports the class name)."""
    from quotapilot.engine.approval import DENIED_ERROR
    from quotapilot.engine.exceptions import ApprovalError

    [machine] = of(plan, "sfn/stateMachine:StateMachine")
    states = json.loads(machine.properties["definition"])["States"]
    final = {DENIED_ERROR, ApprovalError.__name__}
    for name in ("RequestApproval", "ExecuteIncrease"):
        retriers = states[name]["Retry"]
        catch_all = retriers.index(
            next(r for r in retriers if "States.TaskFailed" in r["ErrorEquals"])
        )
        never = [r for r in retriers[:catch_all] if r.get("MaxAttempts") == 0]
        assert never and set(never[0]["ErrorEquals"]) <= final, name
    assert states["RequestApproval"]["Retry"][0]["ErrorEquals"] == [DENIED_ERROR]
    assert ApprovalError.__name__ in str(states["ExecuteIncrease"]["Retry"])


def test_covers_the_reference_designs_terraform(plan):
    # reference design Terraform resource -> our type, and how many we need at least
    equivalents = {
        "aws_dynamodb_table": ("dynamodb/table:Table", 4),
        "aws_lambda_function": ("lambda/function:Function", 2),
        "aws_sfn_state_machine": ("sfn/stateMachine:StateMachine", 1),
        "aws_sns_topic": ("sns/topic:Topic", 2),
        "aws_cloudwatch_event_bus": ("cloudwatch/eventBus:EventBus", 1),
        "aws_cloudwatch_event_rule": ("cloudwatch/eventRule:EventRule", 3),
        "aws_cloudwatch_event_target": ("cloudwatch/eventTarget:EventTarget", 3),
        "aws_lambda_permission": ("lambda/permission:Permission", 3),
        "aws_cloudwatch_dashboard": ("cloudwatch/dashboard:Dashboard", 1),
        "aws_cloudwatch_metric_alarm": ("cloudwatch/metricAlarm:MetricAlarm", 1),
        "aws_iam_role": ("iam/role:Role", 1),
        "aws_iam_role_policy": ("iam/rolePolicy:RolePolicy", 1),
    }
    counts = Counter(r.type for r in plan.resources)
    for reference, (ours, at_least) in equivalents.items():
        assert counts[f"aws:{ours}"] >= at_least, reference


def test_argument_errors_name_the_field():
    with pytest.raises(ConfigurationError, match="approval_timeout_seconds"):
        QuotaAutomationArgs(approval_timeout_seconds=10)
    with pytest.raises(ConfigurationError, match="alert_emails"):
        QuotaAutomationArgs(alert_emails=("not-an-email",))
    with pytest.raises(ConfigurationError, match="audit_retention_days"):
        QuotaAutomationArgs(audit_retention_days=30)


def test_dogfood_the_gate_passes_roomy_and_blocks_tight(capsys):
    from quotapilot.cli.app import main

    common = [
        "check",
        str(ROOT / "stacks"),
        "--stack",
        "prod",
        "--baseline",
        str(ROOT / "examples/quotas/loadtest.yaml"),
        "--format",
        "json",
    ]
    assert main([*common, "--quotas", str(ROOT / "examples/quotas/prod.yaml")]) == 0
    assert json.loads(capsys.readouterr().out)["passed"] is True
    assert main([*common, "--quotas", str(ROOT / "examples/quotas/tight.yaml")]) == 1
    kinds = {f["kind"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert {"exceeds", "regression"} <= kinds


def test_lambda_packages_live_in_a_private_encrypted_versioned_bucket(plan):
    [bucket] = of(plan, "s3/bucket:Bucket")
    [block] = of(plan, "s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert block.properties["bucket"] == bucket.id
    assert all(
        block.properties[k] is True
        for k in (
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
        )
    )
    [encryption] = of(
        plan, "s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    )
    rule = encryption.properties["rules"][0]["applyServerSideEncryptionByDefault"]
    assert rule["sseAlgorithm"] == "aws:kms"
    [versioning] = of(plan, "s3/bucketVersioning:BucketVersioning")
    assert versioning.properties["versioningConfiguration"]["status"] == "Enabled"
    objects = {p.properties["key"]: p for p in of(plan, "s3/bucketObjectv2:BucketObjectv2")}
    packages = {k: v for k, v in objects.items() if k.startswith("lambda/")}
    assert set(packages) == {f"lambda/{f}.zip" for f in wiring.FUNCTIONS}
    # prod's regression watch reads the load-test snapshot from the same bucket, encrypted
    snapshot = objects["snapshots/regression-baseline.yaml"]
    assert snapshot.properties["serverSideEncryption"] == "aws:kms"
    assert set(objects) == {*packages, "snapshots/regression-baseline.yaml"}
    for function in of(plan, "lambda/function:Function"):
        assert function.properties["s3Bucket"] == bucket.id
        assert function.properties["s3Key"] in packages


def test_alert_subscriptions_come_from_config(plan):
    subscriptions = {
        (s.properties["protocol"], s.properties["endpoint"])
        for s in of(plan, "sns/topicSubscription:TopicSubscription")
    }
    assert subscriptions == {
        ("email", "capacity-oncall@example.com"),
        ("https", "https://hooks.example.com/quotapilot"),
    }
    [policy] = of(plan, "sns/topicPolicy:TopicPolicy")
    [statement] = json.loads(policy.properties["policy"])["Statement"]
    assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"


def test_the_planned_environment_is_what_the_engine_reads():
    """The seam: each function's planned variables decode in the engine, with the values
    the stack config gave (accounts with their role, regions, approvers, the watch)."""
    from quotapilot.engine.config import EngineConfig

    plan = read_plan(
        ROOT / "stacks",
        "prod",
        [
            'quotapilot:accounts=["111111111111", "222222222222"]',
            'quotapilot:regions=["us-east-1", "eu-west-1"]',
            'quotapilot:approvers=["arn:aws:iam::111111111111:role/capacity-leads"]',
        ],
    )
    functions = {f.name.removeprefix("quota-"): f for f in of(plan, "lambda/function:Function")}
    engine = EngineConfig.from_env(functions["engine"].properties["environment"]["variables"])
    assert [a.role_arn for a in engine.accounts] == [
        "arn:aws:iam::111111111111:role/quotapilot-collector",
        "arn:aws:iam::222222222222:role/quotapilot-collector",
    ]
    assert engine.regions == ("us-east-1", "eu-west-1")
    [bucket] = of(plan, "s3/bucket:Bucket")
    assert engine.artifacts_bucket == bucket.id  # where list_shards writes (a bucket's name)
    watch = engine.regression_watch
    assert watch is not None and watch.serving == "aws"
    assert watch.loadtest.startswith("s3://") and watch.loadtest.endswith(
        "regression-baseline.yaml"
    )
    assert [str(k) for k in watch.quotas] == [
        "aws:lambda/L-B99A9384@us-east-1",
        "aws:ec2/L-1216C47A@us-east-1",
    ]
    approval = EngineConfig.from_env(functions["approval"].properties["environment"]["variables"])
    assert approval.approvers == {"arn:aws:iam::111111111111:role/capacity-leads"}

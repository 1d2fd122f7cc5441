"""IAM identity policies: who may assume a role, and what each role may do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from quotapilot import permissions
from quotapilot.permissions import Needs

VERSION = "2012-10-17"


def assume_role(service: str) -> dict[str, Any]:
    return {
        "Version": VERSION,
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    }


def function_policy(
    needs: Sequence[Needs],
    arns: Mapping[str, Sequence[str]],
    log_group_arn: str,
    dlq_arn: str | None = None,
    *,
    conditions: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The least-privilege policy for one function: one statement per declaration, on the
    ARNs the logical resource maps to (with its condition, if it has one); ``*`` only for
    actions AWS can't scope."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"{log_group_arn}:*"],
        },
        # X-Ray takes no resource-level permissions.
        {
            "Sid": "Tracing",
            "Effect": "Allow",
            "Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
            "Resource": ["*"],
        },
    ]
    if dlq_arn:
        statements.append(
            {
                "Sid": "DeadLetters",
                "Effect": "Allow",
                "Action": ["sqs:SendMessage"],
                "Resource": [dlq_arn],
            }
        )
    for index, need in enumerate(needs):
        if need.resource == permissions.NO_RESOURCE_SCOPE:
            resources = ["*"]
        else:
            resources = sorted(arns[need.resource])
            if not resources:
                continue  # the stack has none of this resource (no load-test role, say)
        statement = {
            "Sid": f"Needs{index}",
            "Effect": "Allow",
            "Action": sorted(need.actions),
            "Resource": resources,
        }
        if conditions and need.resource in conditions:
            statement["Condition"] = dict(conditions[need.resource])
        statements.append(statement)
    return {"Version": VERSION, "Statement": statements}


def workflow_policy(function_arns: Sequence[str], topic_arn: str, key_arn: str) -> dict[str, Any]:
    """The approval workflow's role: invoke the functions it runs, publish its notices on the
    (encrypted) events topic, and deliver its logs and traces."""
    return {
        "Version": VERSION,
        "Statement": [
            {"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": [*function_arns]},
            {"Effect": "Allow", "Action": ["sns:Publish"], "Resource": [topic_arn]},
            {
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": [key_arn],
            },
            _STATE_MACHINE_DELIVERY,
        ],
    }


def cycle_policy(
    state_machine_arn: str,
    function_arns: Sequence[str],
    shard_lists_arn: str,
    key_arn: str,
    map_label: str,
) -> dict[str, Any]:
    """The fan-out cycle's role: invoke the engine and the collector, read the run's shard
    list (encrypted), run the Map's child executions of itself, deliver logs and traces."""
    # The Map's child executions are named <state machine>/<map label>:<id>.
    executions = state_machine_arn.replace(":stateMachine:", ":execution:", 1) + f"/{map_label}:*"
    return {
        "Version": VERSION,
        "Statement": [
            {"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": [*function_arns]},
            {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [shard_lists_arn]},
            {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [key_arn]},
            {
                "Effect": "Allow",
                "Action": ["states:StartExecution"],
                "Resource": [state_machine_arn],
            },
            {
                "Effect": "Allow",
                "Action": ["states:DescribeExecution", "states:StopExecution"],
                "Resource": [executions],
            },
            _STATE_MACHINE_DELIVERY,
        ],
    }


def start_execution_policy(state_machine_arn: str) -> dict[str, Any]:
    """A schedule's role: start the one state machine."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["states:StartExecution"],
                "Resource": [state_machine_arn],
            }
        ],
    }


#: What a state machine's role needs to deliver its logs and traces: these actions take no
#: resource-level permissions.
_STATE_MACHINE_DELIVERY: dict[str, Any] = {
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
}

"""Pure builders of the JSON documents the stack needs: IAM policies, the approval state
machine, the dashboard. Plain dicts in, plain dicts out: tested without Pulumi."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from quotapilot import permissions, wiring
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
) -> dict[str, Any]:
    """The least-privilege policy for one function: one statement per declaration, on the
    ARNs the logical resource maps to; ``*`` only for actions AWS can't scope."""
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
        statements.append(
            {
                "Sid": f"Needs{index}",
                "Effect": "Allow",
                "Action": sorted(need.actions),
                "Resource": resources,
            }
        )
    return {"Version": VERSION, "Statement": statements}


def approval_state_machine(
    approval_arn: str, engine_arn: str, topic_arn: str, timeout_seconds: int
) -> dict[str, Any]:
    """Wait for an approver (task token, no polling), then execute, or deny on timeout."""
    # The notice's answer goes beside the request, so the execution's output keeps what
    # happened (the approval, or the denial's reason).
    notify = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sns:publish",
        "ResultPath": "$.notified",
    }
    return {
        "Comment": "quotapilot: a quota increase waits for an approver's decision",
        "StartAt": "RequestApproval",
        "States": {
            "RequestApproval": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {
                    "FunctionName": approval_arn,
                    "Payload": {
                        "action": wiring.ACTION_APPROVAL_REQUEST,
                        "task_token.$": "$$.Task.Token",
                        "request.$": "$",
                    },
                },
                "TimeoutSeconds": timeout_seconds,
                # The function failing (a crash, throttling past its retries) is not a
                # denial: try again (each attempt has a token of its own; the function hands
                # the decision to the newest). A denial is never retried.
                "Retry": [
                    {"ErrorEquals": [wiring.APPROVAL_DENIED_ERROR], "MaxAttempts": 0},
                    _retry_failures(),
                ],
                "ResultPath": "$.approval",
                "Catch": [
                    {
                        "ErrorEquals": ["States.Timeout", "States.TaskFailed"],
                        "ResultPath": "$.error",
                        "Next": "Denied",
                    }
                ],
                "Next": "ExecuteIncrease",
            },
            "ExecuteIncrease": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {
                    "FunctionName": engine_arn,
                    "Payload": {"action": wiring.ACTION_EXECUTE_INCREASE, "request.$": "$"},
                },
                "Retry": [
                    {
                        "ErrorEquals": [
                            "Lambda.ServiceException",
                            "Lambda.TooManyRequestsException",
                            "Lambda.SdkClientException",
                        ],
                        "IntervalSeconds": 2,
                        "MaxAttempts": 6,
                        "BackoffRate": 2,
                    },
                    # Filing is idempotent (an open request is found, not filed again), so a
                    # failed attempt is retried; an increase nobody approved is not.
                    {"ErrorEquals": [wiring.APPROVAL_MISSING_ERROR], "MaxAttempts": 0},
                    _retry_failures(),
                ],
                "ResultPath": "$.execution",
                "Next": "NotifyDone",
            },
            "NotifyDone": {
                **notify,
                "Parameters": {
                    "TopicArn": topic_arn,
                    "Message.$": "States.JsonToString($)",
                    "Subject": "quotapilot: quota increase requested",
                },
                "End": True,
            },
            "Denied": {
                **notify,
                "Parameters": {
                    "TopicArn": topic_arn,
                    "Message.$": "States.JsonToString($)",
                    "Subject": "quotapilot: quota increase denied",
                },
                # A denial (or a timeout) is an answer, not a failure: the execution succeeds
                # with the reason in its output, and the failed-executions alarm stays for
                # the workflow really breaking.
                "End": True,
            },
        },
    }


def _retry_failures() -> dict[str, Any]:
    """A task whose function failed: three more tries over about a minute."""
    return {
        "ErrorEquals": ["States.TaskFailed"],
        "IntervalSeconds": 10,
        "MaxAttempts": 3,
        "BackoffRate": 2,
    }


def dashboard(
    region: str,
    environment: str,
    functions: Mapping[str, str],
    state_machine_arn: str,
    dlq_name: str,
) -> dict[str, Any]:
    ns = wiring.METRICS_NAMESPACE

    def widget(title: str, metrics: list, x: int, y: int, stat: str = "Sum") -> dict:
        return {
            "type": "metric",
            "x": x,
            "y": y,
            "width": 12,
            "height": 6,
            "properties": {
                "title": title,
                "region": region,
                "stat": stat,
                "period": 300,
                "metrics": metrics,
            },
        }

    engine = functions[wiring.FUNCTION_ENGINE]
    return {
        "widgets": [
            widget(
                f"{environment}: engine runs and errors",
                [
                    ["AWS/Lambda", "Invocations", "FunctionName", engine],
                    ["AWS/Lambda", "Errors", "FunctionName", engine],
                ],
                0,
                0,
            ),
            widget(
                "duration (p95)",
                [["AWS/Lambda", "Duration", "FunctionName", name] for name in functions.values()],
                12,
                0,
                "p95",
            ),
            widget(
                "highest quota utilisation, %",
                [[ns, wiring.METRIC_MAX_UTILISATION, "function", wiring.FUNCTION_ENGINE]],
                0,
                6,
                "Maximum",
            ),
            widget(
                "alerts, increases, approvals",
                [
                    [ns, m, "function", wiring.FUNCTION_ENGINE]
                    for m in (
                        wiring.METRIC_ALERTS_SENT,
                        wiring.METRIC_INCREASES_REQUESTED,
                        wiring.METRIC_APPROVALS_REQUESTED,
                        wiring.METRIC_REGRESSIONS,
                    )
                ],
                12,
                6,
            ),
            widget(
                "events processed and rejected",
                [
                    [ns, m, "function", wiring.FUNCTION_EVENTS]
                    for m in (wiring.METRIC_EVENTS_PROCESSED, wiring.METRIC_EVENTS_REJECTED)
                ],
                0,
                12,
            ),
            widget(
                "approval workflow and dead letters",
                [
                    ["AWS/States", "ExecutionsFailed", "StateMachineArn", state_machine_arn],
                    ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", dlq_name],
                ],
                12,
                12,
                "Maximum",
            ),
        ]
    }


def threshold_pattern(detail_type: str) -> dict[str, Any]:
    pattern: dict[str, Any] = {"source": [wiring.EVENT_SOURCE], "detail-type": [detail_type]}
    if detail_type == wiring.DETAIL_THRESHOLD_EXCEEDED:
        # Only events carrying a measured usage reach the function: the field its model
        # requires (quotapilot.engine.models.ThresholdExceeded), so the rule can never let
        # through what the model rejects, nor hold back what it accepts.
        pattern["detail"] = {"usage": [{"numeric": [">=", 0]}]}
    return pattern


def service_quotas_pattern() -> dict[str, Any]:
    return {
        "source": [wiring.SERVICE_QUOTAS_EVENT_SOURCE],
        "detail-type": [wiring.SERVICE_QUOTAS_DETAIL_TYPE],
        "detail": {"eventTypeCode": [wiring.SERVICE_QUOTAS_EVENT_TYPE_CODE]},
    }

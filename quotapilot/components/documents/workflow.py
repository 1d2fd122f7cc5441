"""The approval workflow: a Step Functions definition that waits on an approver."""

from __future__ import annotations

from typing import Any

from quotapilot import wiring


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

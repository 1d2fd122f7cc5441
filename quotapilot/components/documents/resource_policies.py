"""Resource policies: who may use the stack's key, dead-letter queue and alerts topic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from quotapilot.components.documents.iam import VERSION

#: Services that deliver into the stack's encrypted topics and queue, or read them.
KEY_USERS = (
    "cloudwatch.amazonaws.com",
    "events.amazonaws.com",
    "sns.amazonaws.com",
    "states.amazonaws.com",
)


def key_policy(account: str, region: str) -> dict[str, Any]:
    """The stack key: the account administers it; CloudWatch Logs encrypts this account's
    log groups with it; the delivering services use it for this account only."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
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
                "Principal": {"Service": list(KEY_USERS)},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            },
        ],
    }


def dead_letters_policy(queue_arn: str, rule_arns: Sequence[str]) -> dict[str, Any]:
    """The dead-letter queue takes what the stack's own EventBridge rules failed to deliver."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "EventBridgeDeadLetters",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": list(rule_arns)}},
            }
        ],
    }


def alarms_topic_policy(topic_arn: str, account: str) -> dict[str, Any]:
    """The alerts topic takes this account's CloudWatch alarms (and no one else's)."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "CloudWatchAlarms",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            }
        ],
    }

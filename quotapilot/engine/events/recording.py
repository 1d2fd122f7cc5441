"""Declarations for what the event processor needs beyond the engine's actions: recording
events, Powertools idempotency, and the dead-letter queue."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from quotapilot import permissions as p
from quotapilot.engine.aws import UsesAws, error_code, to_item
from quotapilot.permissions import Needs

EVENT_RETENTION = timedelta(days=90)


class EventRecorder(UsesAws):
    """Records every event received (accepted or rejected) in the events table, once."""

    service = "dynamodb"
    permissions = (Needs(("dynamodb:PutItem",), p.TABLE_EVENTS, "record received events"),)

    def __init__(self, table: str, client: Any = None, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.table = table

    def record(
        self, event_id: str, status: str, event: Any, detail: str = "", now: datetime | None = None
    ) -> None:
        from botocore.exceptions import ClientError

        now = now or datetime.now(UTC)
        item = {
            "event_id": f"{event_id}#{status}",
            "status": status,
            "received_at": now.isoformat(),
            # the events table's by-type index: what kind of event, whatever its shape
            "detail_type": str(
                (event.get("detail-type") if isinstance(event, dict) else None) or "unknown"
            ),
            "event": json.dumps(event, default=str, sort_keys=True)[:350_000],
            "detail": detail[:4000],
            "ttl": int((now + EVENT_RETENTION).timestamp()),
        }
        try:
            self.client.put_item(
                TableName=self.table,
                Item=to_item(item),
                ConditionExpression="attribute_not_exists(event_id)",
            )
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":  # recorded by a retry
                raise


class Idempotency:
    """Powertools idempotency's DynamoDB persistence layer makes these calls."""

    permissions = (
        Needs(
            ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
            p.TABLE_IDEMPOTENCY,
            "Powertools idempotency records",
        ),
    )


class DeadLetter:
    """Lambda's asynchronous invocation sends events that fail every retry to the function's
    dead-letter queue, with the function's role."""

    permissions = (
        Needs(
            ("sqs:SendMessage",), p.DEAD_LETTER_QUEUE, "failed events go to the dead-letter queue"
        ),
    )


class Encryption:
    """Tables, topics and the queue are encrypted with the stack's key."""

    permissions = (
        Needs(
            ("kms:Decrypt", "kms:GenerateDataKey"),
            p.KMS_KEY,
            "read and write the stack's encrypted tables, topics and queue",
        ),
    )

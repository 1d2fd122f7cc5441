"""The events table: every event the processor receives, accepted or rejected, once."""

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

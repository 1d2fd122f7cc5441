"""The audit trail: every decision and action, with what was seen, why, what was done and by
whom. Records are never overwritten (a conditional put on a unique id) and kept a year (TTL).
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from quotapilot import permissions as p
from quotapilot.engine.aws import UsesAws, error_code, to_item
from quotapilot.permissions import Needs

logger = logging.getLogger(__name__)
RETENTION = timedelta(days=365)


class AuditLog(UsesAws):
    """Writes audit records to the log table; a record that can't be written is kept pending
    (and retried by :meth:`flush`) rather than lost."""

    service = "dynamodb"
    permissions = (
        Needs(("dynamodb:PutItem",), p.TABLE_LOG, "append audit records (conditional put)"),
    )

    def __init__(self, table: str, client: Any = None, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.table = table
        self.pending: list[dict[str, Any]] = []
        self.written = 0

    def record(
        self,
        kind: str,
        *,
        subject: str,
        seen: dict[str, Any] | None = None,
        why: str = "",
        done: dict[str, Any] | None = None,
        by: str = "quotapilot-engine",
        now: datetime | None = None,
        once: str | None = None,
    ) -> str:
        """Append one record; returns its id. Never raises for a write failure.

        ``once`` names an action that happens once whatever the retries (an approval's
        request id): its record has that id, so a rerun after a crash doesn't write a second.
        """
        now = now or datetime.now(UTC)
        log_id = f"{now.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{uuid.uuid4().hex}"
        if once is not None:
            log_id = f"once#{kind}#{once}"
        record = {
            "log_id": log_id,
            "kind": kind,
            "subject": subject,
            "at": now.isoformat(),
            "seen": json.dumps(seen or {}, default=str, sort_keys=True),
            "why": why,
            "done": json.dumps(done or {}, default=str, sort_keys=True),
            "by": by,
            "ttl": int((now + RETENTION).timestamp()),
        }
        if not self._put(record):
            self.pending.append(record)
        return log_id

    def flush(self) -> int:
        """Retry pending records; those still failing are logged whole (so not lost) and
        counted in the return value."""
        still = [r for r in self.pending if not self._put(r)]
        for record in still:
            logger.error("audit record not written", extra={"audit_record": record})
        self.pending = still
        return len(still)

    def _put(self, record: dict[str, Any]) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_item(
                TableName=self.table,
                Item=to_item(record),
                ConditionExpression="attribute_not_exists(log_id)",
            )
        except ClientError as error:
            # Our own earlier attempt landed (its response was lost): the record exists.
            if error_code(error) == "ConditionalCheckFailedException":
                self.written += 1
                return True
            logger.warning("audit write failed: %s", error_code(error))
            return False
        except BotoCoreError as error:
            logger.warning("audit write failed: %s", error)
            return False
        self.written += 1
        return True

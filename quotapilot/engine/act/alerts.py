"""Alerts to SNS: structured JSON, at most one per quota and level within the rule's cooldown.

The cooldown is a conditional write on a state item in the monitoring table, so overlapping
runs and retries can't both send: whoever claims the item sends; a failed publish gives the
claim back. A claim stays marked "sending" until the publish is confirmed: a run that dies in
between (a crash, Lambda's timeout) leaves a claim that any run may take again once it is
older than :data:`STALE_SEND`, so an alert may go out twice but is never lost.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from quotapilot import permissions as p
from quotapilot.engine.aws import UsesAws, error_code
from quotapilot.permissions import Needs

logger = logging.getLogger(__name__)

#: Longer than the engine function's timeout (300 s): a claim still "sending" after this
#: belongs to a run that died.
STALE_SEND = timedelta(minutes=10)


@dataclass(frozen=True)
class Alert:
    subject: str  # short, for e-mail subscribers
    level: str  # warning | critical | emergency | info
    dedupe_key: str  # one alert per dedupe_key and level within the cooldown
    body: dict[str, Any]


class Cooldowns(UsesAws):
    """Claims "may I alert about X at level L now?" in the monitoring table."""

    service = "dynamodb"
    permissions = (
        Needs(
            ("dynamodb:UpdateItem", "dynamodb:DeleteItem"),
            p.TABLE_MONITORING,
            "claim and release alert cooldowns (conditional writes)",
        ),
    )

    def __init__(self, table: str, client: Any = None, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.table = table

    def _key(self, dedupe_key: str, level: str) -> dict[str, Any]:
        return {"pk": {"S": f"cooldown#{dedupe_key}#{level}"}, "sk": {"S": "cooldown"}}

    def claim(self, dedupe_key: str, level: str, cooldown: timedelta, now: datetime) -> bool:
        from botocore.exceptions import ClientError

        stamp = now.timestamp()
        try:
            self.client.update_item(
                TableName=self.table,
                Key=self._key(dedupe_key, level),
                UpdateExpression="SET sent_at = :now, sending = :now, #ttl = :ttl",
                ConditionExpression=(
                    "attribute_not_exists(sent_at) OR sent_at <= :cutoff OR "
                    "(attribute_exists(sending) AND sending <= :stale)"
                ),
                ExpressionAttributeNames={"#ttl": "ttl"},
                ExpressionAttributeValues={
                    ":now": {"N": repr(stamp)},
                    ":cutoff": {"N": repr(stamp - cooldown.total_seconds())},
                    ":stale": {"N": repr(stamp - STALE_SEND.total_seconds())},
                    ":ttl": {"N": str(int(stamp + cooldown.total_seconds() + 86_400))},
                },
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def confirm(self, dedupe_key: str, level: str, now: datetime) -> None:
        """The alert went out: the claim holds for the whole cooldown."""
        from botocore.exceptions import ClientError

        try:
            self.client.update_item(
                TableName=self.table,
                Key=self._key(dedupe_key, level),
                UpdateExpression="REMOVE sending",
                ConditionExpression="sending = :now",
                ExpressionAttributeValues={":now": {"N": repr(now.timestamp())}},
            )
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise

    def release(self, dedupe_key: str, level: str, now: datetime) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.delete_item(
                TableName=self.table,
                Key=self._key(dedupe_key, level),
                ConditionExpression="sent_at = :now",
                ExpressionAttributeValues={":now": {"N": repr(now.timestamp())}},
            )
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise


class Alerter(UsesAws):
    """Publishes alerts to the alerts topic, within cooldowns."""

    service = "sns"
    permissions = (
        Needs(("sns:Publish",), p.TOPIC_ALERTS, "publish quota alerts and approval requests"),
    )

    def __init__(
        self,
        topic_arn: str,
        cooldowns: Cooldowns | None,
        client: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(client, **kwargs)
        self.topic_arn = topic_arn
        self.cooldowns = cooldowns

    def send(
        self, alert: Alert, *, cooldown: timedelta = timedelta(0), now: datetime | None = None
    ) -> str | None:
        """Publish unless the same alert went out within ``cooldown``; returns the message id."""
        now = now or datetime.now(UTC)
        claimed = False
        if self.cooldowns is not None and cooldown > timedelta(0):
            if not self.cooldowns.claim(alert.dedupe_key, alert.level, cooldown, now):
                return None
            claimed = True
        message = {
            "source": "quotapilot",
            "level": alert.level,
            "at": now.isoformat(),
            **alert.body,
        }
        try:
            response = self.client.publish(
                TopicArn=self.topic_arn,
                Subject=alert.subject[:99],
                Message=json.dumps(message, default=str, sort_keys=True),
                MessageAttributes={"level": {"DataType": "String", "StringValue": alert.level}},
            )
        except Exception:
            if claimed:
                self.cooldowns.release(alert.dedupe_key, alert.level, now)  # type: ignore[union-attr]
            raise
        if claimed:
            try:
                self.cooldowns.confirm(alert.dedupe_key, alert.level, now)  # type: ignore[union-attr]
            except Exception as error:  # sent; at worst it is sent again after STALE_SEND
                logger.warning("alert cooldown not confirmed: %s", error)
        return str(response.get("MessageId", ""))

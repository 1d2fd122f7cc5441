"""Where the fan-out cycle's steps hand over: the run's shard list in S3 (the Distributed
Map reads it from there), and each shard's readings as rows of the run in the monitoring
table (the decide step reads them back). Rows live two days (TTL)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from quotapilot import permissions as p
from quotapilot import wiring
from quotapilot.domain import Quota, QuotaKey, Reading, Usage
from quotapilot.engine.aws import UsesAws
from quotapilot.engine.collect.collection import Collection
from quotapilot.engine.collect.shards import Shard
from quotapilot.permissions import Needs

ROWS_KEPT = timedelta(days=2)
#: Readings per item: a shard's rows stay far below DynamoDB's 400 KB item size.
PER_ITEM = 200


def reading_to_json(reading: Reading) -> dict[str, Any]:
    quota = asdict(reading.quota)
    quota["usage_metric"] = dict(reading.quota.usage_metric or {}) or None
    usage = None
    if reading.usage is not None:
        usage = {
            "value": reading.usage.value,
            "timestamp": reading.usage.timestamp.isoformat() if reading.usage.timestamp else None,
        }
    per = dict(reading.usage_per) if reading.usage_per is not None else None
    return {"quota": quota, "usage": usage, "usage_per": per}


def reading_from_json(value: dict[str, Any]) -> Reading:
    quota = dict(value["quota"])
    key = QuotaKey(**quota.pop("key"))
    usage = value.get("usage")
    return Reading(
        Quota(key, **quota),
        Usage(
            key,
            usage["value"],
            datetime.fromisoformat(usage["timestamp"]) if usage.get("timestamp") else None,
        )
        if usage
        else None,
        value.get("usage_per"),
    )


def _pk(run_id: str) -> str:
    return f"run#{run_id}"


def _shard_sk(shard: Shard) -> str:
    return f"shard#{shard.account.account}#{shard.region}"


class RunRowsWriter(UsesAws):
    """The collector's side: one shard's readings and per-quota failures."""

    service = "dynamodb"
    permissions = (
        Needs(("dynamodb:PutItem",), p.TABLE_MONITORING, "hand a shard's readings to the run"),
    )

    def __init__(self, table: str, client: Any = None, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.table = table

    def write(self, run_id: str, shard: Shard, collection: Collection, now: datetime) -> None:
        readings = [reading_to_json(r) for r in collection.readings.values()]
        chunks = [readings[i : i + PER_ITEM] for i in range(0, len(readings), PER_ITEM)] or [[]]
        ttl = str(int((now + ROWS_KEPT).timestamp()))
        for index, chunk in enumerate(chunks):
            # Rewriting a chunk (the Map retried the batch) replaces it: same key.
            self.client.put_item(
                TableName=self.table,
                Item={
                    "pk": {"S": _pk(run_id)},
                    "sk": {"S": f"{_shard_sk(shard)}#{index}"},
                    "readings": {"S": json.dumps(chunk)},
                    "failures": {"S": json.dumps(collection.failures if index == 0 else [])},
                    "ttl": {"N": ttl},
                },
            )


class RunRowsReader(UsesAws):
    """The decide step's side: every row of the run."""

    service = "dynamodb"
    permissions = (Needs(("dynamodb:Query",), p.TABLE_MONITORING, "read the run's readings back"),)

    def __init__(self, table: str, client: Any = None, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.table = table

    def read(self, run_id: str, expected: Sequence[Shard] = ()) -> Collection:
        """The run's readings and failures; an ``expected`` shard that wrote no row (its
        batch failed every retry, and the Map tolerated it) is a failure too, never silence."""
        out = Collection()
        seen: set[str] = set()
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": _pk(run_id)}},
            ConsistentRead=True,
        )
        for page in pages:
            for item in page.get("Items", []):
                for value in json.loads(item["readings"]["S"]):
                    reading = reading_from_json(value)
                    out.readings[reading.key] = reading
                out.failures += json.loads(item["failures"]["S"])
                seen.add(item["sk"]["S"].rsplit("#", 1)[0])
        for shard in expected:
            if _shard_sk(shard) not in seen:
                out.failures.append(
                    {
                        "account": shard.account.account,
                        "region": shard.region,
                        "error": "not collected: its batch failed every retry",
                    }
                )
        return out


class ShardLists(UsesAws):
    """The engine's side of the Map: the run's shards as one JSON array in S3."""

    service = "s3"
    permissions = (
        Needs(("s3:PutObject",), p.SHARD_LISTS, "hand the run's shards to the Distributed Map"),
        Needs(("s3:GetObject",), p.SHARD_LISTS, "the decide step: which shards the run had"),
    )

    def __init__(self, bucket: str, client: Any = None, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.bucket = bucket

    def write(self, run_id: str, shards: Sequence[Shard]) -> str:
        key = self.key(run_id)
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=json.dumps([s.to_json() for s in shards]).encode(),
            ContentType="application/json",
        )
        return key

    def read(self, run_id: str) -> list[Shard]:
        """The run's shards as list_shards wrote them (the decide step expects a row from
        each: the organisation may have changed since, the run has not)."""
        body = self.client.get_object(Bucket=self.bucket, Key=self.key(run_id))["Body"].read()
        return [Shard.from_json(item) for item in json.loads(body)]

    @staticmethod
    def key(run_id: str) -> str:
        return f"{wiring.SHARDS_PREFIX}{run_id}/shards.json"

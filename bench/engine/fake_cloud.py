"""The cloud side of the engine benchmark, faked identically for both approaches: an
in-memory DynamoDB speaking the low-level attribute-value format (so both sides pay for
(de)serialisation as boto3 would), an SNS that counts, and a quota source."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from quotapilot.domain import Quota, QuotaKey, Reading, Usage
from quotapilot.sources.base import SourceResult


class FakeDynamoDB:
    def __init__(self) -> None:
        self.tables: dict[str, dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
        self.calls: dict[str, int] = defaultdict(int)

    @staticmethod
    def _key(item: dict[str, Any]) -> tuple[str, str]:
        for hash_name in ("pk", "rule_id", "log_id", "event_id", "quota_id", "id"):
            if hash_name in item:
                sort = item.get("sk") or item.get("timestamp") or {"S": ""}
                return (json.dumps(item[hash_name]), json.dumps(sort))
        raise KeyError(item)

    def put_item(self, TableName: str, Item: dict[str, Any], **_: Any) -> dict[str, Any]:
        self.calls["PutItem"] += 1
        self.tables[TableName][self._key(Item)] = Item
        return {}

    def update_item(self, TableName: str, Key: dict[str, Any], **_: Any) -> dict[str, Any]:
        self.calls["UpdateItem"] += 1
        self.tables[TableName].setdefault(self._key(Key), dict(Key))
        return {}

    def get_item(self, TableName: str, Key: dict[str, Any], **_: Any) -> dict[str, Any]:
        self.calls["GetItem"] += 1
        item = self.tables[TableName].get(self._key(Key))
        return {"Item": item} if item else {}

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        self.calls["BatchGetItem"] += 1
        out = {}
        for table, request in RequestItems.items():
            found = [self.tables[table].get(self._key(k)) for k in request["Keys"]]
            out[table] = [f for f in found if f]
        return {"Responses": out, "UnprocessedKeys": {}}

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        self.calls["BatchWriteItem"] += 1
        for table, requests in RequestItems.items():
            for request in requests:
                item = request["PutRequest"]["Item"]
                self.tables[table][self._key(item)] = item
        return {"UnprocessedItems": {}}

    def query(self, TableName: str, quota_id: str, limit: int | None = None) -> dict[str, Any]:
        """The reference design's per-quota query (quota_id = :id, newest first when limited)."""
        self.calls["Query"] += 1
        items = self.by_quota[TableName].get(quota_id, [])
        return {"Items": items[-limit:][::-1] if limit else items}

    def index_by_quota(self, table: str) -> None:
        self.by_quota = {table: defaultdict(list)}
        for item in self.tables[table].values():
            if "quota_id" in item:
                self.by_quota[table][item["quota_id"]["S"]].append(item)

    def scan_pages(self, TableName: str) -> Iterable[dict[str, Any]]:
        items = list(self.tables[TableName].values())
        for start in range(0, len(items), 1000):
            self.calls["Scan"] += 1
            yield {"Items": items[start : start + 1000]}

    def get_paginator(self, name: str) -> Any:
        assert name == "scan"
        db = self

        class Paginator:
            def paginate(self, TableName: str) -> Iterable[dict[str, Any]]:
                return db.scan_pages(TableName)

        return Paginator()


class FakeSNS:
    def __init__(self) -> None:
        self.published = 0

    def publish(self, **_: Any) -> dict[str, Any]:
        self.published += 1
        return {"MessageId": str(self.published)}


class FakeStepFunctions:
    def start_execution(self, **_: Any) -> dict[str, Any]:
        return {"executionArn": "arn"}


class FakeServiceQuotas:
    def __init__(self) -> None:
        self.requests = 0

    def get_paginator(self, name: str) -> Any:
        class Paginator:
            def paginate(self, **_: Any) -> Iterable[dict[str, Any]]:
                yield {"RequestedQuotas": []}

        return Paginator()

    def request_service_quota_increase(self, **kwargs: Any) -> dict[str, Any]:
        self.requests += 1
        return {"RequestedQuota": {"Id": f"r-{self.requests}", "Status": "PENDING"}}


class FakeSource:
    """Current limits and usage for every key (the same numbers the baseline's table holds)."""

    name = "bench"

    def __init__(self, account: str, current: dict[QuotaKey, tuple[float, float]]) -> None:
        self.account = account
        self.current = current

    def read(self, keys: Iterable[QuotaKey]) -> SourceResult:
        result = SourceResult()
        for key in keys:
            limit, usage = self.current[key]
            bound = key.in_account(self.account)
            result.readings[key] = Reading(
                Quota(bound, limit, adjustable=True), Usage(bound, usage)
            )
        return result

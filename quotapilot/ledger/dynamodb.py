"""The production ledger: one DynamoDB table (``pk`` S, ``sk`` S, no index), conditional
transactional writes.

Item layout within the fixed key schema:

==========================  ===========================  ==================================
pk                          sk                           attributes
==========================  ===========================  ==================================
``SCOPES``                  ``<path>``                   the scope registry (for ``show``)
``S#<path>``                ``Q#<quota>``                ``lim`` (absent: unlimited),
                                                         ``usage`` (rolled up), ``own``,
                                                         ``room`` (= lim - usage)
``D#<path>``                ``<quota>#<time>#<uuid>``    ``amount``, ``at``, ``checkpoint``
==========================  ===========================  ==================================

The ``D#`` items are the insert-only deltas; the ``S#`` items keep running totals so that a
check needs no scan. An apply is ONE TransactWriteItems: per quota, an update of the total
item of the scope and of every ancestor, each conditioned on ``room >= delta`` where a limit
is set (DynamoDB conditions can't add, so the headroom is stored), plus the delta's put. If
any condition fails nothing is written. A cancellation caused by a limit is reported as
QuotaExceeded (after a consistent re-read confirms it); one caused by a conflicting
concurrent transaction, or by own usage having moved under a release, is retried.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from quotapilot.ledger.base import (
    Delta,
    Ledger,
    QuotaLine,
    parse_timestamp,
    resolve_delta,
    timestamp,
)
from quotapilot.ledger.exceptions import LedgerContention, LedgerError, QuotaExceeded
from quotapilot.ledger.paths import check_quota, lineage, normalise_scope
from quotapilot.permissions import TABLE_LEDGER, Needs

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

#: DynamoDB's cap on the items of one TransactWriteItems.
MAX_TRANSACTION_ITEMS = 100
_NAMES = {"#l": "lim", "#u": "usage", "#o": "own", "#r": "room"}
_ZERO = {"N": "0"}


def _n(value: float) -> dict[str, str]:
    return {"N": str(int(value)) if float(value).is_integer() else repr(float(value))}


class DynamoDBLedger(Ledger):
    #: IAM actions, for the components' least-privilege policy. A TransactWriteItems is
    #: authorised per item, by the actions of its parts (UpdateItem, PutItem, DeleteItem).
    needs: tuple[Needs, ...] = (
        Needs(
            ("dynamodb:GetItem", "dynamodb:Query"),
            TABLE_LEDGER,
            "read limits, usage totals and deltas (consistent reads)",
        ),
        Needs(
            ("dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:BatchWriteItem"),
            TABLE_LEDGER,
            "apply deltas in conditional transactions; set limits; register scopes",
        ),
        Needs(
            ("dynamodb:DeleteItem",),
            TABLE_LEDGER,
            "compaction replaces old deltas with a checkpoint",
        ),
    )

    def __init__(
        self,
        table: str,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        client: DynamoDBClient | None = None,
        max_attempts: int = 50,
    ) -> None:
        self.table = table
        self.name = f"dynamodb {table}"
        self._region = region
        self._endpoint_url = endpoint_url
        self._client = client
        self._max_attempts = max_attempts
        self._known_scopes: set[str] = set()

    @property
    def client(self) -> DynamoDBClient:
        if self._client is None:
            import boto3

            self._client = boto3.client(
                "dynamodb", region_name=self._region, endpoint_url=self._endpoint_url
            )
        return self._client

    # Reads -----------------------------------------------------------------------------

    def _item(self, scope: str, quota: str) -> dict[str, Any]:
        response = self._call(
            "get_item",
            TableName=self.table,
            Key={"pk": {"S": f"S#{scope}"}, "sk": {"S": f"Q#{quota}"}},
            ConsistentRead=True,
        )
        return response.get("Item", {})

    def _query(self, **kwargs: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        paginator = self.client.get_paginator("query")
        try:
            for page in paginator.paginate(TableName=self.table, ConsistentRead=True, **kwargs):
                items.extend(page["Items"])
        except Exception as error:
            raise self._wrap(error) from error
        return items

    @staticmethod
    def _num(item: dict[str, Any], name: str) -> float | None:
        return float(item[name]["N"]) if name in item else None

    def _limit(self, scope: str, quota: str) -> float | None:
        return self._num(self._item(scope, quota), "lim")

    def _usage(self, scope: str, quota: str) -> float:
        return self._num(self._item(scope, quota), "usage") or 0.0

    def _own(self, scope: str) -> dict[str, float]:
        items = self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :q)",
            ExpressionAttributeValues={":pk": {"S": f"S#{scope}"}, ":q": {"S": "Q#"}},
        )
        return {item["sk"]["S"][2:]: self._num(item, "own") or 0.0 for item in items}

    def _lines(self, scope: str | None) -> list[QuotaLine]:
        condition = "pk = :pk"
        values: dict[str, Any] = {":pk": {"S": "SCOPES"}}
        if scope:
            condition += " AND begins_with(sk, :prefix)"
            values[":prefix"] = {"S": scope}
        paths = [
            item["sk"]["S"]
            for item in self._query(
                KeyConditionExpression=condition, ExpressionAttributeValues=values
            )
        ]
        if scope:
            paths = [p for p in paths if p == scope or p.startswith(scope + "/")]
        lines = []
        for path in sorted(paths):
            items = self._query(
                KeyConditionExpression="pk = :pk AND begins_with(sk, :q)",
                ExpressionAttributeValues={":pk": {"S": f"S#{path}"}, ":q": {"S": "Q#"}},
            )
            for item in items:
                limit, usage = self._num(item, "lim"), self._num(item, "usage") or 0.0
                if limit is None and not usage:
                    continue
                own = self._num(item, "own") or 0.0
                lines.append(QuotaLine(path, item["sk"]["S"][2:], limit, usage, own))
        return sorted(lines, key=lambda line: (line.scope, line.quota))

    def history(self, scope: str, quota: str) -> list[Delta]:
        scope, quota = normalise_scope(scope), check_quota(quota)
        items = self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :q)",
            ExpressionAttributeValues={":pk": {"S": f"D#{scope}"}, ":q": {"S": f"{quota}#"}},
        )
        return [
            Delta(
                scope,
                quota,
                float(item["amount"]["N"]),
                parse_timestamp(item["at"]["S"]),
                item.get("checkpoint", {}).get("BOOL", False),
            )
            for item in items
        ]

    # Writes ----------------------------------------------------------------------------

    def _set_limit(self, scope: str, quota: str, limit: float | None) -> None:
        self._register(scope)
        key = {"pk": {"S": f"S#{scope}"}, "sk": {"S": f"Q#{quota}"}}
        if limit is None:
            self._call(
                "update_item",
                TableName=self.table,
                Key=key,
                UpdateExpression="REMOVE #l",
                ExpressionAttributeNames={"#l": "lim"},
            )
            return
        # Headroom is recomputed from usage in the same single-item update, so it is exact
        # even while applies run: DynamoDB serialises writes to one item.
        self._call(
            "update_item",
            TableName=self.table,
            Key=key,
            UpdateExpression="SET #l = :l, #r = :l - if_not_exists(#u, :z)",
            ExpressionAttributeNames={"#l": "lim", "#r": "room", "#u": "usage"},
            ExpressionAttributeValues={":l": _n(limit), ":z": _ZERO},
        )

    def _register(self, scope: str) -> None:
        """Add ``scope`` and its ancestors to the registry (idempotent puts)."""
        missing = [p for p in lineage(scope) if p not in self._known_scopes]
        if not missing:
            return
        requests = [
            {"PutRequest": {"Item": {"pk": {"S": "SCOPES"}, "sk": {"S": p}}}} for p in missing
        ]
        pending = {self.table: requests}
        for attempt in range(self._max_attempts):
            response = self._call("batch_write_item", RequestItems=pending)
            pending = response.get("UnprocessedItems") or {}
            if not pending:
                break
            self._backoff(attempt)
        else:
            raise LedgerContention("could not register the scope", scope=scope)
        self._known_scopes.update(missing)

    def _commit(
        self, scope: str, amounts: dict[str, float], *, absolute: bool, validate: bool = True
    ) -> dict[str, float]:
        path = lineage(scope)
        needed = len(amounts) * (len(path) + 1)
        if needed > MAX_TRANSACTION_ITEMS:
            raise LedgerError(
                f"this apply needs {needed} items in one DynamoDB transaction (quotas x "
                f"(depth + 1)); the limit is {MAX_TRANSACTION_ITEMS}: apply fewer quotas at once",
                scope=scope,
                quotas=len(amounts),
            )
        if not amounts:
            return {}
        self._register(scope)
        # Only a compensation or a release depends on own usage; a plain increase needs no read.
        needs_own = absolute or any(amount < 0 for amount in amounts.values())
        for attempt in range(self._max_attempts):
            own = self._own(scope) if needs_own else {}
            recorded = {}
            for quota, amount in amounts.items():
                delta = resolve_delta(amount, own.get(quota, 0.0), absolute=absolute)
                if delta:
                    recorded[quota] = delta
            if not recorded:
                return {}
            items = self._transaction(
                scope, path, recorded, own, validate=validate, absolute=absolute
            )
            try:
                self.client.transact_write_items(TransactItems=items)
                return recorded
            except self.client.exceptions.TransactionCanceledException as error:
                codes = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
                unexpected = set(codes) - {
                    "None",
                    None,
                    "ConditionalCheckFailed",
                    "TransactionConflict",
                }
                if unexpected:
                    raise self._wrap(error) from error
                if "ConditionalCheckFailed" in codes and validate:
                    self._raise_if_over(scope, path, amounts, absolute)
            except Exception as error:
                if self._is_throttle(error):
                    self._backoff(attempt)
                    continue
                raise self._wrap(error) from error
            self._backoff(attempt)
        raise LedgerContention(
            f"gave up after {self._max_attempts} conflicting attempts; nothing was recorded",
            scope=scope,
        )

    def _transaction(
        self,
        scope: str,
        path: list[str],
        recorded: dict[str, float],
        own: dict[str, float],
        *,
        validate: bool,
        absolute: bool,
    ) -> list[dict[str, Any]]:
        now = timestamp(datetime.now(UTC))
        items: list[dict[str, Any]] = []
        for quota, delta in recorded.items():
            for node in path:
                update = "SET #u = if_not_exists(#u, :z) + :d, #r = if_not_exists(#r, :z) - :d"
                conditions, names = [], {"#u": "usage", "#r": "room"}
                values = {":d": _n(delta), ":z": _ZERO}
                if delta > 0 and validate:
                    conditions.append("(attribute_not_exists(#l) OR #r >= :d)")
                    names["#l"] = "lim"
                if node == scope:
                    update += ", #o = if_not_exists(#o, :z) + :d"
                    names["#o"] = "own"
                if node == scope and (absolute or delta < 0):
                    # The delta was worked out from the own usage we read: it must not have
                    # moved (another writer would make a clamp or a compensation wrong).
                    seen = own.get(quota, 0.0)
                    values[":seen"] = _n(seen)
                    conditions.append(
                        "(#o = :seen)" if seen else "(attribute_not_exists(#o) OR #o = :seen)"
                    )
                op: dict[str, Any] = {
                    "TableName": self.table,
                    "Key": {"pk": {"S": f"S#{node}"}, "sk": {"S": f"Q#{quota}"}},
                    "UpdateExpression": update,
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": values,
                }
                if conditions:
                    op["ConditionExpression"] = " AND ".join(conditions)
                items.append({"Update": op})
            items.append(
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": {
                            "pk": {"S": f"D#{scope}"},
                            "sk": {"S": f"{quota}#{now}#{uuid.uuid4().hex}"},
                            "amount": _n(delta),
                            "at": {"S": now},
                        },
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                }
            )
        return items

    def _raise_if_over(
        self, scope: str, path: list[str], amounts: dict[str, float], absolute: bool
    ) -> None:
        """After a failed condition: raise QuotaExceeded if, read afresh, a limit is what
        refuses the apply; return (so the caller retries) if it was a concurrent change."""
        own = self._own(scope)
        for quota, amount in amounts.items():
            delta = resolve_delta(amount, own.get(quota, 0.0), absolute=absolute)
            if delta <= 0:
                continue
            for node in path:
                item = self._item(node, quota)
                limit = self._num(item, "lim")
                usage = self._num(item, "usage") or 0.0
                if limit is not None and usage + delta > limit:
                    raise QuotaExceeded(
                        scope=node,
                        quota=quota,
                        limit=limit,
                        usage=usage,
                        delta=delta,
                        origin=scope,
                    )

    # Compaction ------------------------------------------------------------------------

    def compact(self, before: datetime) -> int:
        cutoff = timestamp(before)
        paths = [
            item["sk"]["S"]
            for item in self._query(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": "SCOPES"}},
            )
        ]
        folded = 0
        for path in paths:
            by_quota: dict[str, list[dict[str, Any]]] = {}
            for item in self._query(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": f"D#{path}"}},
            ):
                if item["at"]["S"] < cutoff:
                    by_quota.setdefault(item["sk"]["S"].split("#", 1)[0], []).append(item)
            for quota, old in by_quota.items():
                # Chunks of 99 deletes + 1 checkpoint: each chunk preserves its own sum.
                for start in range(0, len(old), MAX_TRANSACTION_ITEMS - 1):
                    chunk = old[start : start + MAX_TRANSACTION_ITEMS - 1]
                    if len(chunk) < 2:
                        continue
                    folded += self._fold(path, quota, chunk)
        return folded

    def _fold(self, path: str, quota: str, chunk: list[dict[str, Any]]) -> int:
        total = sum(float(item["amount"]["N"]) for item in chunk)
        latest = max(item["at"]["S"] for item in chunk)
        items: list[dict[str, Any]] = [
            {
                "Delete": {
                    "TableName": self.table,
                    "Key": {"pk": item["pk"], "sk": item["sk"]},
                    # A concurrent compaction may have folded it already.
                    "ConditionExpression": "attribute_exists(pk)",
                }
            }
            for item in chunk
        ]
        items.append(
            {
                "Put": {
                    "TableName": self.table,
                    "Item": {
                        "pk": {"S": f"D#{path}"},
                        "sk": {"S": f"{quota}#{latest}#{uuid.uuid4().hex}"},
                        "amount": _n(total),
                        "at": {"S": latest},
                        "checkpoint": {"BOOL": True},
                    },
                }
            }
        )
        try:
            self.client.transact_write_items(TransactItems=items)
        except self.client.exceptions.TransactionCanceledException:
            return 0  # someone else compacted or wrote; the next run folds what is left
        return len(chunk) - 1

    # Plumbing --------------------------------------------------------------------------

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        for attempt in range(self._max_attempts):
            try:
                return getattr(self.client, operation)(**kwargs)
            except Exception as error:
                if self._is_throttle(error):
                    self._backoff(attempt)
                    continue
                raise self._wrap(error) from error
        raise LedgerContention(f"{operation} kept being throttled", table=self.table)

    @staticmethod
    def _is_throttle(error: Exception) -> bool:
        code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
        return code in {
            "ProvisionedThroughputExceededException",
            "ThrottlingException",
            "RequestLimitExceeded",
            "InternalServerError",
        }

    def _wrap(self, error: Exception) -> LedgerError:
        if isinstance(error, LedgerError):
            return error
        code = getattr(error, "response", {}).get("Error", {}).get("Code", type(error).__name__)
        return LedgerError(f"DynamoDB refused the request: {code}: {error}", table=self.table)

    @staticmethod
    def _backoff(attempt: int) -> None:
        # Full jitter, capped: colliding writers spread out instead of colliding again.
        time.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))

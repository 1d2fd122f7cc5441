"""The production ledger: one DynamoDB table (see :mod:`.layout`), conditional transactional
writes (sent by :mod:`.transaction`).

An apply is ONE TransactWriteItems: per quota, an update of the totals of the scope and of
every ancestor, each conditioned on ``room >= delta`` where a limit is set, plus the delta's
put. If any condition fails nothing is written. A cancellation caused by a limit is reported
as QuotaExceeded (after a consistent re-read confirms it); one caused by a conflicting
concurrent transaction, or by own usage having moved under a release, is retried with a
request built afresh.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from quotapilot.ledger.base import Delta, Ledger, QuotaLine, resolve_delta, timestamp
from quotapilot.ledger.dynamodb import layout
from quotapilot.ledger.dynamodb.transaction import (
    RETRY_CONFIG,
    Cancelled,
    TransactWrite,
    backoff,
    error_code,
)
from quotapilot.ledger.exceptions import (
    LedgerContention,
    LedgerError,
    LedgerNotFound,
    LedgerUnsettled,
    QuotaExceeded,
)
from quotapilot.ledger.paths import check_quota, lineage, normalise_scope
from quotapilot.permissions import TABLE_LEDGER, Needs

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

#: DynamoDB's cap on the items of one TransactWriteItems.
MAX_TRANSACTION_ITEMS = 100

#: Cancellation reasons that say nothing about our request, only about its timing.
_RETRYABLE_REASONS = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}


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
        url: str | None = None,
    ) -> None:
        self.table = table
        self.name = f"dynamodb {table}"
        self.url = url or f"dynamodb://{table}"
        self._region = region
        self._endpoint_url = endpoint_url
        self._client = client
        self._max_attempts = max_attempts
        self._known_scopes: set[str] = set()

    @property
    def client(self) -> DynamoDBClient:
        if self._client is None:
            import boto3

            try:
                self._client = boto3.client(
                    "dynamodb",
                    region_name=self._region,
                    endpoint_url=self._endpoint_url,
                    config=RETRY_CONFIG,
                )
            except Exception as error:  # no region, a malformed region or endpoint
                raise LedgerError(f"can't reach DynamoDB: {error}", url=self.url) from None
        return self._client

    def probe(self) -> None:
        """Raise LedgerNotFound unless the table exists (one consistent read, nothing written)."""
        self._call("get_item", Key=layout.registry_item("-"), ConsistentRead=True)

    # Reads -----------------------------------------------------------------------------

    def _item(self, scope: str, quota: str) -> dict[str, Any]:
        response = self._call("get_item", Key=layout.totals_key(scope, quota), ConsistentRead=True)
        return response.get("Item", {})

    def _query(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        paginator = self.client.get_paginator("query")
        try:
            for page in paginator.paginate(TableName=self.table, ConsistentRead=True, **query):
                items.extend(page["Items"])
        except Exception as error:
            raise self._wrap(error) from error
        return items

    def _limit(self, scope: str, quota: str) -> float | None:
        return layout.read_number(self._item(scope, quota), layout.LIMIT)

    def _usage(self, scope: str, quota: str) -> float:
        return layout.read_number(self._item(scope, quota), layout.USAGE) or 0.0

    def _own(self, scope: str) -> dict[str, float]:
        return {
            layout.quota_of_totals(item): layout.read_number(item, layout.OWN) or 0.0
            for item in self._query(layout.totals_query(scope))
        }

    def _lines(self, scope: str | None) -> list[QuotaLine]:
        paths = [layout.path_of_registry(i) for i in self._query(layout.registry_query(scope))]
        if scope:
            paths = [p for p in paths if p == scope or p.startswith(scope + "/")]
        lines = []
        for path in sorted(paths):
            for item in self._query(layout.totals_query(path)):
                limit = layout.read_number(item, layout.LIMIT)
                usage = layout.read_number(item, layout.USAGE) or 0.0
                if limit is None and not usage:
                    continue
                own = layout.read_number(item, layout.OWN) or 0.0
                lines.append(QuotaLine(path, layout.quota_of_totals(item), limit, usage, own))
        return sorted(lines, key=lambda line: (line.scope, line.quota))

    def history(self, scope: str, quota: str) -> list[Delta]:
        scope, quota = normalise_scope(scope), check_quota(quota)
        items = self._query(layout.deltas_query(scope, quota))
        return [layout.as_delta(item, scope, quota) for item in items]

    # Writes ----------------------------------------------------------------------------

    def _set_limit(self, scope: str, quota: str, limit: float | None) -> None:
        self._register(scope)
        self._call("update_item", **layout.limit_update(scope, quota, limit))

    def _register(self, scope: str) -> None:
        """Add ``scope`` and its ancestors to the registry (idempotent puts)."""
        missing = [p for p in lineage(scope) if p not in self._known_scopes]
        if not missing:
            return
        requests = [{"PutRequest": {"Item": layout.registry_item(p)}} for p in missing]
        pending = {self.table: requests}
        for attempt in range(self._max_attempts):
            response = self._call("batch_write_item", RequestItems=pending)
            pending = response.get("UnprocessedItems") or {}
            if not pending:
                break
            backoff(attempt)
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
            items = layout.apply_items(
                self.table, scope, path, recorded, own, validate=validate, absolute=absolute
            )
            write = TransactWrite(self.client, items)
            cancelled = self._send(write)
            if cancelled is None or self._committed_before(write, cancelled):
                return recorded
            unexpected = cancelled.codes - {"ConditionalCheckFailed", *_RETRYABLE_REASONS}
            if unexpected:
                raise LedgerError(
                    f"DynamoDB cancelled the apply: {', '.join(sorted(unexpected))}",
                    table=self.table,
                )
            if "ConditionalCheckFailed" in cancelled.codes and validate:
                self._raise_if_over(scope, path, amounts, absolute)
            backoff(attempt)
        raise LedgerContention(
            f"gave up after {self._max_attempts} conflicting attempts; nothing was recorded",
            scope=scope,
        )

    def _send(self, write: TransactWrite) -> Cancelled | None:
        try:
            return write.send()
        except LedgerUnsettled:
            if self._committed_before(write, None):
                return None
            raise
        except Exception as error:
            raise self._wrap(error) from error

    def _committed_before(self, write: TransactWrite, cancelled: Cancelled | None) -> bool:
        """Whether an earlier send of ``write`` committed it (its response was lost)."""
        if cancelled is not None:
            if write.put_was_there(cancelled):
                return True
            if not cancelled.repeated:
                return False
        # The delta's key is unique to this request: finding it proves it was committed.
        key = layout.key_of(write.puts()[0])
        found = self._call("get_item", Key=key, ConsistentRead=True)
        return "Item" in found

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
                limit = layout.read_number(item, layout.LIMIT)
                usage = layout.read_number(item, layout.USAGE) or 0.0
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
        paths = [layout.path_of_registry(i) for i in self._query(layout.registry_query())]
        folded = 0
        for path in paths:
            by_quota: dict[str, list[dict[str, Any]]] = {}
            for item in self._query(layout.deltas_query(path)):
                if item[layout.AT]["S"] < cutoff:
                    by_quota.setdefault(layout.quota_of_delta(item), []).append(item)
            for quota, old in by_quota.items():
                # Chunks of 99 deletes + 1 checkpoint: each chunk preserves its own sum.
                for start in range(0, len(old), MAX_TRANSACTION_ITEMS - 1):
                    chunk = old[start : start + MAX_TRANSACTION_ITEMS - 1]
                    if len(chunk) < 2:
                        continue
                    folded += self._fold(path, quota, chunk)
        return folded

    def _fold(self, path: str, quota: str, chunk: list[dict[str, Any]]) -> int:
        total = sum(float(item[layout.AMOUNT]["N"]) for item in chunk)
        latest = max(item[layout.AT]["S"] for item in chunk)
        items: list[dict[str, Any]] = [
            {
                "Delete": {
                    "TableName": self.table,
                    "Key": layout.key_of(item),
                    # A concurrent compaction may have folded it already.
                    "ConditionExpression": layout.EXISTS,
                }
            }
            for item in chunk
        ]
        checkpoint = layout.delta_item(path, quota, total, latest, checkpoint=True)
        items.append({"Put": {"TableName": self.table, "Item": checkpoint}})
        if self._send(TransactWrite(self.client, items)) is not None:
            return 0  # someone else compacted or wrote; the next run folds what is left
        return len(chunk) - 1

    # Plumbing --------------------------------------------------------------------------

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        """One request (botocore retries throttles and transient errors itself)."""
        if operation != "batch_write_item":
            kwargs["TableName"] = self.table
        try:
            return getattr(self.client, operation)(**kwargs)
        except Exception as error:
            raise self._wrap(error) from error

    def _wrap(self, error: Exception) -> LedgerError:
        if isinstance(error, LedgerError):
            return error
        code = error_code(error) or type(error).__name__
        if code == "ResourceNotFoundException":
            return LedgerNotFound(
                f"no ledger at {self.url}: DynamoDB answered {code} (no such table)",
                region=getattr(getattr(self._client, "meta", None), "region_name", None),
            )
        return LedgerError(f"DynamoDB refused the request: {code}: {error}", table=self.table)

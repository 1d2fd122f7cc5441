"""Where the DynamoDB ledger keeps what: the only module that spells keys and attributes.

One table, ``pk`` S and ``sk`` S, no index:

==========================  ===========================  ==================================
pk                          sk                           attributes
==========================  ===========================  ==================================
``SCOPES``                  ``<path>``                   the scope registry (for ``show``)
``S#<path>``                ``Q#<quota>``                ``lim`` (absent: unlimited),
                                                         ``usage`` (rolled up), ``own``,
                                                         ``room`` (= lim - usage)
``D#<path>``                ``<quota>#<time>#<nonce>``   ``amount``, ``at``, ``checkpoint``
==========================  ===========================  ==================================

The ``D#`` items are the insert-only deltas; the ``S#`` totals keep running sums so that a
check needs no scan. ``room`` is stored because a condition expression can't add: a limit
is checked as ``room >= delta``. Paths and quota names never contain ``#`` (see
:mod:`quotapilot.ledger.paths`), so the separators are unambiguous.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from quotapilot.ledger.base import Delta, parse_timestamp, timestamp

REGISTRY = "SCOPES"
_TOTALS, _QUOTA, _DELTAS = "S#", "Q#", "D#"

# Attribute names. Expressions always name them through placeholders (#u, #l ...), so a
# name that is a DynamoDB reserved word can never break an expression.
LIMIT, USAGE, OWN, ROOM = "lim", "usage", "own", "room"
AMOUNT, AT, CHECKPOINT = "amount", "at", "checkpoint"
ZERO = {"N": "0"}

Item = dict[str, Any]


def number(value: float) -> dict[str, str]:
    """A DynamoDB number; whole numbers without a fraction, so that items compare as text."""
    return {"N": str(int(value)) if float(value).is_integer() else repr(float(value))}


#: Conditions on an item's existence (every item has a pk).
EXISTS, ABSENT = "attribute_exists(pk)", "attribute_not_exists(pk)"


def key_of(item: Item) -> Item:
    return {"pk": item["pk"], "sk": item["sk"]}


def read_number(item: Item, name: str) -> float | None:
    return float(item[name]["N"]) if name in item else None


# Keys and queries ----------------------------------------------------------------------


def registry_item(path: str) -> Item:
    return {"pk": {"S": REGISTRY}, "sk": {"S": path}}


def registry_query(prefix: str | None = None) -> dict[str, Any]:
    """Query arguments for the registered scopes (those starting with ``prefix``)."""
    return _query(REGISTRY, prefix)


def path_of_registry(item: Item) -> str:
    return item["sk"]["S"]


def totals_key(scope: str, quota: str) -> Item:
    return {"pk": {"S": f"{_TOTALS}{scope}"}, "sk": {"S": f"{_QUOTA}{quota}"}}


def totals_query(scope: str) -> dict[str, Any]:
    """Query arguments for every quota's totals at ``scope``."""
    return _query(f"{_TOTALS}{scope}", _QUOTA)


def quota_of_totals(item: Item) -> str:
    return item["sk"]["S"].removeprefix(_QUOTA)


def deltas_query(scope: str, quota: str | None = None) -> dict[str, Any]:
    """Query arguments for the deltas recorded at ``scope`` (of one ``quota``)."""
    if quota is None:
        return _query(f"{_DELTAS}{scope}")
    return _query(f"{_DELTAS}{scope}", f"{quota}#")


def quota_of_delta(item: Item) -> str:
    return item["sk"]["S"].split("#", 1)[0]


def _query(pk: str, prefix: str | None = None) -> dict[str, Any]:
    if prefix is None:
        return {
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}},
        }
    return {
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
        "ExpressionAttributeValues": {":pk": {"S": pk}, ":prefix": {"S": prefix}},
    }


# Items ---------------------------------------------------------------------------------


def delta_item(scope: str, quota: str, amount: float, at: str, *, checkpoint: bool = False) -> Item:
    """A delta (or a checkpoint that replaced older ones). The nonce makes its key unique, so
    a put conditioned on the key's absence writes it at most once."""
    item: Item = {
        "pk": {"S": f"{_DELTAS}{scope}"},
        "sk": {"S": f"{quota}#{at}#{uuid.uuid4().hex}"},
        AMOUNT: number(amount),
        AT: {"S": at},
    }
    if checkpoint:
        item[CHECKPOINT] = {"BOOL": True}
    return item


def as_delta(item: Item, scope: str, quota: str) -> Delta:
    return Delta(
        scope,
        quota,
        float(item[AMOUNT]["N"]),
        parse_timestamp(item[AT]["S"]),
        item.get(CHECKPOINT, {}).get("BOOL", False),
    )


def limit_update(scope: str, quota: str, limit: float | None) -> dict[str, Any]:
    """UpdateItem arguments that set (or, for None, remove) a limit."""
    if limit is None:
        return {
            "Key": totals_key(scope, quota),
            "UpdateExpression": "REMOVE #l",
            "ExpressionAttributeNames": {"#l": LIMIT},
        }
    # Headroom is recomputed from usage in the same single-item update, so it is exact even
    # while applies run: DynamoDB serialises writes to one item.
    return {
        "Key": totals_key(scope, quota),
        "UpdateExpression": "SET #l = :l, #r = :l - if_not_exists(#u, :z)",
        "ExpressionAttributeNames": {"#l": LIMIT, "#r": ROOM, "#u": USAGE},
        "ExpressionAttributeValues": {":l": number(limit), ":z": ZERO},
    }


def usage_update(
    node: str,
    quota: str,
    delta: float,
    *,
    check_limit: bool,
    own: bool,
    own_seen: float | None = None,
) -> dict[str, Any]:
    """UpdateItem arguments that add ``delta`` to ``node``'s totals of ``quota``.

    ``check_limit``: only if the delta fits the headroom (or no limit is set). ``own``: the
    node is the scope the delta is recorded at, so its own usage moves too. ``own_seen``: the
    delta was worked out from that own usage, so it must not have moved since it was read.
    """
    update = "SET #u = if_not_exists(#u, :z) + :d, #r = if_not_exists(#r, :z) - :d"
    conditions: list[str] = []
    names = {"#u": USAGE, "#r": ROOM}
    values = {":d": number(delta), ":z": ZERO}
    if check_limit:
        conditions.append("(attribute_not_exists(#l) OR #r >= :d)")
        names["#l"] = LIMIT
    if own:
        update += ", #o = if_not_exists(#o, :z) + :d"
        names["#o"] = OWN
    if own_seen is not None:
        values[":seen"] = number(own_seen)
        conditions.append(
            "(#o = :seen)" if own_seen else "(attribute_not_exists(#o) OR #o = :seen)"
        )
    op: dict[str, Any] = {
        "Key": totals_key(node, quota),
        "UpdateExpression": update,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
    if conditions:
        op["ConditionExpression"] = " AND ".join(conditions)
    return op


def apply_items(
    table: str,
    scope: str,
    path: list[str],
    recorded: dict[str, float],
    own: dict[str, float],
    *,
    validate: bool,
    absolute: bool,
) -> list[Item]:
    """The TransactWriteItems items of one apply: per quota, the totals of every scope on
    ``path`` and the delta's put, which can only create (its key is new)."""
    now = timestamp(datetime.now(UTC))
    items: list[Item] = []
    for quota, delta in recorded.items():
        for node in path:
            # A clamp or a compensation was worked out from the own usage we read: another
            # writer moving it would make the delta wrong.
            pinned = node == scope and (absolute or delta < 0)
            update = usage_update(
                node,
                quota,
                delta,
                check_limit=delta > 0 and validate,
                own=node == scope,
                own_seen=own.get(quota, 0.0) if pinned else None,
            )
            items.append({"Update": {"TableName": table, **update}})
        put = {
            "TableName": table,
            "Item": delta_item(scope, quota, delta, now),
            "ConditionExpression": ABSENT,
        }
        items.append({"Put": put})
    return items

"""The automation's DynamoDB tables, keyed and indexed as the engine reads them."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from quotapilot import permissions, wiring
from quotapilot.components.part import TYPE_PREFIX, PartArgs, resource_options

#: Logical table -> (the variable the Lambda code reads its name from, its TTL attribute).
LAYOUTS: dict[str, tuple[str, str | None]] = {
    permissions.TABLE_MONITORING: (wiring.ENV_MONITORING_TABLE, wiring.TTL_ATTRIBUTE),
    permissions.TABLE_RULES: (wiring.ENV_RULES_TABLE, None),
    permissions.TABLE_LOG: (wiring.ENV_LOG_TABLE, wiring.TTL_ATTRIBUTE),
    permissions.TABLE_EVENTS: (wiring.ENV_EVENTS_TABLE, wiring.TTL_ATTRIBUTE),
    permissions.TABLE_IDEMPOTENCY: (wiring.ENV_IDEMPOTENCY_TABLE, wiring.IDEMPOTENCY_TTL_ATTRIBUTE),
    # The ledger's usage is a running total: it must never expire.
    permissions.TABLE_LEDGER: (wiring.ENV_LEDGER_TABLE, None),
}
#: The audit trail and the ledger can't be deleted by accident.
PROTECTED = (permissions.TABLE_LOG, permissions.TABLE_LEDGER)


@dataclass(frozen=True, kw_only=True)
class TablesArgs(PartArgs):
    #: The key encrypting every table.
    key_arn: pulumi.Input[str]


class Tables(pulumi.ComponentResource):
    """On-demand tables with point-in-time recovery, encrypted with the stack key."""

    def __init__(
        self, name: str, args: TablesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_PREFIX + "Tables", name, None, opts)
        child = resource_options(self, opts)
        #: Logical table name (``table:monitoring``) -> table.
        self.tables: dict[str, aws.dynamodb.Table] = {
            logical: _table(args, logical, env, ttl, child)
            for logical, (env, ttl) in LAYOUTS.items()
        }
        self.register_outputs({"tables": {k: t.name for k, t in self.tables.items()}})


def _table(
    args: TablesArgs, logical: str, env: str, ttl: str | None, opts: pulumi.ResourceOptions
) -> aws.dynamodb.Table:
    hash_key, range_key = wiring.TABLE_KEYS.get(env, ("pk", "sk"))
    attributes = [{"name": hash_key, "type": "S"}]
    if range_key:
        attributes.append({"name": range_key, "type": "S"})
    indexes = []
    if env in wiring.TABLE_INDEXES:
        index, (by, by_type), (then, then_type) = wiring.TABLE_INDEXES[env]
        attributes += [{"name": by, "type": by_type}, {"name": then, "type": then_type}]
        indexes.append({"name": index, "hash_key": by, "range_key": then, "projection_type": "ALL"})
    short = logical.split(":", 1)[1]
    return aws.dynamodb.Table(
        f"{args.prefix}-{short}",
        billing_mode="PAY_PER_REQUEST",
        hash_key=hash_key,
        range_key=range_key,
        attributes=attributes,
        global_secondary_indexes=indexes or None,
        point_in_time_recovery={"enabled": True},
        server_side_encryption={"enabled": True, "kms_key_arn": args.key_arn},
        ttl={"attribute_name": ttl, "enabled": True} if ttl else None,
        deletion_protection_enabled=logical in PROTECTED,
        tags=args.tags,
        opts=opts,
    )

"""Shards: the unit of collection, one account in one region.

The single-function cycle walks the shards in turn; the fan-out cycle hands them to a
Distributed Map in batches, one collector invocation per batch. Both read a shard through
:func:`read_shards`, so the two paths can only differ in where the rows wait between
collection and decision (memory, or the run's rows in the monitoring table).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from quotapilot.domain import QuotaKey
from quotapilot.engine.collect.collection import Collection, SourceFactory
from quotapilot.engine.config import MemberAccount
from quotapilot.engine.exceptions import MalformedEventError


@dataclass(frozen=True)
class Shard:
    account: MemberAccount
    #: "" when no regions are configured: the keys' own regions, read from this account.
    region: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "account": self.account.account,
            "role_arn": self.account.role_arn,
            "region": self.region,
        }

    @classmethod
    def from_json(cls, value: Any) -> Shard:
        if not isinstance(value, dict) or not all(
            isinstance(value.get(k, ""), str) for k in ("account", "role_arn", "region")
        ):
            raise MalformedEventError(f"a shard is {{account, role_arn, region}}, got {value!r}")
        return cls(MemberAccount(value.get("account", ""), value.get("role_arn", "")),
                   value.get("region", ""))  # fmt: skip

    @property
    def label(self) -> str:
        return f"{self.account.account or 'this account'}/{self.region or 'any region'}"


def shards_of(accounts: Sequence[MemberAccount], regions: Sequence[str]) -> list[Shard]:
    """Every account in every region, accounts together (a batch of neighbours shares the
    account's assumed role)."""
    return [Shard(account, region) for account in accounts for region in (regions or [""])]


def keys_by_shard(shards: Sequence[Shard], keys: Sequence[QuotaKey]) -> dict[Shard, list[QuotaKey]]:
    """The keys each shard reads: those of its region. A key no shard's region covers (a
    global quota, a region not configured) goes to its account's first shard, whose source
    answers it as before, read or reported unknown, never dropped."""
    out: dict[Shard, list[QuotaKey]] = {shard: [] for shard in shards}
    first: dict[str, Shard] = {}
    regions: dict[str, set[str]] = {}
    for shard in shards:
        first.setdefault(shard.account.account, shard)
        regions.setdefault(shard.account.account, set()).add(shard.region)
    for shard in shards:
        covered = regions[shard.account.account]
        home = shard is first[shard.account.account]
        for key in keys:
            mine = shard.region == "" or key.region == shard.region
            if mine or (home and key.region not in covered):
                out[shard].append(key)
    return out


@dataclass
class ShardResult:
    shard: Shard
    collection: Collection
    #: The whole shard failed (its source could not be made, or its read raised).
    failed: bool = False


def read_shards(
    shards: Iterable[Shard],
    keys: Sequence[QuotaKey],
    regions: Sequence[str],
    factory: SourceFactory,
) -> list[ShardResult]:
    """Read each shard's keys through one source per account (its role assumed once);
    a shard that fails is reported, and the others are read."""
    shards = list(shards)
    results = []
    sources: dict[MemberAccount, Any] = {}
    for shard, shard_keys in keys_by_shard(shards, keys).items():
        out = Collection()
        results.append(ShardResult(shard, out))
        if not shard_keys:
            continue
        try:
            if shard.account not in sources:
                sources[shard.account] = factory(shard.account, list(regions))
            result = sources[shard.account].read(shard_keys)
        except Exception as error:  # one shard's failure must not stop the rest
            results[-1].failed = True
            out.failures.append(
                {
                    "account": shard.account.account,
                    "region": shard.region,
                    "error": f"{type(error).__name__}: {error}",
                }
            )
            continue
        for asked, reading in result.readings.items():
            out.readings[reading.key if reading.key.account else asked] = reading
        for asked, unknown in result.unknown.items():
            out.failures.append(
                {"account": shard.account.account, "quota": str(asked), "error": unknown.reason}
            )
    return results


def merged(results: Iterable[ShardResult]) -> Collection:
    out = Collection()
    for result in results:
        out.readings.update(result.collection.readings)
        out.failures += result.collection.failures
    return out

"""One shard (account x region): the calls reading it makes, and the process that makes them.

The calls are AwsSource's (``quotapilot.sources.aws``): per service one ListServiceQuotas page
(+1 ListAWSDefaultServiceQuotas page for some), GetMetricData in batches of 500 queries, the
open increase requests (``quotapilot.engine.actions``), then the rows written 25 at a time.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache

from bench.fanout.des import Client, Process, Sim
from bench.fanout.figures import Params


@dataclass(frozen=True)
class Shard:
    index: int
    account: int
    region: int


class Crash(Exception):
    """An injected collector failure (the runtime died mid-batch)."""


class TimedOut(Exception):
    """The invocation ran past its function's timeout."""


def all_shards(params: Params) -> list[Shard]:
    """Account-major, as the list-shards step emits them (a batch keeps an account together)."""
    return [
        Shard(a * params.regions + r, a, r)
        for a in range(params.accounts)
        for r in range(params.regions)
    ]


def quotas_in(params: Params, shard: Shard) -> int:
    w = params.workload
    return w.regional_quotas + (w.global_quotas if shard.region == 0 else 0)


@cache
def _plan(seed: int, shard: Shard, params_key: tuple) -> tuple[tuple[str, ...], int]:
    (regional, global_, pages, share, metric_share, history, quotas, per_write) = params_key
    rng = random.Random(f"plan-{seed}-{shard.index}")
    services = regional + (global_ if shard.region == 0 else 0)
    calls: list[str] = []
    for _ in range(services):
        calls += ["ListServiceQuotas"] * pages
        if rng.random() < share:
            calls.append("ListAWSDefaultServiceQuotas")
    calls += ["GetMetricData"] * math.ceil(quotas * metric_share / 500)
    calls += ["ListRequestedServiceQuotaChangeHistory"] * history
    return tuple(calls), math.ceil(quotas / per_write)


def shard_plan(params: Params, shard: Shard) -> tuple[tuple[str, ...], int]:
    """(the read calls in order, how many BatchWriteItem calls store the rows)."""
    w = params.workload
    key = (
        w.regional_services,
        w.global_services,
        params.list_pages_per_service,
        params.default_page_share,
        params.metric_share,
        params.history_calls,
        quotas_in(params, shard),
        params.rows_per_write,
    )
    return _plan(params.seed, shard, key)


class Tripwire:
    """Ends an invocation: after ``crash_after`` calls (injected failure) or at its timeout."""

    def __init__(self, sim: Sim, crash_after: int | None, deadline: float) -> None:
        self.sim = sim
        self.left = crash_after
        self.deadline = deadline
        self.tripped: Exception | None = None

    def tick(self) -> None:
        if self.tripped:
            raise self.tripped
        if self.sim.now > self.deadline:
            self.tripped = TimedOut()
        elif self.left is not None:
            if self.left <= 0:
                self.tripped = Crash()
            self.left -= 1
        if self.tripped:
            raise self.tripped


def collect_shard(
    sim: Sim,
    client: Client,
    params: Params,
    shard: Shard,
    credentials: dict[int, float],
    wire: Tripwire,
) -> Process:
    """Read one shard and write its rows; ``credentials`` is the process's role cache."""
    if credentials.get(shard.account, -math.inf) <= sim.now:
        wire.tick()
        yield from client.call("AssumeRole", shard.account, shard.region)
        credentials[shard.account] = sim.now + params.credential_ttl
    reads, writes = shard_plan(params, shard)
    if params.threads <= 1:
        for api in reads:
            wire.tick()
            yield from client.call(api, shard.account, shard.region)
    else:
        queue = iter(reads)

        def worker() -> Process:
            for api in queue:
                wire.tick()
                yield from client.call(api, shard.account, shard.region)

        yield from [sim.spawn(worker()) for _ in range(params.threads)]  # wait for each
    for _ in range(writes):
        wire.tick()
        yield from client.call("BatchWriteItem", shard.account, shard.region)

"""The two ways of running one collection cycle, simulated.

- ``run_single``: one engine invocation walks every shard in turn, then decides and acts;
  Lambda ends it at 900 s.
- ``run_fanout``: a Step Functions Standard workflow: ListShards -> Distributed Map (batches
  of shards, MaxConcurrency, Retry, ToleratedFailurePercentage) running a collector Lambda per
  batch, each writing its rows -> Decide (reads the rows back, decides and acts) -> Summary.
"""

from __future__ import annotations

import math
import random
from collections import Counter, deque
from dataclasses import dataclass, field

from bench.fanout.des import Aws, Client, Process, Sim
from bench.fanout.figures import Params
from bench.fanout.lambdas import Environment, InvocationFailed, Lambdas, TooManyRequests
from bench.fanout.shards import (
    Shard,
    TimedOut,
    Tripwire,
    all_shards,
    collect_shard,
    quotas_in,
    shard_plan,
)

LIST_SHARDS_WORK = 0.3  # s: read the member accounts from config, write the items to S3


@dataclass
class Result:
    path: str
    shards: int
    wall: float | None = None  # None: did not finish (single past 900 s)
    collection: float | None = None  # when the last shard's rows were written
    collected: dict[int, float] = field(default_factory=dict)  # shard -> rows written at
    gb_seconds: float = 0.0
    lambda_requests: int = 0
    transitions: int = 0
    calls: Counter = field(default_factory=Counter)
    throttles: Counter = field(default_factory=Counter)
    peak_concurrency: int = 0
    peak_children: int = 0
    failed_invocations: int = 0
    failure_causes: Counter = field(default_factory=Counter)
    lambda_throttles: int = 0
    cold_starts: int = 0
    map_failed: bool = False
    decide_failed: bool = False
    aws: Aws | None = None
    lambdas: Lambdas | None = None
    clients: list[Client] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return self.shards - len(self.collected)

    def cost(self, params: Params) -> dict[str, float]:
        lam = self.gb_seconds * params.gb_second + self.lambda_requests * params.per_request
        sfn = self.transitions * params.per_transition
        return {"lambda": lam, "sfn": sfn, "total": lam + sfn}


def cpu_share(memory_mb: int) -> float:
    return min(1.0, memory_mb / 1769)


def decide_seconds(params: Params, series: int, memory_mb: int) -> float:
    return series * params.decide_ms_per_series / 1000 / cpu_share(memory_mb)


def _client(aws: Aws, params: Params, name: str) -> Client:
    rng = random.Random(f"client-{params.seed}-{name}")
    return Client(aws, rng, rate_factor=params.client_rate_factor, max_attempts=params.max_attempts)


def run_single(params: Params, until: float | None = None) -> Result:
    """The engine alone; ``until`` stops the clock early (the 900 s wall), None runs it out."""
    sim = Sim()
    aws = Aws(sim, params.seed)
    client = _client(aws, params, "engine")
    shards = all_shards(params)
    result = Result("single", len(shards), aws=aws, clients=[client])
    done: dict[int, float] = {}

    def engine() -> Process:
        yield params.engine_cold_start
        credentials: dict[int, float] = {}
        wire = Tripwire(sim, None, math.inf)  # the run is cut by ``until``, not here
        for shard in shards:
            yield from collect_shard(sim, client, params, shard, credentials, wire)
            done[shard.index] = sim.now
        result.collection = sim.now
        series = sum(quotas_in(params, shard) for shard in shards)
        yield decide_seconds(params, series, params.engine_memory_mb)
        result.wall = sim.now

    sim.spawn(engine())
    sim.run(math.inf if until is None else until)
    result.collected = done
    if result.wall is None:
        result.collection = None
    billed = result.wall if result.wall is not None else sim.now
    result.gb_seconds = params.engine_memory_mb / 1024 * billed
    result.lambda_requests = 1
    result.peak_concurrency = 1
    result.cold_starts = 1
    result.calls, result.throttles = aws.calls, aws.throttles
    return result


def _batches(params: Params, shards: list[Shard]) -> list[list[Shard]]:
    size = max(1, params.batch)
    return [shards[at : at + size] for at in range(0, len(shards), size)]


def run_fanout(params: Params) -> Result:
    sim = Sim()
    aws = Aws(sim, params.seed)
    lambdas = Lambdas(sim, params.account_concurrency, params.scaling_per_10s)
    lam = lambdas.function
    collector = lam(
        "collector", params.collector_memory_mb, params.collector_cold_start,
        params.collector_timeout,
    )  # fmt: skip
    lister = lam("list-shards", params.collector_memory_mb, params.collector_cold_start, 60)
    decider = lam("decide", params.decide_memory, params.engine_cold_start, params.lambda_timeout)
    shards = all_shards(params)
    batches = _batches(params, shards)
    result = Result("fan-out", len(shards), aws=aws, lambdas=lambdas)
    fail_rng = random.Random(f"failures-{params.seed}")
    sfn_rng = random.Random(f"stepfunctions-{params.seed}")
    state = {"children": 0, "failed_children": 0}

    def collect(batch: list[Shard]):
        def handler(env: Environment, deadline: float) -> Process:
            planned = sum(len(shard_plan(params, s)[0]) + shard_plan(params, s)[1] for s in batch)
            crash = fail_rng.randrange(planned) if fail_rng.random() < params.failure_rate else None
            wire = Tripwire(sim, crash, deadline)
            if env.client is None:
                env.client = _client(aws, params, f"env-{collector.cold_starts}")
                result.clients.append(env.client)
            client = env.client
            for shard in batch:
                yield from collect_shard(sim, client, params, shard, env.credentials, wire)
                result.collected.setdefault(shard.index, sim.now)

        return handler

    def child(batch: list[Shard]) -> Process:
        result.transitions += 2  # the charge for starting a child + its Collect task state
        failed_attempts = throttled_attempts = 0
        while True:
            try:
                yield from lambdas.invoke(collector, collect(batch))
                return True
            except TooManyRequests:
                if throttled_attempts >= params.throttle_retries:
                    return False
                delay = 1.0 * 2.0**throttled_attempts * sfn_rng.random()  # JitterStrategy FULL
                throttled_attempts += 1
            except InvocationFailed:
                if failed_attempts >= params.retries:
                    return False
                delay = params.retry_interval * params.retry_backoff**failed_attempts
                failed_attempts += 1
            result.transitions += 1  # a retry re-enters the state
            yield delay

    queue = deque(batches)

    def lane() -> Process:
        while queue and not result.map_failed:
            batch = queue.popleft()
            yield params.child_start
            state["children"] += 1
            result.peak_children = max(result.peak_children, state["children"])
            ok = yield sim.spawn(child(batch))
            state["children"] -= 1
            if not ok:
                state["failed_children"] += 1
                if state["failed_children"] * 100 > params.tolerated_failure_pct * len(batches):
                    result.map_failed = True

    def decide_handler(env: Environment, deadline: float) -> Process:
        client = _client(aws, params, "decide")
        series = sum(quotas_in(params, shards[i]) for i in result.collected)
        for _ in range(math.ceil(series * params.row_bytes / 1_000_000)):  # 1 MB Scan pages
            yield from client.call("Scan", 0, 0)
        cpu = decide_seconds(params, series, params.decide_memory)
        if sim.now + cpu > deadline:
            yield deadline - sim.now
            raise TimedOut()
        yield cpu

    def list_handler(env: Environment, deadline: float) -> Process:
        yield LIST_SHARDS_WORK

    def workflow() -> Process:
        result.transitions += 1  # ListShards
        yield from lambdas.invoke(lister, list_handler)
        result.transitions += 1  # the Map state itself
        lanes = min(params.max_concurrency, len(batches))
        yield from [sim.spawn(lane()) for _ in range(lanes)]  # wait for every lane
        result.collection = sim.now
        if result.map_failed:
            return
        result.transitions += 2  # Decide, Summary
        try:
            yield from lambdas.invoke(decider, decide_handler)
        except InvocationFailed:
            result.decide_failed = True
            return
        result.wall = sim.now

    sim.spawn(workflow())
    sim.run()
    result.gb_seconds = lambdas.gb_seconds
    result.lambda_requests = lambdas.requests
    result.peak_concurrency = lambdas.peak
    result.failed_invocations = collector.failures
    result.failure_causes = collector.failure_causes
    result.lambda_throttles = sum(fn.throttles for fn in lambdas.functions.values())
    result.cold_starts = sum(fn.cold_starts for fn in lambdas.functions.values())
    result.calls, result.throttles = aws.calls, aws.throttles
    return result

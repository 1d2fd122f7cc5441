"""Lambda as the simulation sees it: environments, cold starts, concurrency, billing.

An invocation takes a warm environment of its function if one is idle, else creates one (a
cold start, billed: Lambda bills the INIT phase) if the function's scaling bucket (1,000 new
environments per 10 s) and the account's concurrency limit allow; otherwise it is throttled
(``TooManyRequests``, not billed). An environment whose invocation failed is discarded.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.fanout.des import Process, Sim, TokenBucket


class TooManyRequests(Exception):
    """Lambda.TooManyRequestsException: the account or the function can't scale now."""


class InvocationFailed(Exception):
    """The function's invocation ended in an error (crash, timeout, throttled API)."""


@dataclass
class Environment:
    #: The role credentials this environment's process holds: account -> expiry.
    credentials: dict[int, float] = field(default_factory=dict)
    #: The SDK clients (and their rate limiters) the environment's process keeps.
    client: Any = None


@dataclass
class Function:
    name: str
    memory_mb: int
    cold_start: float
    timeout: float
    scaling: TokenBucket
    idle: list[Environment] = field(default_factory=list)
    invocations: int = 0
    cold_starts: int = 0
    failures: int = 0
    failure_causes: Counter = field(default_factory=Counter)
    throttles: int = 0
    gb_seconds: float = 0.0


class Lambdas:
    """Every function of the account, and the concurrency they share."""

    def __init__(self, sim: Sim, account_limit: int, scaling_per_10s: int) -> None:
        self.sim = sim
        self.limit = account_limit
        self.scaling_per_10s = scaling_per_10s
        self.functions: dict[str, Function] = {}
        self.running = 0
        self.peak = 0
        #: (time, running) at every change, for checking the limit held throughout.
        self.trace: list[tuple[float, int]] = []

    def function(self, name: str, memory_mb: int, cold_start: float, timeout: float) -> Function:
        scaling = TokenBucket(self.scaling_per_10s / 10.0, self.scaling_per_10s, self.sim.now)
        fn = Function(name, memory_mb, cold_start, timeout, scaling)
        self.functions[name] = fn
        return fn

    def invoke(self, fn: Function, handler: Callable[[Environment, float], Process]) -> Process:
        """Run ``handler(environment, deadline)``; raise TooManyRequests or InvocationFailed."""
        sim = self.sim
        if self.running >= self.limit:
            fn.throttles += 1
            raise TooManyRequests(fn.name)
        env = fn.idle.pop() if fn.idle else None
        cold = env is None
        if cold:
            if not fn.scaling.try_take(sim.now):
                fn.throttles += 1
                raise TooManyRequests(fn.name)
            env = Environment()
            fn.cold_starts += 1
        self._count(+1)
        fn.invocations += 1
        start = sim.now
        deadline = start + fn.timeout
        error: Exception | None = None
        try:
            if cold:
                yield fn.cold_start
            value = yield from handler(env, deadline)
        except Exception as exc:
            error = exc
        billed = min(sim.now, deadline) - start
        fn.gb_seconds += fn.memory_mb / 1024 * math.ceil(billed * 1000) / 1000
        self._count(-1)
        if error is not None:
            fn.failures += 1
            fn.failure_causes[type(error).__name__] += 1
            raise InvocationFailed(f"{fn.name}: {type(error).__name__}") from error
        fn.idle.append(env)
        return value

    def _count(self, delta: int) -> None:
        self.running += delta
        self.peak = max(self.peak, self.running)
        self.trace.append((self.sim.now, self.running))

    @property
    def gb_seconds(self) -> float:
        return sum(fn.gb_seconds for fn in self.functions.values())

    @property
    def requests(self) -> int:
        return sum(fn.invocations for fn in self.functions.values())

"""A small discrete-event kernel on a virtual clock, token buckets and a botocore-like client.

Processes are generators: ``yield 1.5`` sleeps 1.5 virtual seconds, ``yield proc`` waits for
another process and receives its value, ``yield from client.call(...)`` makes one API call
with the client's rate limiter and retries. Nothing sleeps for real; ties are broken by the
order events were scheduled, so a run is a function of its seed.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Generator
from typing import Any

from bench.fanout.figures import APIS, SIGMA

Process = Generator[Any, Any, Any]


class Proc:
    """A running generator; other processes may wait for it."""

    __slots__ = ("done", "error", "gen", "value", "waiters")

    def __init__(self, gen: Process) -> None:
        self.gen = gen
        self.done = False
        self.value: Any = None
        self.error: BaseException | None = None
        self.waiters: list[Proc] = []


class Sim:
    def __init__(self) -> None:
        self.now = 0.0
        self._queue: list[tuple[float, int, Callable[..., None], tuple]] = []
        self._seq = 0

    def at(self, when: float, fn: Callable[..., None], *args: Any) -> None:
        heapq.heappush(self._queue, (when, self._seq, fn, args))
        self._seq += 1

    def spawn(self, gen: Process, delay: float = 0.0) -> Proc:
        proc = Proc(gen)
        self.at(self.now + delay, self._step, proc, None, None)
        return proc

    def run(self, until: float = math.inf) -> None:
        while self._queue and self._queue[0][0] <= until:
            when, _, fn, args = heapq.heappop(self._queue)
            self.now = when
            fn(*args)

    def _step(self, proc: Proc, value: Any, error: BaseException | None) -> None:
        try:
            command = proc.gen.throw(error) if error else proc.gen.send(value)
        except StopIteration as stop:
            self._finish(proc, stop.value, None)
            return
        except Exception as exc:  # a process that fails passes the error to its waiters
            self._finish(proc, None, exc)
            return
        if isinstance(command, Proc):
            if command.done:
                self.at(self.now, self._step, proc, command.value, command.error)
            else:
                command.waiters.append(proc)
        else:
            self.at(self.now + max(0.0, float(command)), self._step, proc, None, None)

    def _finish(self, proc: Proc, value: Any, error: BaseException | None) -> None:
        proc.done, proc.value, proc.error = True, value, error
        for waiter in proc.waiters:
            self.at(self.now, self._step, waiter, value, error)


class TokenBucket:
    """``capacity`` tokens, refilled at ``rate`` per second: at most capacity + rate * w
    admissions in any window of w seconds."""

    __slots__ = ("capacity", "last", "rate", "tokens")

    def __init__(self, rate: float, capacity: float, now: float = 0.0) -> None:
        self.rate, self.capacity = rate, capacity
        self.tokens, self.last = capacity, now

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now

    def try_take(self, now: float) -> bool:
        """Server side: admit now, or refuse (throttle)."""
        if math.isinf(self.rate):
            return True
        self._refill(now)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def reserve(self, now: float) -> float:
        """Client side: take a token, answering how long to wait until it is ours."""
        if math.isinf(self.rate):
            return 0.0
        self._refill(now)
        self.tokens -= 1.0
        return 0.0 if self.tokens >= 0.0 else -self.tokens / self.rate


class Throttled(Exception):
    """An API call still throttled after the client's last attempt."""


class Aws:
    """The server side: every bucket, every admitted call's time, every answer's latency."""

    def __init__(self, sim: Sim, seed: int) -> None:
        self.sim = sim
        self.rng = random.Random(f"latency-{seed}")
        self.buckets: dict[tuple, TokenBucket] = {}
        self.admitted: dict[tuple, list[float]] = defaultdict(list)
        self.calls: Counter[str] = Counter()  # admitted calls by API
        self.throttles: Counter[str] = Counter()

    def bucket_key(self, api: str, account: int, region: int) -> tuple:
        return (api, "caller") if APIS[api].scope == "caller" else (api, account, region)

    def admit(self, api: str, account: int, region: int) -> bool:
        key = self.bucket_key(api, account, region)
        bucket = self.buckets.get(key)
        if bucket is None:
            spec = APIS[api]
            bucket = self.buckets[key] = TokenBucket(spec.rate, spec.burst, self.sim.now)
        if bucket.try_take(self.sim.now):
            self.admitted[key].append(self.sim.now)
            self.calls[api] += 1
            return True
        self.throttles[api] += 1
        return False

    def latency(self, api: str) -> float:
        return APIS[api].median * math.exp(self.rng.gauss(0.0, SIGMA))


class Client:
    """One process's SDK clients: a limiter per (API, account, region) just under the
    documented rate, botocore adaptive mode's rate cut on a throttle (x0.7, regained per
    success), and full-jitter exponential backoff up to ``max_attempts``."""

    def __init__(
        self, aws: Aws, rng: random.Random, *, rate_factor: float, max_attempts: int
    ) -> None:
        self.aws = aws
        self.rng = rng
        self.rate_factor = rate_factor
        self.max_attempts = max_attempts
        self.limiters: dict[tuple, TokenBucket] = {}
        self.sent: dict[tuple, list[float]] = defaultdict(list)

    def _limiter(self, api: str, account: int, region: int) -> TokenBucket:
        key = self.aws.bucket_key(api, account, region)
        limiter = self.limiters.get(key)
        if limiter is None:
            spec = APIS[api]
            rate = spec.rate * self.rate_factor
            limiter = TokenBucket(rate, max(1.0, spec.burst * self.rate_factor), self.aws.sim.now)
            self.limiters[key] = limiter
        return limiter

    def call(self, api: str, account: int, region: int) -> Process:
        sim, aws = self.aws.sim, self.aws
        limiter = self._limiter(api, account, region)
        ceiling = APIS[api].rate * self.rate_factor
        for attempt in range(1, self.max_attempts + 1):
            wait = limiter.reserve(sim.now)
            if wait:
                yield wait
            self.sent[aws.bucket_key(api, account, region)].append(sim.now)
            if aws.admit(api, account, region):
                yield aws.latency(api)
                if not math.isinf(ceiling):
                    limiter.rate = min(ceiling, limiter.rate + 0.5)
                return attempt
            yield aws.latency(api) * 0.3  # the throttling answer comes back quickly
            limiter.rate = max(0.5, limiter.rate * 0.7)
            if attempt < self.max_attempts:
                yield self.rng.random() * min(20.0, 2.0 ** (attempt - 1))
        raise Throttled(api)

"""The fan-out cycle's settings (``QuotaAutomationArgs.fan_out``)."""

from __future__ import annotations

from dataclasses import dataclass

from quotapilot.exceptions import ConfigurationError


@dataclass(frozen=True)
class FanOut:
    """The fan-out cycle, for organisations one function can't walk within Lambda's 15
    minutes (bench/BENCHMARKS.md: past about 45 accounts in four regions): the schedule
    starts a state machine whose Distributed Map runs the collector function over batches
    of shards (an account in a region), then the engine decides over what they collected."""

    #: Collector invocations at once (the Map's MaxConcurrency). It also bounds the load on
    #: each API: every shard is its own account and region, with its own rate limits.
    max_concurrency: int = 100
    #: Shards per collector invocation (the Map's MaxItemsPerBatch).
    batch_size: int = 10
    #: Percent of batches that may still fail after their retries before the run fails. At 0
    #: (the default) a shard that can't be read fails the run, and the alarm says so, rather
    #: than deciding on a partial picture.
    tolerated_failure_percentage: int = 0
    #: Further tries of a failed batch (a collector that crashed, timed out or was throttled).
    retries: int = 3
    collector_memory_mb: int = 512
    #: Per batch; a shard takes about 10 s against slow APIs (bench/fanout).
    collector_timeout_seconds: int = 300

    def __post_init__(self) -> None:
        limits = {
            # Distributed Map runs at most 10,000 child executions at once.
            "max_concurrency": (1, 10_000),
            # The collector takes at most 1,000 shards (its input model).
            "batch_size": (1, 1_000),
            "tolerated_failure_percentage": (0, 100),
            "retries": (0, 10),
            "collector_memory_mb": (128, 10_240),
            "collector_timeout_seconds": (30, 900),
        }
        for name, (low, high) in limits.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ConfigurationError(
                    f"must be between {low} and {high}", field=f"fan_out.{name}", value=value
                )

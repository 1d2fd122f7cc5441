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

    #: Collector invocations at once (the Map's MaxConcurrency): 200 collect 1,000 accounts
    #: in 4 regions in under 4 minutes (bench/BENCHMARKS.md). Keep it below the concurrency
    #: the account can spare: past it, invocations are throttled (and retried).
    max_concurrency: int = 200
    #: Shards per collector invocation (the Map's MaxItemsPerBatch).
    batch_size: int = 10
    #: Percent of batches that may still fail after their retries before the run fails. One
    #: member account that can't be read (its role not deployed yet) must not stop the
    #: organisation's alerts: the rest is decided, and each shard not collected is reported
    #: as a collection failure (CollectionFailures metric, the run's summary). At 0, any
    #: lost batch fails the run.
    tolerated_failure_percentage: int = 10
    #: Further tries of a failed batch (a collector that crashed, timed out or was throttled).
    retries: int = 3
    #: The collector waits on APIs: more memory buys CPU it doesn't use.
    collector_memory_mb: int = 256
    #: Per batch: a shard takes about 5 s (bench/fanout), a batch of 10 under a minute.
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

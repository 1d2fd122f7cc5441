"""The figures the fan-out simulation uses, each with where it comes from.

``FIGURES`` is the printed table (name, value, source); :class:`Params` holds the same values
as the simulation reads them, overridable from the command line. A figure AWS does not publish
is marked "assumption".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

SQ_LIMITS = "docs.aws.amazon.com/servicequotas/latest/userguide/reference_limits.html"
CW_LIMITS = "docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html"
LAMBDA_PRICE = "aws.amazon.com/lambda/pricing (x86, us-east-1)"
SFN_PRICE = "aws.amazon.com/step-functions/pricing (Standard, us-east-1)"
LAMBDA_SCALING = "docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html"
LAMBDA_QUOTAS = "docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
LAMBDA_CPU = "docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html (1,769 MB = 1 vCPU)"
SFN_MAP = "docs.aws.amazon.com/step-functions/latest/dg/concepts-transitions.html"
BENCH = "bench/BENCHMARKS.md"


@dataclass(frozen=True)
class Api:
    """One AWS API: its server-side token bucket and its latency."""

    name: str
    rate: float  # requests per second, refill of the bucket
    burst: float  # bucket capacity: what can be sent at once on top of the steady rate
    median: float  # seconds
    #: Whose bucket: "shard" = per member account and region, "caller" = the central account.
    scope: str = "shard"


#: p99 / median of every latency: a lognormal with sigma = ln(4) / z(0.99).
P99_OVER_MEDIAN = 4.0
SIGMA = math.log(P99_OVER_MEDIAN) / 2.326347874

APIS: dict[str, Api] = {
    api.name: api
    for api in (
        Api("ListServiceQuotas", 10, 10, 0.150),
        Api("ListAWSDefaultServiceQuotas", 10, 10, 0.150),
        Api("ListRequestedServiceQuotaChangeHistory", 5, 5, 0.150),
        Api("GetMetricData", 50, 50, 0.250),
        Api("AssumeRole", 100, 100, 0.060, scope="caller"),
        # Our own table, on-demand capacity: no throttling modelled (assumption).
        Api("BatchWriteItem", math.inf, math.inf, 0.030, scope="caller"),
        Api("Scan", math.inf, math.inf, 0.080, scope="caller"),
    )
}


@dataclass(frozen=True)
class Workload:
    """What one shard (account x region) reads, from the package's own catalogue."""

    regional_services: int
    global_services: int  # read once per account, in the first region (us-east-1)
    regional_quotas: int
    global_quotas: int


@cache
def catalogue_workload() -> Workload:
    """Services and quotas our AWS demand rules monitor (``quotapilot.catalogue.aws``)."""
    from quotapilot.catalogue import catalogue
    from quotapilot.domain import Scope

    refs = {ref for rule in catalogue if rule.provider == "aws" for ref in rule.quotas}
    regional = {ref for ref in refs if ref.scope is Scope.REGIONAL}
    globals_ = refs - regional
    regional_services = {ref.service for ref in regional}
    global_services = {ref.service for ref in globals_} - regional_services
    return Workload(len(regional_services), len(global_services), len(regional), len(globals_))


@dataclass
class Params:
    accounts: int = 1000
    regions: int = 4
    seed: int = 1
    # Fan-out
    max_concurrency: int = 1000
    batch: int = 10
    failure_rate: float = 0.05
    retries: int = 2  # the Map's Retry on a failed collector: MaxAttempts
    retry_interval: float = 2.0  # IntervalSeconds
    retry_backoff: float = 2.0  # BackoffRate
    throttle_retries: int = 6  # separate Retry on Lambda.TooManyRequestsException
    tolerated_failure_pct: float = 10.0
    child_start: float = 0.1  # s, Step Functions starting one child execution
    collector_timeout: float = 300.0
    # Lambda
    engine_memory_mb: int = 512
    collector_memory_mb: int = 256
    decide_memory_mb: int | None = None  # None: the engine's
    collector_cold_start: float = 1.5
    engine_cold_start: float = 2.5
    account_concurrency: int = 1000
    scaling_per_10s: int = 1000
    lambda_timeout: float = 900.0
    # Calls per shard
    threads: int = 1  # concurrent calls within one shard (AwsSource today: 1)
    default_page_share: float = 0.10
    list_pages_per_service: int = 1
    history_calls: int = 2
    metric_share: float = 1.0
    rows_per_write: int = 25
    # Client behaviour
    client_rate_factor: float = 0.9
    max_attempts: int = 8
    credential_ttl: float = 900.0
    # Decide and act
    decide_ms_per_series: float = 0.516
    row_bytes: int = 300
    # Prices
    gb_second: float = 0.0000166667
    per_request: float = 0.20 / 1_000_000
    per_transition: float = 0.025 / 1000
    workload: Workload = field(default_factory=catalogue_workload)

    @property
    def decide_memory(self) -> int:
        return self.decide_memory_mb or self.engine_memory_mb


def figures_table(params: Params) -> list[tuple[str, str, str]]:
    """(figure, value, source) rows, for the docstring's table and BENCHMARKS.md."""
    w = params.workload
    rows = [
        (
            f"{a.name} rate + burst",
            "not throttled" if math.isinf(a.rate) else f"{a.rate:g}/s + {a.burst:g}",
            _rate_source(a),
        )
        for a in APIS.values()
    ]
    rows += [
        (
            "latency medians",
            "SQ 150 ms, GetMetricData 250 ms, AssumeRole 60 ms, DynamoDB 30/80 ms",
            "assumption",
        ),
        ("latency spread", f"lognormal, p99 = {P99_OVER_MEDIAN:g}x median", "assumption"),
        (
            "services per shard",
            f"{w.regional_services} regional + {w.global_services} global (first region)",
            "quotapilot.catalogue.aws",
        ),
        (
            "quotas per shard",
            f"{w.regional_quotas} regional + {w.global_quotas} global (first region)",
            "quotapilot.catalogue.aws",
        ),
        (
            "calls per service",
            f"{params.list_pages_per_service} ListServiceQuotas page, +1 default page for "
            f"{params.default_page_share:.0%}",
            f"{BENCH} (Sources)",
        ),
        ("GetMetricData per shard", "ceil(quotas with a metric / 500)", f"{BENCH} (Sources)"),
        (
            "change-history calls per shard",
            str(params.history_calls),
            "quotapilot/engine/actions.py (PENDING, CASE_OPENED)",
        ),
        ("AssumeRole", "1 per account, cached 15 min", "quotapilot/sources/aws/clients.py"),
        (
            "client limiter / retries",
            f"{params.client_rate_factor:g}x documented rate; adaptive, {params.max_attempts} "
            "attempts, full-jitter backoff min(20, 2^n) s",
            "botocore adaptive retry mode",
        ),
        (
            "cold start",
            f"collector {params.collector_cold_start:g} s, engine {params.engine_cold_start:g} s",
            f"{BENCH} (Lambda bundles) + init; assumption",
        ),
        (
            "memory",
            f"engine {params.engine_memory_mb} MB, collector {params.collector_memory_mb} MB",
            "parameters",
        ),
        ("CPU share", "memory / 1,769 MB (max 1)", LAMBDA_CPU),
        (
            "decide-and-act CPU",
            f"{params.decide_ms_per_series:g} ms per quota series on 1 vCPU",
            f"{BENCH} (Engine: 5.16 s / 10,000 series)",
        ),
        ("Lambda price", "$0.0000166667 per GB-s, $0.20 per 1M requests", LAMBDA_PRICE),
        ("Lambda timeout", "900 s", LAMBDA_QUOTAS),
        ("account concurrency", f"{params.account_concurrency:,}", LAMBDA_QUOTAS),
        ("scaling rate", "1,000 environments per 10 s per function", LAMBDA_SCALING),
        ("Step Functions price", "$0.025 per 1,000 state transitions", SFN_PRICE),
        ("Distributed Map", "1 transition per child + the child's own", SFN_MAP),
        (
            "Map Retry on a failed collector",
            f"{params.retries} retries, {params.retry_interval:g} s, x{params.retry_backoff:g}",
            "parameters (the brief)",
        ),
        (
            "Map Retry on Lambda.TooManyRequests",
            f"{params.throttle_retries} retries, 1 s, x2, full jitter",
            "parameters",
        ),
        (
            "collector failures",
            f"{params.failure_rate:.0%} of invocations, at a random call",
            "parameter (injected)",
        ),
        (
            "collector timeout / tolerated failures",
            f"{params.collector_timeout:g} s / {params.tolerated_failure_pct:g}% of children",
            "parameters",
        ),
        ("child start latency", f"{params.child_start:g} s", "assumption"),
        (
            "rows read back by Decide",
            f"{params.row_bytes} B per quota, 1 MB Scan pages",
            "assumption",
        ),
    ]
    return rows


def _rate_source(api: Api) -> str:
    if api.name == "GetMetricData":
        return CW_LIMITS + " (burst: assumption, 1 s of rate)"
    if api.name == "AssumeRole":
        return "assumption: AWS publishes no AssumeRole rate"
    if api.scope == "shard" and api.name.startswith("List"):
        return SQ_LIMITS
    return "assumption: our on-demand table"

"""Fan-out: one collection cycle for an organisation of 1,000 accounts x 4 regions, simulated.

Two ways of running the cycle, side by side in one run, on a virtual clock (no sleeping; a
run is a function of ``--seed`` and takes seconds):

- single: one engine Lambda walks every shard (account x region) in turn, then decides and
  acts, all inside Lambda's 900 s (today's design);
- fan-out: a Step Functions Standard workflow: ListShards -> Distributed Map (MaxConcurrency,
  ItemBatcher, ToleratedFailurePercentage, Retry) running a collector Lambda per batch, each
  writing its rows -> Decide (reads the rows, decides and acts) -> Summary.

The figures (``bench.fanout.figures``, printed with every run), value [source]:

- ListServiceQuotas, ListAWSDefaultServiceQuotas: 10/s + burst 10 per account and region;
  ListRequestedServiceQuotaChangeHistory: 5/s + burst 5
  [docs.aws.amazon.com/servicequotas/latest/userguide/reference_limits.html]
- GetMetricData: 50/s per account and region, 500 queries a call [CloudWatch quotas page];
  burst 50 [assumption]
- AssumeRole: 100/s per calling account [assumption: AWS publishes no rate]
- latency medians: Service Quotas 150 ms, GetMetricData 250 ms, AssumeRole 60 ms, DynamoDB
  30 ms (BatchWriteItem) / 80 ms (Scan), lognormal with p99 = 4x median [assumption]
- per shard: 19 regional services and 52 quotas; +3 global services and 7 quotas in the first
  region [quotapilot.catalogue.aws]
- per service 1 ListServiceQuotas page, +1 ListAWSDefaultServiceQuotas page for 10%;
  ceil(quotas with a metric / 500) GetMetricData [BENCHMARKS.md, Sources]
- 2 ListRequestedServiceQuotaChangeHistory per shard, PENDING and CASE_OPENED
  [quotapilot/engine/actions.py]
- 1 AssumeRole per account, credentials kept 15 min per process
  [quotapilot/sources/aws/clients.py]
- client: limiter at 0.9x the documented rate, adaptive (rate x0.7 on a throttle), 8 attempts,
  full-jitter backoff min(20, 2^n) s [botocore adaptive retry mode]
- cold start: collector 1.5 s, engine 2.5 s, billed [BENCHMARKS.md, Lambda bundles, + init;
  assumption]
- memory: engine and Decide 512 MB, collector 256 MB [parameters]; CPU share memory / 1,769 MB,
  at most 1 [Lambda docs, configuration-memory]
- decide and act: 0.516 ms CPU per quota series on 1 vCPU [BENCHMARKS.md, Engine: 5.16 s per
  10,000 series]
- Lambda: $0.0000166667 per GB-s, $0.20 per 1M requests (x86, us-east-1); 900 s timeout;
  1,000 account concurrency; 1,000 new environments per 10 s per function [Lambda pricing,
  quotas, scaling-behavior]
- Step Functions Standard: $0.025 per 1,000 transitions; a Distributed Map child costs 1 plus
  its own [Step Functions pricing, concepts-transitions]
- Map Retry: failed collector 2 retries, 2 s, x2; TooManyRequests 6 retries, 1 s, x2, full
  jitter; 5% of collector invocations fail at a random call; collector timeout 300 s; 10% of
  children tolerated; a child starts in 0.1 s [parameters; the last an assumption]

    .venv/bin/python -m bench.fanout.simulate --accounts 1000 --regions 4 \\
        --max-concurrency 1000 --batch 10 --failure-rate 0.05 --seed 1
"""

from __future__ import annotations

import argparse
import math
from dataclasses import replace

from bench.fanout.figures import APIS, Params, figures_table
from bench.fanout.paths import Result, run_fanout, run_single

COLLECTION_TARGET = 300.0  # s: 1,000 x 4 shards collected within 5 minutes


def largest_single(params: Params) -> int:
    """The most accounts (at ``params.regions``) one engine invocation finishes in 900 s."""

    def finishes(accounts: int) -> bool:
        run = run_single(replace(params, accounts=accounts), until=params.lambda_timeout)
        return run.wall is not None

    lo, hi = 0, params.accounts
    if finishes(hi):
        return hi
    while hi - lo > 1:  # finishes(lo), not finishes(hi)
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if finishes(mid) else (lo, mid)
    return lo


def _s(value: float | None) -> str:
    return "did not finish" if value is None else f"{value:,.0f} s"


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}x"


def comparison(params: Params, single: Result, capped: Result, fan: Result) -> list[list[str]]:
    sc, cc, fc = single.cost(params), capped.cost(params), fan.cost(params)
    rows = [
        ["cycle wall time", _s(single.wall), _s(capped.wall), _s(fan.wall),
         _ratio(fan.wall, single.wall)],
        ["shards collected by", _s(single.collection), f"{len(capped.collected):,} shards "
         f"by {params.lambda_timeout:.0f} s", _s(fan.collection),
         _ratio(fan.collection, single.collection)],
        ["Lambda GB-s", f"{single.gb_seconds:,.0f}", f"{capped.gb_seconds:,.0f}",
         f"{fan.gb_seconds:,.0f}", _ratio(fan.gb_seconds, single.gb_seconds)],
        ["Lambda cost", f"${sc['lambda']:.4f}", f"${cc['lambda']:.4f}", f"${fc['lambda']:.4f}",
         _ratio(fc["lambda"], sc["lambda"])],
        ["Step Functions cost", "-", "-", f"${fc['sfn']:.4f} ({fan.transitions:,} transitions)",
         "-"],
        ["cost per cycle", f"${sc['total']:.4f}", f"${cc['total']:.4f}", f"${fc['total']:.4f}",
         _ratio(fc["total"], sc["total"])],
    ]  # fmt: skip
    for api in APIS:
        a, b, c = single.calls[api], capped.calls[api], fan.calls[api]
        if a or c:
            rows.append([f"calls: {api}", f"{a:,}", f"{b:,}", f"{c:,}", _ratio(c, a)])
    total = [sum(r.calls.values()) for r in (single, capped, fan)]
    rows += [
        ["calls: all", *(f"{t:,}" for t in total), _ratio(total[2], total[0])],
        ["calls throttled (retried)", *(f"{sum(r.throttles.values()):,}"
                                        for r in (single, capped, fan)), "-"],
        ["Lambda invocations (cold)", "1 (1)", "1 (1)",
         f"{fan.lambda_requests:,} ({fan.cold_starts:,})", "-"],
        ["collector invocations failed (by cause)", "-", "-", _causes(fan), "-"],
        ["Lambda invocations throttled (TooManyRequests)", "-", "-",
         f"{fan.lambda_throttles:,}", "-"],
        ["peak Lambda concurrency", "1", "1", f"{fan.peak_concurrency:,}",
         f"{fan.peak_concurrency}x"],
        ["shards lost", f"{single.lost:,}", f"{capped.lost:,}", f"{fan.lost:,}", "-"],
    ]  # fmt: skip
    return rows


NAMES = {"Crash": "injected", "TimedOut": "timeout", "Throttled": "API throttled"}


def _causes(run: Result) -> str:
    causes = ", ".join(f"{NAMES.get(k, k)} {v:,}" for k, v in sorted(run.failure_causes.items()))
    return f"{run.failed_invocations:,}" + (f" ({causes})" if causes else "")


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def targets(params: Params, fan: Result) -> list[tuple[str, bool]]:
    big = params.accounts >= 1000 and params.regions >= 4
    return [
        (
            f"fan-out collects {params.accounts:,} x {params.regions} shards in at most "
            f"{COLLECTION_TARGET:.0f} s{'' if big else ' (smaller than 1,000 x 4)'}",
            fan.collection is not None and fan.collection <= COLLECTION_TARGET and not fan.lost,
        ),
        (
            f"no shard lost with {params.failure_rate:.0%} of collector invocations failing",
            fan.lost == 0 and not fan.map_failed,
        ),
        (
            f"peak concurrency within MaxConcurrency {params.max_concurrency:,} and the "
            f"account's {params.account_concurrency:,}",
            fan.peak_children <= params.max_concurrency
            and fan.peak_concurrency <= params.account_concurrency,
        ),
    ]


def sweep(params: Params) -> list[list[str]]:
    rows = []
    cases = [(100, 10, None), (1000, 1, None), (1000, 10, None), (1000, 50, None),
             (10_000, 1, None), (1000, 10, 1769), (1000, 100, None)]  # fmt: skip
    for concurrency, batch, decide_mb in cases:
        p = replace(params, max_concurrency=concurrency, batch=batch, decide_memory_mb=decide_mb)
        r = run_fanout(p)
        rows.append([
            f"{concurrency:,}", str(batch), f"{p.decide_memory:,} MB", _s(r.collection),
            _s(r.wall), f"{r.gb_seconds:,.0f}", f"${r.cost(p)['total']:.3f}",
            f"{r.peak_concurrency:,}", f"{r.lambda_throttles:,}",
            f"{r.failed_invocations:,}", f"{r.lost:,}",
        ])  # fmt: skip
    return rows


def over_seeds(params: Params, count: int) -> list[list[str]]:
    """Fan-out over ``count`` seeds, with the Map's retries as given and with one more."""
    rows = []
    for retries in (params.retries, params.retries + 1):
        runs = [
            run_fanout(replace(params, seed=params.seed + i, retries=retries)) for i in range(count)
        ]
        times = sorted(r.collection or math.inf for r in runs)
        rows.append([
            str(retries), f"{count}", f"{sum(1 for r in runs if r.lost)}",
            f"{sum(r.lost for r in runs):,}", _s(times[0]), _s(times[len(times) // 2]),
            _s(times[-1]), f"{(params.failure_rate ** (retries + 1)):.2g}",
        ])  # fmt: skip
    return rows


def parse(argv: list[str] | None) -> tuple[Params, bool, int]:
    d = Params()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accounts", type=int, default=d.accounts)
    ap.add_argument("--regions", type=int, default=d.regions)
    ap.add_argument("--max-concurrency", type=int, default=d.max_concurrency)
    ap.add_argument("--batch", type=int, default=d.batch, help="ItemBatcher MaxItemsPerBatch")
    ap.add_argument("--failure-rate", type=float, default=d.failure_rate)
    ap.add_argument("--retries", type=int, default=d.retries, help="Map Retry MaxAttempts")
    ap.add_argument("--tolerated-failure", type=float, default=d.tolerated_failure_pct)
    ap.add_argument("--engine-memory", type=int, default=d.engine_memory_mb)
    ap.add_argument("--collector-memory", type=int, default=d.collector_memory_mb)
    ap.add_argument("--decide-memory", type=int, default=None, help="default: the engine's")
    ap.add_argument("--threads", type=int, default=d.threads, help="concurrent calls per shard")
    ap.add_argument("--account-concurrency", type=int, default=d.account_concurrency)
    ap.add_argument("--seed", type=int, default=d.seed)
    ap.add_argument("--sweep", action="store_true", help="also try other Map settings")
    ap.add_argument("--seeds", type=int, default=10, help="fan-out runs for the loss check")
    a = ap.parse_args(argv)
    params = Params(
        accounts=a.accounts, regions=a.regions, max_concurrency=a.max_concurrency,
        batch=a.batch, failure_rate=a.failure_rate, retries=a.retries,
        tolerated_failure_pct=a.tolerated_failure, engine_memory_mb=a.engine_memory,
        collector_memory_mb=a.collector_memory, decide_memory_mb=a.decide_memory,
        threads=a.threads, account_concurrency=a.account_concurrency, seed=a.seed,
    )  # fmt: skip
    return params, a.sweep, a.seeds


def main(argv: list[str] | None = None) -> int:
    params, do_sweep, seeds = parse(argv)
    single = run_single(params)
    capped = run_single(params, until=params.lambda_timeout)
    fan = run_fanout(params)
    largest = largest_single(params)
    shards = params.accounts * params.regions

    print(f"## Figures\n\n{table(['figure', 'value', 'source'], figures_table(params))}\n")
    print(
        f"## One cycle: {params.accounts:,} accounts x {params.regions} regions = "
        f"{shards:,} shards (seed {params.seed})\n\nMap: MaxConcurrency "
        f"{params.max_concurrency:,}, {params.batch} shards per batch, {params.retries} "
        f"retries, {params.failure_rate:.0%} of collector invocations failing.\n"
    )
    header = ["", "single (run out, no 900 s limit)", "single (as deployed: 900 s)",
              "fan-out", "fan-out / single"]  # fmt: skip
    print(table(header, comparison(params, single, capped, fan)) + "\n")
    lost_p = params.failure_rate ** (params.retries + 1)
    batches = math.ceil(shards / params.batch)
    print(
        f"Single: finishes {params.accounts:,} x {params.regions}: "
        f"{'yes' if capped.wall is not None else 'no'}; the largest organisation it finishes "
        f"in {params.lambda_timeout:.0f} s is {largest:,} accounts x {params.regions} regions."
    )
    print(
        f"Fan-out: a batch is lost only when all {params.retries + 1} attempts fail: "
        f"p = {lost_p:.2g} per batch, {batches * lost_p:.2g} batches expected lost per cycle "
        f"over {batches:,} batches (independent failures assumed).\n"
    )
    if do_sweep:
        head = ["MaxConcurrency", "batch", "Decide memory", "collected by", "cycle", "GB-s",
                "cost", "peak concurrency", "Lambda throttles", "failed", "lost"]  # fmt: skip
        print("## Map settings\n\n" + table(head, sweep(params)) + "\n")
    if seeds > 0:
        head = ["Map retries", "seeds", "cycles losing shards", "shards lost", "collected by: min",
                "median", "max", "p(batch lost)"]  # fmt: skip
        print(
            f"## Loss over seeds {params.seed}-{params.seed + seeds - 1}, "
            f"{params.failure_rate:.0%} failing\n\n" + table(head, over_seeds(params, seeds)) + "\n"
        )
    results = targets(params, fan)
    print("## Targets\n")
    for name, ok in results:
        print(f"- {'PASS' if ok else 'FAIL'}: {name}")
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""One engine cycle's CPU time over N quota series: quotapilot's batched cycle against the
reference design's per-quota approach, side by side in one run, on the same fake cloud.

    .venv/bin/python -m bench.engine.cycle_bench [--quotas 10000] [--points 288]
        [--baseline-sample 200] [--n-estimators 100]

The baseline's cost is the same for every quota (two queries, one RandomForest fitted and
asked), so it is measured on ``--baseline-sample`` quotas and scaled to ``--quotas``; pass
``--baseline-sample`` equal to ``--quotas`` to measure all of them (slow: minutes).

    .venv/bin/python -m bench.engine.cycle_bench --against <git revision> [--repeats 3]

instead measures our cycle against the same cycle at an earlier revision of this repository
(its ``quotapilot/`` and ``bench/`` extracted with ``git archive``), alternating the two in
child processes, and prints the ratio of the medians (now / then).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bench.engine.baseline import reference_cycle
from bench.engine.fake_cloud import (
    FakeDynamoDB,
    FakeServiceQuotas,
    FakeSNS,
    FakeSource,
    FakeStepFunctions,
)
from quotapilot.domain import QuotaKey
from quotapilot.engine.accounts import AccountClients
from quotapilot.engine.aws import to_item
from quotapilot.engine.collect.store import SeriesStore, StoredSeries
from quotapilot.engine.config import EngineConfig, MemberAccount
from quotapilot.engine.decision.forecasting import CurrentValueForecaster, engine_forecaster
from quotapilot.engine.roots.engine import build
from quotapilot.forecast.base import Forecast, Series

ACCOUNT = "111111111111"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
STEP = 300.0


class BatchTrendForecaster:
    """Least-squares trend over each series, all series at once (numpy). Used when the
    forecasting package's default is not installed, so that our side forecasts too."""

    def forecast(self, series: Sequence[Series], horizon_s: float) -> list[Forecast]:
        width = max(len(s.values) for s in series)
        values = np.full((len(series), width), np.nan)
        for row, s in enumerate(series):
            values[row, width - len(s.values) :] = s.values
        x = np.arange(width, dtype=float)
        mask = ~np.isnan(values)
        n = mask.sum(axis=1)
        xm = (mask * x).sum(axis=1) / n
        ym = np.nansum(values, axis=1) / n
        dx = np.where(mask, x - xm[:, None], 0.0)
        slope = (dx * np.nan_to_num(values - ym[:, None])).sum(axis=1) / np.maximum(
            (dx**2).sum(axis=1), 1e-9
        )
        predicted = values[:, -1] + slope * horizon_s / STEP
        return [
            Forecast(s.key, horizon_s, float(p), float(p) * 1.1, None, 0.8, "trend")
            for s, p in zip(series, predicted, strict=True)
        ]


def make_data(quotas: int, points: int, seed: int = 1) -> dict[QuotaKey, tuple[float, list[float]]]:
    rng = random.Random(seed)
    data = {}
    for i in range(quotas):
        key = QuotaKey("aws", f"svc{i // 100:03d}", f"L-{i:08d}", "us-east-1")
        level, drift = rng.uniform(100, 900), rng.uniform(-0.5, 1.0)
        data[key] = (
            1000.0,
            [max(0.0, level + drift * t + rng.gauss(0, 10)) for t in range(points)],
        )
    return data


def run_ours(data: dict[QuotaKey, tuple[float, list[float]]]) -> tuple[float, dict[str, int], str]:
    db = FakeDynamoDB()
    for key in data:
        db.put_item(
            TableName="rules",
            Item=to_item(
                {
                    "rule_id": f"{key.service}/{key.code}",
                    "service": key.service,
                    "code": key.code,
                    "region": "us-east-1",
                    "automation_level": "alert_only",
                }
            ),
        )
    start = NOW.timestamp() - STEP * len(next(iter(data.values()))[1])
    stored = [
        StoredSeries(
            key.in_account(ACCOUNT), [start + STEP * t for t in range(len(v) - 1)], v[:-1], limit
        )
        for key, (limit, v) in data.items()
    ]
    SeriesStore("monitoring", db).save(stored, NOW)
    db.calls.clear()
    forecaster = engine_forecaster()
    if isinstance(forecaster, CurrentValueForecaster):
        forecaster = BatchTrendForecaster()
    config = EngineConfig(
        monitoring_table="monitoring",
        rules_table="rules",
        log_table="log",
        alerts_topic_arn="arn:aws:sns:us-east-1:1:alerts",
        approval_state_machine_arn="arn:aws:states:us-east-1:1:stateMachine:a",
        accounts=(MemberAccount(ACCOUNT),),
        regions=("us-east-1",),
    )
    clients = AccountClients(config.accounts)
    clients.inject("service-quotas", ACCOUNT, "us-east-1", FakeServiceQuotas())
    source = FakeSource(ACCOUNT, {key: (limit, v[-1]) for key, (limit, v) in data.items()})
    engine = build(
        config,
        source_factory=lambda account, regions: source,
        forecaster=forecaster,
        clients=clients,
        dynamodb=db,
        sns=FakeSNS(),
        stepfunctions=FakeStepFunctions(),
    )
    began = time.process_time()
    report = engine.cycle.run(NOW)
    elapsed = time.process_time() - began
    assert report.quotas_evaluated == len(data), report.failures[:3]
    return elapsed, dict(db.calls), type(forecaster).__name__


def run_baseline(
    data: dict[QuotaKey, tuple[float, list[float]]], n_estimators: int
) -> tuple[float, dict[str, int]]:
    db = FakeDynamoDB()
    start = NOW.timestamp() - STEP * len(next(iter(data.values()))[1])
    rules = []
    for key, (limit, values) in data.items():
        quota_id = f"{key.service}#{key.code}#{key.region}"
        rules.append({"service_code": key.service, "quota_code": key.code, "region": key.region})
        for t, usage in enumerate(values):
            db.put_item(
                TableName="monitoring",
                Item=to_item(
                    {
                        "quota_id": quota_id,
                        "timestamp": int(start + STEP * t),
                        "current_usage": usage,
                        "quota_value": limit,
                        "utilization_percentage": usage / limit * 100,
                    }
                ),
            )
    db.index_by_quota("monitoring")
    db.calls.clear()
    began = time.process_time()
    reference_cycle(db, "monitoring", rules, n_estimators=n_estimators)
    return time.process_time() - began, dict(db.calls)


def against(revision: str, quotas: int, points: int, repeats: int) -> dict[str, float]:
    """Our cycle now and at ``revision``, alternated ``repeats`` times (bounded)."""
    root = Path(__file__).resolve().parents[2]
    then = tempfile.mkdtemp(prefix="cycle-then-")
    archive = subprocess.run(
        ["git", "archive", revision, "quotapilot", "bench"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", then], input=archive, check=True)
    command = [sys.executable, "-m", "bench.engine.cycle_bench", "--quotas", str(quotas)]
    command += ["--points", str(points), "--baseline-sample", "1", "--n-estimators", "0"]
    cpu: dict[str, list[float]] = {"then": [], "now": []}
    for _ in range(repeats):
        for label, tree in (("then", then), ("now", str(root))):
            env = {**os.environ, "PYTHONPATH": tree}  # this tree's quotapilot, not the install
            out = subprocess.run(
                command, cwd=tree, env=env, capture_output=True, text=True, check=True
            ).stdout
            found = re.search(r"quotapilot cycle\s+CPU\s+([\d.]+) s", out)
            method = re.search(r"forecaster=(\S+)", out)
            cpu[label].append(float(found.group(1)))  # type: ignore[union-attr]
            print(
                f"{label:4s} {revision if label == 'then' else 'HEAD':10s} "
                f"{method.group(1) if method else '?'} CPU {cpu[label][-1]:.2f} s"
            )
    ratio = statistics.median(cpu["now"]) / statistics.median(cpu["then"])
    print(
        f"quotas={quotas} points/quota={points}: median CPU now "
        f"{statistics.median(cpu['now']):.2f} s, then {statistics.median(cpu['then']):.2f} s, "
        f"now / then = {ratio:.2f}x"
    )
    return {"now": statistics.median(cpu["now"]), "then": statistics.median(cpu["then"])}


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotas", type=int, default=10_000)
    parser.add_argument(
        "--points", type=int, default=288, help="history per quota (288 = a day at 5 min)"
    )
    parser.add_argument("--baseline-sample", type=int, default=200)
    parser.add_argument(
        "--n-estimators", type=int, default=100, help="the reference's RandomForest size"
    )
    parser.add_argument("--against", help="a git revision: compare our cycle now with then")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if args.against:
        return against(args.against, args.quotas, args.points, min(args.repeats, 10))
    data = make_data(args.quotas, args.points)
    ours, our_calls, method = run_ours(data)
    sample = dict(list(data.items())[: min(args.baseline_sample, args.quotas)])
    measured, base_calls = run_baseline(sample, args.n_estimators)
    scale = args.quotas / len(sample)
    baseline = measured * scale
    print(f"quotas={args.quotas} points/quota={args.points} forecaster={method}")
    print(
        f"quotapilot cycle      CPU {ours:9.2f} s  calls {sum(our_calls.values()):>7}  {our_calls}"
    )
    base_total = int(sum(base_calls.values()) * scale)
    print(
        f"reference per-quota   CPU {baseline:9.2f} s  calls {base_total:>7}"
        f"  (measured {measured:.2f} s on {len(sample)} quotas, x{scale:g})"
    )
    print(f"ratio (reference / quotapilot): {baseline / ours:.1f}x")
    return {"ours": ours, "baseline": baseline, "ratio": baseline / ours}


if __name__ == "__main__":
    main()

"""Alert lead time, false alarms, precision/recall and MASE: a static 80% threshold against
the engine at its defaults, side by side on the same corpus (``bench/forecast/corpus.py``).

    .venv/bin/python -m bench.forecast.lead_time --seeds 3

Every 6 hours from day 7, each method looks at what the engine would have stored by then (its
rolling window of ``MAX_POINTS`` samples) and decides:

* static: an alert when the latest utilisation is at least 80%;
* engine: the engine's own code at its defaults (``SeasonalForecaster``, the horizon of the
  quota's increase path, the forecast alarm with its hysteresis, ``decide``), with the warning
  threshold at the same 80%, so the two differ by the forecast only; any action is an alert;
* point: the rule the engine used before: an alert when the larger of current and the point
  forecast at the same horizon is at least 80% (shows what the probability changes).

The corpus runs once per increase path, with a quota whose default horizon is that path's
(API: VPCs, 7 d; review: EC2 vCPUs, 14 d; support case: an EC2 quota AWS marks not
adjustable, 28 d). Lead time = exhaustion - first alert (0 for a miss). A false alarm is an
alert on a series that never runs out; precision and recall count series. MASE = the point
forecast's mean absolute error at the horizon over the naive (current value) forecast's.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime

import numpy as np

from bench.forecast.corpus import DAY, HOUR, LIMIT, T0, Trace, real, synthetic
from quotapilot.domain import QuotaKey
from quotapilot.engine.alarm import AlarmState, step
from quotapilot.engine.decision import Situation, decide
from quotapilot.engine.rules import AutomationLevel, Rule
from quotapilot.engine.store import MAX_POINTS
from quotapilot.forecast import Series
from quotapilot.forecast.model import SeasonalForecaster

THRESHOLD = 0.80
START_DAY, EVERY, END_DAY = 7, 6 * HOUR, 60
#: (label, quota key, adjustable as the cloud reports it)
PATHS = (
    ("api", QuotaKey("aws", "vpc", "L-F678F1CE", "us-east-1"), True),
    ("review", QuotaKey("aws", "ec2", "L-1216C47A", "us-east-1"), True),
    ("support_case", QuotaKey("aws", "ec2", "L-1216C47A", "us-east-1"), False),
)
METHODS = ("static", "engine", "point")
#: Business hours play no part here: every decision is taken as on a weekday at noon.
WEEKDAY_NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def run_path(
    traces: list[Trace], key: QuotaKey, adjustable: bool, detail: bool = False
) -> dict[str, dict]:
    rule = Rule(key.service, key.code, AutomationLevel.ALERT_ONLY, threshold_warning=80.0)
    horizon = rule.horizon_hours(key, adjustable) * 3600.0
    forecaster = SeasonalForecaster()
    first: dict[str, dict[str, float]] = {m: {} for m in METHODS}
    alarms = {t.name: AlarmState() for t in traces}
    errors: dict[str, list[float]] = {"engine": [], "naive": []}
    cpu = 0.0
    evaluations = int((END_DAY - START_DAY) * DAY / EVERY)
    for n in range(evaluations):  # bounded: one pass over the 53 days
        now = T0 + START_DAY * DAY + n * EVERY
        live, seen = [], []
        for trace in traces:
            end = int(np.searchsorted(trace.times, now, side="right"))
            exhausted = trace.exhaustion
            if end == 0 or (exhausted is not None and now >= exhausted):
                continue
            start = max(0, end - MAX_POINTS)  # what the engine's series store keeps
            live.append(trace)
            seen.append(Series(key, trace.times[start:end], trace.values[start:end], LIMIT))
        if not live:
            break
        began = time.process_time()
        forecasts = forecaster.forecast(seen, horizon)
        cpu += time.process_time() - began
        for trace, series, forecast in zip(live, seen, forecasts, strict=True):
            current = float(series.values[-1])
            alarm = step(alarms[trace.name], forecast.exhaustion_probability, now, horizon)
            alarms[trace.name] = alarm
            situation = Situation(
                key, current, LIMIT, forecast.predicted, adjustable, forecast_alarm=alarm.raised
            )
            alerts = {
                "static": current >= THRESHOLD * LIMIT,
                "engine": decide(rule, situation, WEEKDAY_NOON) is not None,
                "point": max(current, forecast.predicted) >= THRESHOLD * LIMIT,
            }
            for method, alert in alerts.items():
                if alert:
                    first[method].setdefault(trace.name, now)
            if now + horizon <= trace.times[-1]:
                truth = float(np.interp(now + horizon, trace.times, trace.values))
                errors["engine"].append(abs(forecast.predicted - truth))
                errors["naive"].append(abs(current - truth))
    if detail:
        for trace in traces:
            at = {m: first[m].get(trace.name) for m in METHODS}
            days = {m: "-" if v is None else f"{(v - T0) / DAY:.1f}" for m, v in at.items()}
            out = trace.exhaustion
            print(
                f"  {trace.name:42s} runs out {'-' if out is None else f'{(out - T0) / DAY:.1f}'}"
                f"  static {days['static']}  engine {days['engine']}  point {days['point']}"
            )
    report = {m: _score(traces, first[m]) for m in METHODS}
    report["engine"]["mase"] = statistics.mean(errors["engine"]) / statistics.mean(errors["naive"])
    report["engine"]["cpu_s"] = cpu
    report["horizon_days"] = horizon / DAY
    return report


def _score(traces: list[Trace], alerted: dict[str, float]) -> dict:
    leads, false_alarms, misses, caught = [], 0, 0, 0
    for trace in traces:
        alert, exhausted = alerted.get(trace.name), trace.exhaustion
        if exhausted is None:
            false_alarms += alert is not None
        elif alert is None or alert >= exhausted:
            misses += 1
            leads.append(0.0)
        else:
            caught += 1
            leads.append((exhausted - alert) / DAY)
    raised = caught + false_alarms
    return {
        "lead_days": statistics.median(leads),
        "false_alarms": false_alarms,
        "bounded": sum(t.exhaustion is None for t in traces),
        "misses": misses,
        "precision": caught / raised if raised else 1.0,
        "recall": caught / len(leads) if leads else 1.0,
        "mase": None,
        "cpu_s": None,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--no-real", action="store_true", help="synthetic series only")
    parser.add_argument("--paths", nargs="*", default=[p[0] for p in PATHS])
    parser.add_argument("--detail", action="store_true", help="first alert per series")
    args = parser.parse_args(argv)
    traces = [t for seed in range(args.seeds) for t in synthetic(seed)]
    if not args.no_real:
        traces += real()
    exhausting = sum(t.exhaustion is not None for t in traces)
    print(f"{len(traces)} series ({exhausting} run out), {args.seeds} seed(s)")
    print(
        "| increase path (horizon) | method | median lead | vs static | false alarms "
        "| missed | precision | recall | MASE | CPU |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    results = {}
    for label, key, adjustable in PATHS:
        if label not in args.paths:
            continue
        report = run_path(traces, key, adjustable, args.detail)
        results[label] = report
        static = report["static"]["lead_days"]
        for method in METHODS:
            row = report[method]
            mase = "-" if row["mase"] is None else f"{row['mase']:.2f}"
            cpu = "-" if row["cpu_s"] is None else f"{row['cpu_s']:.1f} s"
            ratio = row["lead_days"] / static if static else float("inf")
            print(
                f"| {label} ({report['horizon_days']:g} d) | {method} | {row['lead_days']:.1f} d "
                f"| {ratio:.2f}x | {row['false_alarms']} of {row['bounded']} | {row['misses']} "
                f"| {row['precision']:.2f} | {row['recall']:.2f} | {mase} | {cpu} |"
            )
    return results


if __name__ == "__main__":
    main()

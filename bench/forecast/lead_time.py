"""Alert lead time, false alarms and MASE: a static threshold, the reference design's
RandomForest, and quotapilot's forecaster, side by side on the same traces.

    .venv/bin/python -m bench.forecast.lead_time --seeds 3

Hourly usage traces, 60 days, limit 1000. Exhausting: linear and exponential growth, weekly
and daily seasonality on a trend, a step launch then growth, bursts on a trend. Never
exhausting: flat just under the threshold, seasonal peaks that touch it, pure noise. Every
12 hours from day 7 each method decides with the same 80% threshold: the static one on
current utilisation; the forecasters on the larger of current and predicted utilisation
7 days ahead (the engine's rule). Lead time = exhaustion - first alert. MASE = the 7-day-ahead
forecast's mean absolute error over the seasonal naive forecast's (the value a week earlier,
which for a 7-day horizon is the current value).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from quotapilot.domain import QuotaKey
from quotapilot.forecast import Series
from quotapilot.forecast.model import SeasonalForecaster

HOUR, DAY = 3600.0, 86_400.0
LIMIT, THRESHOLD, HORIZON = 1000.0, 0.80, 7 * DAY
DAYS, START_DAY, EVERY = 60, 7, 12 * HOUR


def traces(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    h = np.arange(DAYS * 24, dtype=float)
    d = h / 24
    daily = np.sin(2 * np.pi * h / 24)
    weekly = np.sin(2 * np.pi * h / (24 * 7))
    noise = rng.normal(0, 12, len(h))
    end = rng.uniform(40, 52)
    bursts = np.where(rng.random(len(h)) < 0.03, rng.uniform(80, 200, len(h)), 0.0)
    return {
        "linear": 200 + 800 * d / end + noise,
        "exponential": 100 * np.exp(np.log(10) * d / end) + noise,
        "seasonal-trend": 250 + 600 * d / end + 60 * daily + 40 * weekly + noise,
        "step-launch": np.where(d < 20, 250, 600 + 400 * (d - 20) / (end - 20)) + noise,
        "bursts": 200 + 800 * d / end + bursts + noise,
        "flat-near-threshold": 760 + noise,
        "seasonal-peaks": 640 + 90 * daily + 70 * weekly + noise,  # peaks touch ~80%
        "noise": 500 + rng.normal(0, 60, len(h)),
    }


def exhaustion_hour(values: np.ndarray) -> int | None:
    over = np.nonzero(values >= LIMIT)[0]
    return int(over[0]) if len(over) else None


class RandomForestReference:
    """The reference design's approach, per quota: a RandomForest on 7-point windows of the
    series' own history, predicting the value ``horizon`` samples ahead."""

    def __init__(self, trees: int = 20) -> None:
        self.trees = trees

    def predict(self, history: np.ndarray, ahead: int) -> float:
        from sklearn.ensemble import RandomForestRegressor

        window = 7
        n = len(history) - window - ahead + 1
        if n < 10:
            return float(history[-1])
        x = np.lib.stride_tricks.sliding_window_view(history[: n + window - 1], window)
        y = history[window - 1 + ahead : window - 1 + ahead + n]
        model = RandomForestRegressor(n_estimators=self.trees, random_state=0, n_jobs=1)
        model.fit(x, y)
        return float(model.predict(history[-window:][None, :])[0])


def run(seeds: int, horizon_s: float = HORIZON) -> dict[str, dict]:
    key = QuotaKey("aws", "ec2", "L-1216C47A", "us-east-1")
    all_traces = {f"{name}#{s}": v for s in range(seeds) for name, v in traces(s).items()}
    names = list(all_traces)
    exhaust = {n: exhaustion_hour(v) for n, v in all_traces.items()}
    times = np.arange(DAYS * 24) * HOUR + 1_790_000_000.0
    ours = SeasonalForecaster()
    rf = RandomForestReference()
    first_alert = {m: {} for m in ("static", "rf", "ours")}
    errors = {m: [] for m in ("rf", "ours", "naive")}
    cpu = {"rf": 0.0, "ours": 0.0}
    ahead = int(horizon_s / HOUR)
    for hour in range(START_DAY * 24, DAYS * 24, int(EVERY / HOUR)):
        live = [n for n in names if exhaust[n] is None or hour < exhaust[n]]
        if not live:
            break
        start = time.process_time()
        forecasts = ours.forecast(
            [Series(key, times[: hour + 1], all_traces[n][: hour + 1], LIMIT) for n in live],
            horizon_s,
        )
        cpu["ours"] += time.process_time() - start
        for name, forecast in zip(live, forecasts, strict=True):
            values = all_traces[name]
            current = values[hour]
            start = time.process_time()
            rf_predicted = rf.predict(values[: hour + 1], ahead)
            cpu["rf"] += time.process_time() - start
            decisions = {
                "static": current,
                "rf": max(current, rf_predicted),
                "ours": max(current, forecast.predicted),
            }
            for method, seen in decisions.items():
                if seen >= THRESHOLD * LIMIT and name not in first_alert[method]:
                    first_alert[method][name] = hour
            if hour + ahead < len(values):
                truth = values[hour + ahead]
                errors["ours"].append(abs(forecast.predicted - truth))
                errors["rf"].append(abs(rf_predicted - truth))
                errors["naive"].append(abs(current - truth))
    report = {}
    for method in ("static", "rf", "ours"):
        leads, false_alarms = [], 0
        for name in names:
            alert = first_alert[method].get(name)
            if exhaust[name] is None:
                false_alarms += alert is not None
            else:
                leads.append((exhaust[name] - alert) / 24 if alert is not None else 0.0)
        mase = (
            statistics.mean(errors[method]) / statistics.mean(errors["naive"])
            if method in errors
            else None
        )
        report[method] = {
            "lead_days": statistics.median(leads),
            "false_alarms": false_alarms,
            "never_exhausting": sum(e is None for e in exhaust.values()),
            "mase": mase,
            "cpu_s": cpu.get(method),
        }
    return report


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--horizon-days", type=float, default=7)
    args = parser.parse_args(argv)
    report = run(args.seeds, args.horizon_days * DAY)
    print(f"horizon {args.horizon_days:g} days, {args.seeds} seed(s)")
    static = report["static"]["lead_days"]
    print("| method | median lead time | vs static | false alarms | MASE at the horizon | CPU |")
    print("|---|---|---|---|---|---|")
    labels = {
        "static": "static 80% threshold",
        "rf": "reference RandomForest",
        "ours": "quotapilot SeasonalForecaster",
    }
    for method, row in report.items():
        mase = "-" if row["mase"] is None else f"{row['mase']:.2f}"
        cpu = "-" if row["cpu_s"] is None else f"{row['cpu_s']:.1f} s"
        ratio = row["lead_days"] / static if static else float("inf")
        print(
            f"| {labels[method]} | {row['lead_days']:.1f} d | {ratio:.2f}x | "
            f"{row['false_alarms']} of {row['never_exhausting']} | {mase} | {cpu} |"
        )


if __name__ == "__main__":
    main()

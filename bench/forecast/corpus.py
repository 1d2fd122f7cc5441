"""The evaluation corpus of the lead-time benchmark: 60 days of usage against a limit of 1000.

Synthetic shapes, per seed (``synthetic``):

* that run out: linear, exponential, weekly+daily seasonality on a trend, a step launch then
  growth, bursts on a trend (the original five); a quota first seen on day 20 that ramps up
  (no history); linear growth sampled every 4 hours; seasonality on a trend sampled every
  5 minutes; linear growth with three two-day collection gaps;
* that never do: flat at 76%, seasonal peaks touching 80%, pure noise (the original three);
  growth that saturates below the threshold (logistic); a plateau after growth; slow linear
  growth; a decline; a step down; noisy flat usage near the threshold; a quota first seen
  on day 20 that launches to 60% in half a day and stays there (no history); a saturating
  series sampled every 4 hours; noisy flat usage sampled every 5 minutes; a plateau with gaps.

Added shapes (``synthetic(seed, added=True)``; drawn after the others, so those stay the same):
a launch that ramps fast (flat until day 30, then the limit in about two weeks: the static
threshold's warning is short), growth with a strong weekly cycle (weekday peaks), and a flat
quota with weekly batch peaks that stay below the threshold. Common in real fleets and absent
above; reported apart from the original corpus.

Real series (``real``): growth and non-growth series statsmodels ships as datasets (Mauna Loa
CO2, US macro data, Nile flow, sunspots, El Nino temperatures), their samples spread over the
60 days in order and rescaled linearly: the first tenth's mean to 300, and either the peak of
the first 85% of the series to the limit (so it runs out there) or the series' peak to a level
below the threshold. statsmodels is a dev-only dependency; without it the corpus is synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HOUR, DAY = 3600.0, 86_400.0
T0 = 1_790_000_000.0
DAYS = 60
LIMIT = 1000.0


@dataclass(frozen=True)
class Trace:
    name: str
    times: np.ndarray  # epoch seconds, increasing
    values: np.ndarray

    @property
    def exhaustion(self) -> float | None:
        """When a sample first reaches the limit (epoch seconds), or None."""
        over = np.nonzero(self.values >= LIMIT)[0]
        return float(self.times[over[0]]) if len(over) else None


def _sampled(step_s: float, start_day: float = 0.0) -> np.ndarray:
    return T0 + np.arange(start_day * DAY, DAYS * DAY, step_s)


def synthetic(seed: int, added: bool = False) -> list[Trace]:
    rng = np.random.default_rng(seed)
    end = rng.uniform(40, 52)  # the day the growing shapes reach the limit

    def shape(name: str, step_s: float, f, noise: float = 12.0, start_day: float = 0.0) -> Trace:
        t = _sampled(step_s, start_day)
        d = (t - T0) / DAY
        usage = np.maximum(f(d, t) + rng.normal(0, noise, len(t)), 0.0)
        return Trace(f"{name}#{seed}", t, usage)

    def linear(d, t):
        return 200 + 800 * d / end

    def daily(t):
        return np.sin(2 * np.pi * t / DAY)

    def weekly(t):
        return np.sin(2 * np.pi * t / (7 * DAY))

    def bursty(d, t):
        burst = rng.random(len(t)) < 0.03
        return linear(d, t) + np.where(burst, rng.uniform(80, 200, len(t)), 0.0)

    def logistic(d, top=740.0, mid=22.0, width=4.0):
        return 200 + (top - 200) / (1 + np.exp(-(d - mid) / width))

    def plateau(d, t):
        return np.minimum(200 + 15 * d, 650.0)

    traces = [
        shape("linear", HOUR, linear),
        shape("exponential", HOUR, lambda d, t: 100 * np.exp(np.log(10) * d / end)),
        shape(
            "seasonal-trend",
            HOUR,
            lambda d, t: 250 + 600 * d / end + 60 * daily(t) + 40 * weekly(t),
        ),
        shape(
            "step-launch",
            HOUR,
            lambda d, t: np.where(d < 20, 250, 600 + 400 * (d - 20) / (end - 20)),
        ),
        shape("bursts", HOUR, bursty),
        shape("flat-near-threshold", HOUR, lambda d, t: np.full(len(t), 760.0)),
        shape("seasonal-peaks", HOUR, lambda d, t: 640 + 90 * daily(t) + 70 * weekly(t)),
        shape("noise", HOUR, lambda d, t: np.full(len(t), 500.0), noise=60.0),
        # the shapes behind the false alarms of the point forecast, and harder cases
        shape("saturating", HOUR, lambda d, t: logistic(d)),
        shape("plateau", HOUR, plateau),
        shape("slow-linear", HOUR, lambda d, t: 200 + 5 * d),
        shape("decline", HOUR, lambda d, t: 700 - 6 * d),
        shape("step-down", HOUR, lambda d, t: np.where(d < 30, 700.0, 350.0)),
        shape("noisy-flat-near", HOUR, lambda d, t: np.full(len(t), 740.0), noise=25.0),
        shape(
            "new-quota-ramp",
            HOUR,
            lambda d, t: 300 + 700 * (d - 20) / (end - 20),
            start_day=20,
        ),
        shape(
            "new-quota-launch",
            HOUR,
            lambda d, t: 600 * np.minimum(1.0, (d - 20) * 2),
            start_day=20,
        ),
        shape("linear-4h", 4 * HOUR, linear),
        shape("saturating-4h", 4 * HOUR, lambda d, t: logistic(d, top=720.0, mid=18.0)),
        shape(
            "seasonal-trend-5min",
            300.0,
            lambda d, t: 250 + 600 * d / end + 60 * daily(t) + 40 * weekly(t),
        ),
        shape("noisy-flat-5min", 300.0, lambda d, t: np.full(len(t), 700.0), noise=20.0),
    ]
    for name, f in (("linear-gaps", linear), ("plateau-gaps", plateau)):
        trace = shape(name, HOUR, f)
        day = (trace.times - T0) / DAY
        kept = ~(((day > 12) & (day < 14)) | ((day > 26) & (day < 28)) | ((day > 38) & (day < 40)))
        traces.append(Trace(trace.name, trace.times[kept], trace.values[kept]))
    if added:
        launch = rng.uniform(12, 16)  # days from the launch to the limit
        traces += [
            shape(
                "launch-ramp",
                HOUR,
                lambda d, t: np.where(d < 30, 250.0, 250 + 750 * (d - 30) / launch),
            ),
            shape(
                "weekly-growth",
                HOUR,
                lambda d, t: 150 + 700 * d / end + 100 * weekly(t) + 30 * daily(t),
            ),
            shape("weekly-peaks-flat", HOUR, lambda d, t: 600 + 120 * weekly(t) + 20 * daily(t)),
        ]
    return traces


#: (dataset, column, runs out?) for :func:`real`.
REAL_SERIES = (
    ("co2", "co2", True),
    ("macrodata", "realgdp", True),
    ("macrodata", "pop", True),
    ("macrodata", "m1", True),
    ("co2", "co2", False),
    ("macrodata", "cpi", False),
    ("macrodata", "realinv", False),
    ("nile", "volume", False),
    ("sunspots", "SUNACTIVITY", False),
    ("elnino", "months", False),
)


def _dataset(name: str, column: str) -> np.ndarray:
    from statsmodels import datasets

    data = getattr(datasets, name).load_pandas().data
    if name == "elnino":  # one row per year, one column per month
        return data.drop(columns="YEAR").to_numpy(dtype=float).ravel()
    values = data[column].to_numpy(dtype=float)
    return values[np.isfinite(values)]


def real() -> list[Trace]:
    """Empty when statsmodels isn't installed."""
    try:
        import statsmodels.datasets  # noqa: F401
    except ImportError:
        return []
    traces = []
    for name, column, runs_out in REAL_SERIES:
        raw = _dataset(name, column)
        if name == "co2":
            raw = raw[-700:]  # the last ~13 years of weekly readings
        t = T0 + np.linspace(0, DAYS * DAY, len(raw), endpoint=False)
        if runs_out:  # growth: where it starts to 30%, its peak before the last 15% to 100%
            low, high = float(np.mean(raw[: max(3, len(raw) // 10)])), 300.0
            top, target = float(np.max(raw[: int(len(raw) * 0.85)])), LIMIT
        else:  # its whole range to 15%..70%
            low, high = float(np.min(raw)), 150.0
            top, target = float(np.max(raw)), 700.0
        values = np.maximum(high + (raw - low) * (target - high) / (top - low), 0.0)
        label = "exhausting" if runs_out else "bounded"
        traces.append(Trace(f"real:{name}.{column}:{label}", t, values))
    return traces

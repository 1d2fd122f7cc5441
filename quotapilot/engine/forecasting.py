"""The forecaster the engine uses: the forecasting package's default when it is installed,
else the current value (predicted = last observation), which never invents growth."""

from __future__ import annotations

from collections.abc import Sequence

from quotapilot.forecast.base import Forecast, Forecaster, Series


class CurrentValueForecaster:
    """Predicts no change; the floor every real forecaster must beat."""

    def forecast(self, series: Sequence[Series], horizon_s: float) -> list[Forecast]:
        out = []
        for s in series:
            last = float(s.values[-1]) if len(s.values) else 0.0
            exhausted = s.limit is not None and last >= s.limit
            out.append(
                Forecast(s.key, horizon_s, last, last, 0.0 if exhausted else None, 0.5, "current")
            )
        return out


def engine_forecaster() -> Forecaster:
    try:
        from quotapilot.forecast import default_forecaster  # type: ignore[attr-defined]
    except ImportError:
        return CurrentValueForecaster()
    return default_forecaster()

"""The forecaster the engine uses: the forecasting package's default when its extra (numpy,
scikit-learn) is installed, else the current value (predicted = last observation), which
never invents growth."""

from __future__ import annotations

from quotapilot.forecast import CurrentValueForecaster
from quotapilot.forecast.base import Forecaster

__all__ = ["CurrentValueForecaster", "engine_forecaster"]


def engine_forecaster() -> Forecaster:
    try:
        import numpy  # noqa: F401  (the model's own imports come on first use)

        from quotapilot.forecast import default_forecaster
    except ImportError:
        return CurrentValueForecaster()
    return default_forecaster()

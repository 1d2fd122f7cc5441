"""Forecasting quota usage: many series at once, with graceful fallbacks.

``default_forecaster()`` is what the engine and ``quotapilot simulate`` use. Importing this
package does not import scikit-learn; the model does, on first use.
"""

from __future__ import annotations

from quotapilot.forecast.base import Forecast, Forecaster, Series
from quotapilot.forecast.simple import CurrentValueForecaster, TrendForecaster

__all__ = [
    "CurrentValueForecaster",
    "Forecast",
    "Forecaster",
    "SeasonalForecaster",
    "Series",
    "TrendForecaster",
    "default_forecaster",
]


def __getattr__(name: str):
    if name == "SeasonalForecaster":
        from quotapilot.forecast.model import SeasonalForecaster

        return SeasonalForecaster
    raise AttributeError(name)


def default_forecaster() -> Forecaster:
    from quotapilot.forecast.model import SeasonalForecaster

    return SeasonalForecaster()

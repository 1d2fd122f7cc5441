"""Forecasting quota usage: many series at once, with graceful fallbacks.

``default_forecaster()`` is what the engine and ``quotapilot simulate`` use. Importing this
package imports neither numpy nor scikit-learn (the forecasting extra): the models do, on
first use, and :class:`CurrentValueForecaster` needs neither.
"""

from __future__ import annotations

from quotapilot.forecast.base import Forecast, Forecaster, Series
from quotapilot.forecast.current import CurrentValueForecaster

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
    if name == "TrendForecaster":
        from quotapilot.forecast.simple import TrendForecaster

        return TrendForecaster
    raise AttributeError(name)


def default_forecaster() -> Forecaster:
    from quotapilot.forecast.model import SeasonalForecaster

    return SeasonalForecaster()

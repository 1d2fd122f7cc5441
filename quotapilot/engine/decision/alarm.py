"""The forecast alarms of one quota, with hysteresis: when reaching the limit (exhaustion),
or the rule's warning threshold, within the horizon is probable enough to act on.

Two watches, one per level, on the same terms. The *warning* watch fires while usage is still
below the warning threshold but will probably cross it within the horizon: it brings the
static warning forward by up to one horizon and raises the decision's band to warning. The
*exhaustion* watch (the limit itself within the horizon) raises the band to critical, which
is what requests increases.

One evaluation is not enough: a burst at the end of the history, or a fit that happens to
catch a seasonal upswing, can lift a probability once. A watch is raised when its probability
has stayed at or above ``RAISE_AT`` for at least two evaluations spanning ``CONFIRM_SHARE`` of
the horizon (half a day for a week's horizon, two days for four weeks': a growth spurt has to
last that long before it counts, and a fourteenth of the warning is spent waiting). Once
raised it stays raised until the probability falls below ``CLEAR_BELOW``, so an alarm near
the line doesn't flap.

The state is a small value the engine stores with the quota's series (and ``quotapilot
simulate`` keeps in memory), so the engine and the replay raise the same alarms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quotapilot.forecast.base import Forecast

RAISE_AT = 0.8
CLEAR_BELOW = 0.5
CONFIRM_SHARE = 1.0 / 14.0
CONFIRM_EVALUATIONS = 2


@dataclass(frozen=True)
class Watch:
    """The hysteresis of one probability."""

    since: float | None = None  # epoch seconds of the first evaluation of the current run
    evaluations: int = 0  # consecutive evaluations at or above RAISE_AT
    raised: bool = False

    @property
    def quiet(self) -> bool:
        return self.since is None and not self.raised

    def after(self, probability: float | None, at: float, horizon_s: float) -> Watch:
        """The watch after one evaluation at ``at``; ``probability`` None: nothing to raise."""
        if probability is None:
            return Watch()
        if probability >= RAISE_AT:
            since = self.since if self.since is not None else at
            evaluations = self.evaluations + 1
            confirmed = (
                evaluations >= CONFIRM_EVALUATIONS and at - since >= horizon_s * CONFIRM_SHARE
            )
            return Watch(since, evaluations, self.raised or confirmed)
        if self.raised and probability >= CLEAR_BELOW:
            return Watch(None, 0, True)
        return Watch()

    def to_mapping(self) -> dict[str, Any]:
        return {"since": self.since, "evaluations": self.evaluations, "raised": self.raised}

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> Watch:
        if not data:
            return cls()
        since = data.get("since")
        return cls(
            None if since is None else float(since),
            int(data.get("evaluations", 0)),
            bool(data.get("raised", False)),
        )


@dataclass(frozen=True)
class AlarmState:
    exhaustion: Watch = field(default_factory=Watch)
    warning: Watch = field(default_factory=Watch)

    @property
    def raised(self) -> bool:
        """Exhaustion within the horizon is probable (confirmed)."""
        return self.exhaustion.raised

    @property
    def warned(self) -> bool:
        """Reaching the warning threshold within the horizon is probable (confirmed)."""
        return self.warning.raised

    @property
    def quiet(self) -> bool:
        return self.exhaustion.quiet and self.warning.quiet

    def to_mapping(self) -> dict[str, Any] | None:
        """For the series item; None (no attribute) while quiet, which is nearly always. The
        exhaustion watch keeps the item's earlier top-level layout."""
        if self.quiet:
            return None
        mapping = self.exhaustion.to_mapping()
        if not self.warning.quiet:
            mapping["warning"] = self.warning.to_mapping()
        return mapping

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> AlarmState:
        if not data:
            return cls()
        return cls(Watch.from_mapping(data), Watch.from_mapping(data.get("warning")))


def step(
    state: AlarmState,
    probability: float | None,
    at: float,
    horizon_s: float,
    warning_probability: float | None = None,
) -> AlarmState:
    """The state after one evaluation at ``at`` (epoch seconds). A probability that is None
    (the forecaster gives none, or failed) raises nothing."""
    return AlarmState(
        state.exhaustion.after(probability, at, horizon_s),
        state.warning.after(warning_probability, at, horizon_s),
    )


def observe(state: AlarmState, forecast: Forecast, at: float) -> AlarmState:
    """``step`` with both of a forecast's probabilities (the warning one is None unless the
    series carried a warning level: see ``increase_paths.warns_early``)."""
    return step(
        state,
        forecast.exhaustion_probability,
        at,
        forecast.horizon_s,
        forecast.warning_probability,
    )

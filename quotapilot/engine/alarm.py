"""The forecast alarm of one quota, with hysteresis: when exhaustion within the horizon is
probable enough to act on.

One evaluation is not enough: a burst at the end of the history, or a fit that happens to
catch a seasonal upswing, can lift the probability once. The alarm is raised when the
probability has stayed at or above ``RAISE_AT`` for at least two evaluations spanning
``CONFIRM_SHARE`` of the horizon (half a day for a week's horizon, two days for four weeks':
a growth spurt has to last that long before it counts, and a fourteenth of the warning is
spent waiting). Once raised it stays raised until the
probability falls below ``CLEAR_BELOW``, so an alarm near the line doesn't flap.

The state is a small value the engine stores with the quota's series (and ``quotapilot
simulate`` keeps in memory), so the engine and the replay raise the same alarms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

RAISE_AT = 0.8
CLEAR_BELOW = 0.5
CONFIRM_SHARE = 1.0 / 14.0
CONFIRM_EVALUATIONS = 2


@dataclass(frozen=True)
class AlarmState:
    since: float | None = None  # epoch seconds of the first evaluation of the current run
    evaluations: int = 0  # consecutive evaluations at or above RAISE_AT
    raised: bool = False

    @property
    def quiet(self) -> bool:
        return self.since is None and not self.raised

    def to_mapping(self) -> dict[str, Any] | None:
        """For the series item; None (no attribute) while quiet, which is nearly always."""
        if self.quiet:
            return None
        return {"since": self.since, "evaluations": self.evaluations, "raised": self.raised}

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> AlarmState:
        if not data:
            return cls()
        since = data.get("since")
        return cls(
            None if since is None else float(since),
            int(data.get("evaluations", 0)),
            bool(data.get("raised", False)),
        )


def step(state: AlarmState, probability: float | None, at: float, horizon_s: float) -> AlarmState:
    """The state after one evaluation at ``at`` (epoch seconds). ``probability`` None: the
    forecaster gives none (or failed), so there is nothing to raise."""
    if probability is None:
        return AlarmState()
    if probability >= RAISE_AT:
        since = state.since if state.since is not None else at
        evaluations = state.evaluations + 1
        confirmed = evaluations >= CONFIRM_EVALUATIONS and at - since >= horizon_s * CONFIRM_SHARE
        return AlarmState(since, evaluations, state.raised or confirmed)
    if state.raised and probability >= CLEAR_BELOW:
        return AlarmState(None, 0, True)
    return AlarmState()

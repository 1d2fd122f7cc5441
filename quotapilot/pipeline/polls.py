"""What one poll of an increase request found: granted, pending or denied.

A grant counts only when the new limit is visible in the quota itself: a request marked
approved whose limit has not moved yet is still pending, because the deploy that follows
reads the quota, not the request.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from quotapilot.pipeline.requests import IncreaseRequest


class PollState(enum.StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    DENIED = "denied"


@dataclass(frozen=True)
class Poll:
    state: PollState
    #: What the cloud said, for the progress line ("PENDING", "case resolved, limit 96").
    detail: str = ""
    limit: float | None = None


class Poller(Protocol):
    def poll(self, request: IncreaseRequest) -> Poll: ...


def grant_visible(
    request: IncreaseRequest, limit: float | None, said: str, *, final: bool = False
) -> Poll:
    """Granted when ``limit`` holds the desired value; otherwise pending, or denied once the
    cloud says it is done with the request (``final``)."""
    if limit is None or limit >= request.desired_limit:
        shown = "unlimited" if limit is None else f"{limit:g}"
        return Poll(PollState.GRANTED, f"{said}, limit now {shown}", limit)
    if final:
        return Poll(
            PollState.DENIED,
            f"{said}, but the limit is {limit:g}, below the {request.desired_limit:g} needed",
            limit,
        )
    return Poll(PollState.PENDING, f"{said}, limit still {limit:g}", limit)

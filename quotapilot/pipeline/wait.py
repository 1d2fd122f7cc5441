"""``quotapilot wait``'s logic: poll filed requests until every new limit is visible.

Progress is kept in a state file, rewritten atomically after every poll: an interrupted wait
(Ctrl-C, a cancelled CI job) run again resumes, without polling what is already settled. The
state belongs to one requests file (its digest is stored); a different file starts afresh.
The deadline counts from each run's start, so a re-run after a long interruption waits again.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from quotapilot.exceptions import InputError
from quotapilot.pipeline.documents import read_json, write_json_atomically
from quotapilot.pipeline.polls import Poll, Poller, PollState
from quotapilot.pipeline.requests import WAITABLE, IncreaseRequest, Status

STATE_VERSION = 1


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def system_clock() -> Clock:
    """The clock the CLI waits on (tests replace this function)."""
    return SystemClock()


def request_id_of(request: IncreaseRequest) -> str:
    return f"{request.label}#{request.method}#{request.request_id}"


@dataclass
class WaitState:
    digest: str
    polls: int = 0
    #: Per request: {"state": pending|granted|denied, "detail": str}.
    results: dict[str, dict[str, Any]] = field(default_factory=dict)

    def state_of(self, request: IncreaseRequest) -> PollState:
        found = self.results.get(request_id_of(request), {})
        try:
            return PollState(found.get("state", "pending"))
        except ValueError:
            return PollState.PENDING

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "requests_digest": self.digest,
            "polls": self.polls,
            "results": self.results,
        }


def digest_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_state(path: Path, digest: str) -> WaitState:
    """The saved state for this requests file, or a fresh one (none saved, or another file's)."""
    if not path.exists():
        return WaitState(digest)
    saved = read_json(path, "a `quotapilot wait` state file")
    if (
        not isinstance(saved, dict)
        or saved.get("version") != STATE_VERSION
        or not isinstance(saved.get("results"), dict)
        or not isinstance(saved.get("polls"), int)
    ):
        raise InputError(
            "not a `quotapilot wait` state file; delete it to start over", path=str(path)
        )
    if saved.get("requests_digest") != digest:
        return WaitState(digest)
    return WaitState(digest, saved["polls"], saved["results"])


@dataclass
class WaitOutcome:
    granted: list[IncreaseRequest]
    pending: list[IncreaseRequest]
    denied: list[IncreaseRequest]
    timed_out: bool = False

    @property
    def exit_code(self) -> int:
        return 0 if not self.pending and not self.denied else 1


def wait_for(
    requests: list[IncreaseRequest],
    poller_for: Callable[[IncreaseRequest], Poller],
    *,
    state_path: Path,
    digest: str,
    timeout: float,
    interval: float,
    clock: Clock,
    echo: Callable[[str], None],
) -> WaitOutcome:
    """Poll until everything is granted, something is denied, or ``timeout`` seconds pass."""
    settled = WAITABLE | {Status.GRANTED}
    unwaitable = [r for r in requests if r.status not in settled]
    if any(r.status is Status.PLANNED for r in unwaitable):
        raise InputError(
            "holds a dry run's plan: nothing was requested; run `quotapilot request` without "
            "--dry-run"
        )
    if unwaitable:
        # Nothing to wait for would ever grant these: fail now, not at the deadline.
        for request in unwaitable:
            echo(f"not requested: {request.label} ({request.status}) {request.message}".rstrip())
        return WaitOutcome([], unwaitable, [])
    state = load_state(state_path, digest)
    start = clock.monotonic()
    while True:
        waiting = [r for r in requests if r.status in WAITABLE]
        for request in waiting:
            if state.state_of(request) is not PollState.PENDING:
                continue
            poll = _poll(poller_for(request), request)
            state.results[request_id_of(request)] = {
                "state": str(poll.state),
                "detail": poll.detail,
            }
        state.polls += 1
        write_json_atomically(state_path, state.to_json())
        outcome = _outcome(requests, state)
        echo(_progress(state, outcome, clock.monotonic() - start))
        if outcome.denied or not outcome.pending:
            return outcome
        left = timeout - (clock.monotonic() - start)
        if left <= 0:
            outcome.timed_out = True
            return outcome
        clock.sleep(min(interval, left))


def _poll(poller: Poller, request: IncreaseRequest) -> Poll:
    try:
        return poller.poll(request)
    except Exception as error:  # one failed poll must not end the wait
        # Throttling is retried by the clients themselves; anything else is reported and the
        # request polled again next time (the deadline still bounds the wait).
        text = " ".join(str(error).split())[:200] or type(error).__name__
        return Poll(PollState.PENDING, f"poll failed: {text}")


def _outcome(requests: list[IncreaseRequest], state: WaitState) -> WaitOutcome:
    granted, pending, denied = [], [], []
    for request in requests:
        if request.status is Status.GRANTED:
            granted.append(request)
            continue
        {
            PollState.GRANTED: granted,
            PollState.PENDING: pending,
            PollState.DENIED: denied,
        }[state.state_of(request)].append(request)
    return WaitOutcome(granted, pending, denied)


def detail(state: WaitState, request: IncreaseRequest) -> str:
    return str(state.results.get(request_id_of(request), {}).get("detail", ""))


def _progress(state: WaitState, outcome: WaitOutcome, elapsed: float) -> str:
    total = len(outcome.granted) + len(outcome.pending) + len(outcome.denied)
    parts = [f"poll {state.polls} ({elapsed:.0f}s): {len(outcome.granted)}/{total} granted"]
    for name, group in (("pending", outcome.pending), ("denied", outcome.denied)):
        if group:
            listed = ", ".join(f"{r.label} ({detail(state, r)})" for r in group)
            parts.append(f"{name}: {listed}")
    return "; ".join(parts)

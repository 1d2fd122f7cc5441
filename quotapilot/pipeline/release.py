"""After the deploy: quotas raised but left mostly unused, and ledger allocations teams don't
use, as candidates to release.

A quota is a candidate when it was raised (above its default, rising in the usage history, or
increased by the pipeline's own ``quotapilot request``) and its peak usage over the window (30
days by default) stays below a share of its limit (30%), judged from a usage history when one
is given (a history shorter than the window proves nothing and is said so) and from the
source's current usage otherwise.
GCP limits come from quota preferences, which can be lowered; AWS limits can't be decreased
once raised, so the report says that instead of suggesting a release.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from quotapilot.domain import QuotaKey, Reading
from quotapilot.engine.simulate.replay import Point
from quotapilot.sources.base import SourceResult

DEFAULT_BELOW_PCT = 30.0
DEFAULT_DAYS = 30
#: A lowered GCP preference leaves the peak at half the limit: room for growth, no waste.
TARGET_PEAK_SHARE = 0.5


@dataclass(frozen=True)
class ReleaseCandidate:
    quota: str
    provider: str
    limit: float
    peak_usage: float
    peak_pct: float
    #: True when the limit was raised (above the default, or rising in the history); None when
    #: the source and history can't tell.
    raised: bool | None
    evidence: str
    action: str  # lower_preference | cannot_decrease
    suggested_limit: float | None
    how: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class UnusedAllocation:
    scope: str
    quota: str
    limit: float
    usage: float
    usage_pct: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ReleaseReport:
    candidates: list[ReleaseCandidate]
    #: Quotas that could not be judged, as (quota, why): a short history, no usage, not read,
    #: or mostly unused but not known to have been raised.
    skipped: list[tuple[str, str]]


def release_candidates(
    readings: SourceResult,
    history: Mapping[QuotaKey, Sequence[Point]] | None = None,
    *,
    raised_by_pipeline: Iterable[QuotaKey] = (),
    below_pct: float = DEFAULT_BELOW_PCT,
    days: int = DEFAULT_DAYS,
) -> ReleaseReport:
    history = history or {}
    ours = {key.unbound for key in raised_by_pipeline}
    report = ReleaseReport([], [])
    for key, unknown in sorted(readings.unknown.items(), key=lambda item: str(item[0])):
        report.skipped.append((str(key), unknown.reason))
    for key in sorted(readings.readings, key=str):
        reading = readings.readings[key]
        limit = reading.quota.limit
        if limit is None or limit <= 0:
            continue  # unlimited or zero: nothing to release
        label = f"{key.provider}:{key.service}/{key.code}@{key.region}"
        peak, evidence, limits = _peak(reading, history.get(key.unbound, ()), days)
        if peak is None:
            report.skipped.append((label, evidence))
            continue
        pct = peak / limit * 100
        if pct >= below_pct:
            continue
        raised = True if key.unbound in ours else _raised(reading, limits)
        if raised is None:
            report.skipped.append(
                (label, f"{pct:.1f}% used, but not known to have been raised (no default, no "
                 "rise in the history, not in --requests)")
            )  # fmt: skip
            continue
        if raised:
            report.candidates.append(_candidate(reading.key, limit, peak, pct, raised, evidence))
    return report


def _peak(
    reading: Reading, points: Sequence[Point], days: int
) -> tuple[float | None, str, list[float]]:
    if points:
        last = points[-1].at
        window = [p for p in points if p.at >= last - timedelta(days=days)]
        covered = (last - points[0].at) >= timedelta(days=days)
        if not covered:
            return None, f"history covers less than {days} days", []
        limits = [p.limit for p in points if p.limit is not None]
        return max(p.usage for p in window), f"peak over the last {days} days", limits
    if reading.usage is None:
        return None, "no usage figure", []
    return reading.usage.value, "current usage only (give --history for a peak)", []


def _raised(reading: Reading, limits: list[float]) -> bool | None:
    default = reading.quota.default_limit
    if default is not None and reading.quota.limit is not None:
        return reading.quota.limit > default
    if limits and min(limits) < (reading.quota.limit or 0):
        return True
    return None


def _candidate(
    key: QuotaKey, limit: float, peak: float, pct: float, raised: bool | None, evidence: str
) -> ReleaseCandidate:
    label = f"{key.provider}:{key.service}/{key.code}@{key.region}"
    if key.provider == "gcp":
        target = float(max(1, math.ceil(peak / TARGET_PEAK_SHARE)))
        dimensions = "" if key.is_global else f" --dimensions=region={key.region}"
        how = (
            f"gcloud beta quotas preferences update PREFERENCE_ID --service={key.service} "
            f"--quota-id={key.code} --preferred-value={target:g} "
            f"--project={key.account or 'PROJECT_ID'}{dimensions} "
            "(and lower the level in QuotaRequests, or the next `pulumi up` raises it again)"
        )
        return ReleaseCandidate(
            label, "gcp", limit, peak, round(pct, 1), raised, evidence, "lower_preference",
            target, how,
        )  # fmt: skip
    how = (
        "AWS can't decrease a quota once raised: nothing to release; stop requesting more "
        "(QuotaRequests levels, engine rules) so it isn't raised further"
    )
    return ReleaseCandidate(
        label, "aws", limit, peak, round(pct, 1), raised, evidence, "cannot_decrease", None, how
    )


def unused_allocations(
    lines: Iterable[Any], *, below_pct: float = DEFAULT_BELOW_PCT
) -> list[UnusedAllocation]:
    """Ledger scopes whose allocation (limit) is mostly unused now."""
    out = []
    for line in lines:
        if line.limit is None or line.limit <= 0:
            continue
        pct = line.usage / line.limit * 100
        if pct < below_pct:
            out.append(
                UnusedAllocation(line.scope, line.quota, line.limit, line.usage, round(pct, 1))
            )
    return out

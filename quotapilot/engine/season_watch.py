"""The regression watch's season warnings: a busy season within a quota's increase lead time
whose level the serving limit doesn't reach, alerted once a day per quota and audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from quotapilot.domain import Reading
from quotapilot.engine.act.alerts import Alert, Alerter
from quotapilot.engine.audit import AuditLog
from quotapilot.seasons import QuotaLevel, season_need
from quotapilot.sources.base import SourceResult


def season_warnings(
    levels: Sequence[QuotaLevel],
    serving: SourceResult,
    alerter: Alerter,
    audit: AuditLog,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """One warning per quota whose near season needs more than its serving limit."""
    now = now or datetime.now(UTC)
    warnings = []
    for level in levels:
        need = season_need(level, now)
        reading = serving.get(level.key())
        if need is None or not isinstance(reading, Reading):
            continue
        limit = reading.quota.limit
        if limit is None or limit >= need.value:
            continue
        key = reading.key
        warning = {
            "quota": str(key),
            "serving_limit": limit,
            "season_level": need.value,
            "season_starts": need.starts.isoformat(),
            "days_away": need.days_away,
            "lead_days": round(need.lead_days, 1),
        }
        warnings.append(warning)
        alerter.send(
            Alert(
                subject=f"quotapilot: busy season ahead for {key.service} {key.code}",
                level="season",
                dedupe_key=f"season#{key}",
                body={"kind": "quota_season", **warning},
            ),
            cooldown=timedelta(hours=24),
            now=now,
        )
        audit.record(
            "quota_season",
            subject=str(key),
            seen=warning,
            why="a season within the increase lead time needs more than the serving limit",
            done={"alerted": True},
            now=now,
        )
    return warnings

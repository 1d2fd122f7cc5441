"""The facts the gate's ``warn_season`` rule needs: a busy season within a quota's increase
lead time (or under way) whose level the serving limit doesn't reach.

Kept apart from :mod:`quotapilot.gate.facts`: it only annotates the input document's quota
facts with ``season_level``, ``season_starts``, ``season_days_away`` and ``season_lead_days``
(null when no season is near), so Rego compares and words the warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from quotapilot.seasons import QuotaLevel, season_need

SEASON_FIELDS = ("season_level", "season_starts", "season_days_away", "season_lead_days")


def annotate_seasons(
    document: dict[str, Any], levels: Sequence[QuotaLevel], now: datetime | None = None
) -> None:
    """Add the season facts to every quota of the input ``document``."""
    for fact in document.get("quotas", []):
        for name in SEASON_FIELDS:
            fact[name] = None
        level = next(
            (
                lv
                for lv in levels
                if (lv.provider, lv.service, lv.code)
                == (fact["provider"], fact["service"], fact["code"])
                and lv.region in (None, fact["region"])
            ),
            None,
        )
        need = season_need(level, now) if level is not None else None
        if need is None:
            continue
        fact["season_level"] = need.value
        fact["season_starts"] = need.starts.isoformat()
        fact["season_days_away"] = need.days_away
        fact["season_lead_days"] = round(need.lead_days, 1)

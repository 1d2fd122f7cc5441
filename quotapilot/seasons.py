"""Quota levels, with seasons: a quota held at one level most of the year and at another in
its busy season (the GCP reference's accountants: January to April at 4000, 1500 otherwise).

A seasonal level is *in force* ahead of its season by the quota's increase lead time, since an
increase asked for on the season's first day arrives too late; it drops back only once the
season is over. The lead time is the forecast horizon of the quota's increase path
(:mod:`quotapilot.increase_paths`: twice the time an increase usually takes, so a
refused or partial grant can still be filed again), unless the level gives its own.

:class:`QuotaLevel` is what ``QuotaRequests`` requests; the same levels, loaded from a file with
:func:`load_levels`, drive the gate's and the regression watch's season warnings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from quotapilot.domain import GLOBAL, QuotaKey
from quotapilot.exceptions import ConfigurationError
from quotapilot.increase_paths import default_horizon_hours

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_day(text: str, field: str) -> tuple[int, int]:
    match = _MONTH_DAY.match(text) if isinstance(text, str) else None
    month, day = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        raise ConfigurationError(f"must be a month-day like 01-31, got {text!r}", field=field)
    return month, day


@dataclass(frozen=True)
class Season:
    """Every year from ``start`` to ``end`` inclusive (``MM-DD``; may wrap over New Year)."""

    start: str
    end: str
    value: float

    def __post_init__(self) -> None:
        _month_day(self.start, "seasons.start")
        _month_day(self.end, "seasons.end")
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise ConfigurationError("must be a number", field="seasons.value")
        if not math.isfinite(self.value) or self.value < 0:
            raise ConfigurationError("must be a finite number >= 0", field="seasons.value")

    def contains(self, day: date) -> bool:
        today = (day.month, day.day)
        first, last = _month_day(self.start, "start"), _month_day(self.end, "end")
        if first <= last:
            return first <= today <= last
        return today >= first or today <= last

    def start_on_or_before(self, day: date) -> date:
        """The first day of the occurrence of this season that contains ``day``."""
        month, first = _month_day(self.start, "start")
        year = day.year if (day.month, day.day) >= (month, first) else day.year - 1
        return _on(year, month, first)


def _on(year: int, month: int, day: int) -> date:
    # 29 February in a common year: the season starts on the 28th.
    return date(year, month, min(day, 28 if month == 2 and year % 4 else day))


@dataclass(frozen=True)
class QuotaLevel:
    """One quota at the level an environment needs, optionally higher in its seasons."""

    #: "aws" or "gcp".
    provider: str
    #: AWS service code (lambda, ec2), or GCP service (compute.googleapis.com).
    service: str
    #: AWS quota code (L-1216C47A), or GCP quota id (CPUS-per-project-region).
    code: str
    #: The level this environment needs.
    value: float
    #: AWS: the region (the provider's when unset); GCP: the region dimension.
    region: str | None = None
    #: Seasonal levels: each is requested its lead time before it starts.
    seasons: tuple[Season, ...] = ()
    #: How far ahead of a season its level is requested; default: the quota's increase path.
    lead_time_days: float | None = None

    @property
    def label(self) -> str:
        return f"{self.provider}:{self.service}/{self.code}@{self.region or 'default'}"

    def key(self, default_region: str | None = None) -> QuotaKey:
        region = self.region or default_region or GLOBAL
        return QuotaKey(self.provider, self.service, self.code, region)  # type: ignore[arg-type]

    def matches(self, key: QuotaKey) -> bool:
        return (key.provider, key.service, key.code) == (
            self.provider,
            self.service,
            self.code,
        ) and self.region in (None, key.region)

    @property
    def lead_time(self) -> timedelta:
        if self.lead_time_days is not None:
            return timedelta(days=self.lead_time_days)
        try:
            return timedelta(hours=default_horizon_hours(self.key()))
        except ValueError:  # a provider the domain doesn't know: validated elsewhere
            return timedelta(days=14)

    def level_on(self, day: date) -> float:
        """The level the quota must have on ``day``: its seasons' (the highest) or its own."""
        during = [season.value for season in self.seasons if season.contains(day)]
        return max(during) if during else self.value

    def in_force(self, now: datetime | None = None) -> float:
        """The level to request at ``now``: the highest level needed from now until the lead
        time has passed (so a season's level is asked for a lead time before it starts)."""
        if not self.seasons:
            return self.value
        today = _today(now)
        days = math.ceil(self.lead_time / timedelta(days=1))
        return max(self.level_on(today + timedelta(days=d)) for d in range(days + 1))


@dataclass(frozen=True)
class SeasonNeed:
    """A season within a quota's lead time (or under way) that needs more than the quota's
    level outside it."""

    level: QuotaLevel
    value: float
    starts: date
    days_away: int
    lead_days: float


def season_need(level: QuotaLevel, now: datetime | None = None) -> SeasonNeed | None:
    """The largest seasonal level needed from now until the lead time has passed, if any."""
    today = _today(now)
    days = math.ceil(level.lead_time / timedelta(days=1))
    best: SeasonNeed | None = None
    for season in level.seasons:
        if season.value <= level.value:
            continue
        for offset in range(days + 1):
            day = today + timedelta(days=offset)
            if season.contains(day):
                starts = season.start_on_or_before(day)
                if best is None or season.value > best.value:
                    best = SeasonNeed(
                        level,
                        season.value,
                        starts,
                        max(0, (starts - today).days),
                        level.lead_time / timedelta(days=1),
                    )
                break
    return best


def _today(now: datetime | None) -> date:
    moment = now or datetime.now(UTC)
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def levels_from(entries: Any, where: str) -> tuple[QuotaLevel, ...]:
    """Levels from parsed YAML/JSON (a list of mappings); errors name ``where`` and the entry."""
    if not isinstance(entries, list):
        raise ConfigurationError("must be a list of quota levels", path=where, field="levels")
    levels = []
    for index, entry in enumerate(entries):
        entry_where = {"path": where, "entry": f"levels[{index}]"}
        if not isinstance(entry, Mapping):
            raise ConfigurationError("a level must be a mapping", **entry_where)
        unknown = set(entry) - {
            "provider", "service", "code", "value", "region", "seasons", "lead_time_days",
        }  # fmt: skip
        if unknown:
            raise ConfigurationError(f"unknown field(s) {sorted(unknown)}", **entry_where)
        try:
            seasons = tuple(Season(**season) for season in entry.get("seasons") or ())
            level = QuotaLevel(
                **{**entry, "seasons": seasons},  # type: ignore[arg-type]
            )
            _validate(level)
        except ConfigurationError as error:
            raise ConfigurationError(error.message, **entry_where, **error.context) from None
        except TypeError as error:
            raise ConfigurationError(f"malformed level: {error}", **entry_where) from None
        levels.append(level)
    return tuple(levels)


def _validate(level: QuotaLevel) -> None:
    if level.provider not in ("aws", "gcp"):
        raise ConfigurationError("must be aws or gcp", field="provider")
    for name in ("service", "code"):
        if not isinstance(getattr(level, name), str) or not getattr(level, name):
            raise ConfigurationError("must be a non-empty string", field=name)
    for name in ("value", "lead_time_days"):
        number = getattr(level, name)
        if number is None and name == "lead_time_days":
            continue
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise ConfigurationError("must be a number", field=name)
        if not math.isfinite(number) or number < 0:
            raise ConfigurationError("must be a finite number >= 0", field=name)


def load_levels(path: str | Path) -> tuple[QuotaLevel, ...]:
    """Levels from a YAML or JSON file holding ``levels: [...]``."""
    import yaml

    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"can't read it: {error}", path=str(path)) from None
    except RecursionError:
        raise ConfigurationError("nested too deeply", path=str(path)) from None
    except yaml.YAMLError as error:
        raise ConfigurationError(
            f"not valid YAML: {' '.join(str(error).split())}", path=str(path)
        ) from None
    if not isinstance(document, Mapping) or "levels" not in document:
        raise ConfigurationError("must be a mapping with a 'levels' list", path=str(path))
    return levels_from(document["levels"], str(path))


def matching(levels: Iterable[QuotaLevel], key: QuotaKey) -> QuotaLevel | None:
    return next((level for level in levels if level.matches(key)), None)

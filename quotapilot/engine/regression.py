"""The regression watch: the serving environment's limits must not fall behind the load-test
environment's for the watched quotas (a load test passed on capacity production lacks).

Configured by ``QUOTAPILOT_REGRESSION_WATCH``: ``{"serving": SOURCE, "loadtest": SOURCE,
"quotas": [{"service", "code", "region", "provider"?}, ...], "seasons"?: [LEVEL, ...]}``, where a
SOURCE is what ``quotapilot.sources.open_source`` accepts (``aws:REGION``, ``gcp:PROJECT``, a
snapshot file) and a LEVEL is a quota level with seasons (:mod:`quotapilot.pipeline.seasons`):
the watch also warns when a busy season starts within the quota's increase lead time and the
serving limit is below the season's level.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from quotapilot.domain import QuotaKey, Reading
from quotapilot.engine.alerts import Alert, Alerter
from quotapilot.engine.audit import AuditLog
from quotapilot.engine.exceptions import EngineConfigurationError
from quotapilot.sources.base import QuotaSource
from quotapilot.wiring import ENV_REGRESSION_WATCH

if TYPE_CHECKING:
    from quotapilot.pipeline.seasons import QuotaLevel


@dataclass(frozen=True)
class WatchConfig:
    serving: str
    loadtest: str
    quotas: tuple[QuotaKey, ...]
    levels: tuple[QuotaLevel, ...] = ()

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> WatchConfig:
        for name in ("serving", "loadtest"):
            if not isinstance(raw.get(name), str) or not raw[name]:
                raise EngineConfigurationError(
                    "needs a source string", path=ENV_REGRESSION_WATCH, entry=name
                )
        quotas = raw.get("quotas")
        if not isinstance(quotas, list) or not quotas:
            raise EngineConfigurationError(
                "needs a non-empty quotas list", path=ENV_REGRESSION_WATCH, entry="quotas"
            )
        keys = []
        for index, item in enumerate(quotas):
            try:
                keys.append(
                    QuotaKey(
                        item.get("provider", "aws"),
                        item["service"],
                        item["code"],
                        item.get("region", "global"),
                    )
                )
            except (AttributeError, KeyError, TypeError, ValueError) as error:
                raise EngineConfigurationError(
                    f"each quota needs service and code ({error})",
                    path=ENV_REGRESSION_WATCH,
                    entry=f"quotas[{index}]",
                ) from None
        levels = ()
        if raw.get("seasons") is not None:
            from quotapilot.exceptions import ConfigurationError
            from quotapilot.pipeline.seasons import levels_from

            try:
                levels = levels_from(raw["seasons"], ENV_REGRESSION_WATCH)
            except ConfigurationError as error:
                raise EngineConfigurationError(error.message, **error.context) from None
        return cls(raw["serving"], raw["loadtest"], tuple(keys), levels)


@dataclass
class WatchReport:
    checked: int = 0
    regressions: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[dict[str, str]] = field(default_factory=list)
    seasonal: list[dict[str, Any]] = field(default_factory=list)


def _limit(reading: Reading) -> float:
    return float("inf") if reading.quota.limit is None else reading.quota.limit


def watch(
    config: WatchConfig,
    alerter: Alerter,
    audit: AuditLog,
    *,
    open_source: Callable[[str], QuotaSource] | None = None,
    now: datetime | None = None,
) -> WatchReport:
    """Compare both environments; alert (once per quota per day) where serving is behind."""
    from datetime import timedelta

    if open_source is None:
        from quotapilot.sources import open_source as default_open

        open_source = default_open
    now = now or datetime.now(UTC)
    season_keys = tuple(level.key() for level in config.levels)
    serving = open_source(config.serving).read(config.quotas + season_keys)
    loadtest = open_source(config.loadtest).read(config.quotas)
    report = WatchReport()
    for key in config.quotas:
        ours, theirs = serving.get(key), loadtest.get(key)
        if not isinstance(ours, Reading) or not isinstance(theirs, Reading):
            missing = ours if not isinstance(ours, Reading) else theirs
            report.unknown.append(
                {"quota": str(key), "reason": getattr(missing, "reason", "unknown")}
            )
            continue
        report.checked += 1
        if _limit(ours) >= _limit(theirs):
            continue
        finding = {
            "quota": str(key),
            "serving_limit": ours.quota.limit,
            "loadtest_limit": theirs.quota.limit,
            "shortfall": _limit(theirs) - _limit(ours),
            "serving": config.serving,
            "loadtest": config.loadtest,
        }
        report.regressions.append(finding)
        alerter.send(
            Alert(
                subject=f"quotapilot: serving quota behind load test: {key.service} {key.code}",
                level="regression",
                dedupe_key=f"regression#{key}",
                body={"kind": "quota_regression", **finding},
            ),
            cooldown=timedelta(hours=24),
            now=now,
        )
        audit.record(
            "quota_regression",
            subject=str(key),
            seen=finding,
            why="serving limit below load-test limit",
            done={"alerted": True},
            now=now,
        )
    if config.levels:
        from quotapilot.pipeline.season_watch import season_warnings

        report.seasonal = season_warnings(config.levels, serving, alerter, audit, now)
    return report

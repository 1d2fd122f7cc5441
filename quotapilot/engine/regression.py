"""The regression watch: the serving environment's limits must not fall behind the load-test
environment's for the watched quotas (a load test passed on capacity production lacks).

Configured by ``QUOTAPILOT_REGRESSION_WATCH`` (:mod:`quotapilot.envvalues` encodes and decodes
it): where the serving and the load-test quotas come from, each a SOURCE that
``quotapilot.sources.open_source`` accepts (``aws``, ``aws:REGION;role=ARN`` in another
account, ``s3://BUCKET/KEY`` for a snapshot, ``gcp:PROJECT``), the quotas to compare, and
optionally quota levels with seasons (:mod:`quotapilot.seasons`): the watch also
warns when a busy season starts within the quota's increase lead time and the serving limit
is below the season's level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from quotapilot import wiring
from quotapilot.domain import Reading
from quotapilot.engine.act.alerts import Alert, Alerter
from quotapilot.engine.audit import AuditLog
from quotapilot.engine.exceptions import EngineConfigurationError
from quotapilot.envvalues import RegressionWatch
from quotapilot.permissions import LOADTEST_ROLE, Needs
from quotapilot.sources.aws import AwsSource
from quotapilot.sources.base import QuotaSource
from quotapilot.sources.s3 import S3SnapshotSource


@dataclass
class WatchReport:
    checked: int = 0
    regressions: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[dict[str, str]] = field(default_factory=list)
    seasonal: list[dict[str, Any]] = field(default_factory=list)


def _limit(reading: Reading) -> float:
    return float("inf") if reading.quota.limit is None else reading.quota.limit


def watch(
    config: RegressionWatch,
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
        sent = alerter.send(
            Alert(
                subject=f"quotapilot: serving quota behind load test: {key.service} {key.code}",
                level="regression",
                dedupe_key=f"regression#{key}",
                body={"kind": "quota_regression", **finding},
            ),
            cooldown=timedelta(hours=24),
            now=now,
        )
        if sent:  # an audit record per alert sent, not per hourly look
            audit.record(
                "quota_regression",
                subject=str(key),
                seen=finding,
                why="serving limit below load-test limit",
                done={"alerted": True, "message_id": sent},
                now=now,
            )
    if config.levels:
        from quotapilot.engine.season_watch import season_warnings

        report.seasonal = season_warnings(config.levels, serving, alerter, audit, now)
    return report


class RegressionWatcher:
    """The watch as the engine function runs it, on the stack's configuration."""

    #: The load-test quotas are read through a role in the load-test account (an AWS source
    #: with that role) or from the snapshot object the stack uploaded.
    permissions = (
        Needs(("sts:AssumeRole",), LOADTEST_ROLE, "read the load-test account's quotas"),
    )
    builds = (AwsSource, S3SnapshotSource)

    def __init__(
        self,
        config: RegressionWatch | None,
        alerter: Alerter,
        audit: AuditLog,
        *,
        open_source: Callable[[str], QuotaSource] | None = None,
    ) -> None:
        self.config = config
        self.alerter = alerter
        self.audit = audit
        self.open_source = open_source

    def run(self, now: datetime | None = None) -> WatchReport:
        if self.config is None:
            raise EngineConfigurationError(
                "is not set", path=wiring.ENV_REGRESSION_WATCH, setting="regression_watch"
            )
        return watch(self.config, self.alerter, self.audit, open_source=self.open_source, now=now)

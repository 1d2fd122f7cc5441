"""The engine's cycle: load rules; collect limits and usage across accounts and regions;
store the observations; forecast in one batch; decide; act; record.

One failing account, region, quota or action is reported (in the cycle report and the audit
log) and skipped; the rest of the cycle completes.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from quotapilot.domain import QuotaKey, Reading
from quotapilot.engine.accounts import OrganizationAccounts
from quotapilot.engine.act.actions import Actions, Outcome
from quotapilot.engine.audit import AuditLog
from quotapilot.engine.collect.collection import Collection, SourceFactory
from quotapilot.engine.collect.rows import RunRowsReader
from quotapilot.engine.collect.shards import Shard, merged, read_shards, shards_of
from quotapilot.engine.collect.store import RuleStore, SeriesStore, append
from quotapilot.engine.config import EngineConfig, MemberAccount
from quotapilot.engine.decision.alarm import AlarmState, observe
from quotapilot.engine.decision.decide import Situation
from quotapilot.engine.rules import Rule, RuleBook, rule_for, watched_keys
from quotapilot.forecast.base import Forecast, Forecaster
from quotapilot.increase_paths import warns_early

logger = logging.getLogger(__name__)
ENGINE = "quotapilot-engine"


@dataclass
class CycleReport:
    started_at: str = ""
    rules: int = 0
    quotas_evaluated: int = 0
    decisions: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    alerts_sent: int = 0
    alerts_suppressed: int = 0
    increases_requested: int = 0
    approvals_requested: int = 0
    audit_unwritten: int = 0
    max_utilization: float = 0.0

    def failed(self, stage: str, error: BaseException | str, **where: str) -> None:
        text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        self.failures.append({"stage": stage, **where, "error": text})
        logger.warning("cycle: %s failed", stage, extra={"where": where, "error": text})

    def fold(self, outcome: Outcome) -> None:
        """Count in what carrying out one decision did."""
        decision = outcome.decision
        if outcome.error is not None:
            self.failed("act", outcome.error, quota=str(decision.key), action=decision.action.value)
        self.max_utilization = max(self.max_utilization, min(decision.utilization, 1e9))
        self.increases_requested += outcome.filed
        self.approvals_requested += outcome.approval_started
        self.alerts_sent += outcome.alerts_sent
        self.alerts_suppressed += outcome.alerts_suppressed
        self.decisions.append(outcome.done)


@dataclass(frozen=True)
class RunPlan:
    rules: RuleBook
    keys: list[QuotaKey]
    shards: list[Shard]


class Cycle:
    """The engine function's scheduled run, over the collaborators its root built."""

    def __init__(
        self,
        config: EngineConfig,
        *,
        rules: RuleStore,
        series: SeriesStore,
        sources: SourceFactory,
        forecaster: Forecaster,
        actions: Actions,
        audit: AuditLog,
        organization_accounts: OrganizationAccounts | None = None,
    ) -> None:
        self.config = config
        #: With an organisation configured, its accounts are listed each run.
        self.organization_accounts = organization_accounts
        self.rules = rules
        self.series = series
        self.sources = sources
        self.forecaster = forecaster
        self.actions = actions
        self.audit = audit

    def run(self, now: datetime | None = None) -> CycleReport:
        """The single-function cycle: every shard in turn, then the decisions."""
        now = now or datetime.now(UTC)
        report = CycleReport(started_at=now.isoformat())
        plan = self.plan(report, now)
        results = read_shards(plan.shards, plan.keys, self.config.regions, self.sources)
        return self.decide(plan, merged(results), report, now)

    def decide_run(
        self,
        rows: RunRowsReader,
        run_id: str,
        now: datetime,
        shards: Sequence[Shard] | None = None,
    ) -> CycleReport:
        """The fan-out cycle's decide step, over the rows its collectors wrote for the run's
        ``shards`` (those list_shards wrote; None: the shards as planned now)."""
        report = CycleReport(started_at=now.isoformat())
        plan = self.plan(report, now, shards)
        return self.decide(plan, rows.read(run_id, plan.shards), report, now)

    def plan(
        self,
        report: CycleReport | None = None,
        now: datetime | None = None,
        shards: Sequence[Shard] | None = None,
    ) -> RunPlan:
        """The rules, the quota keys they watch and the shards to read them in (``shards``
        when given). With a report, rejected rules are reported and audited (once per run:
        the decide step's)."""
        loaded, errors = self.rules.load()
        rules = RuleBook(loaded)
        if report is not None:
            report.rules = len(rules)
            for error in errors:
                report.failed("rules", error)
                self.audit.record("rule_rejected", subject=str(error), why=str(error), now=now)
        keys = watched_keys(rules, list(self.config.regions))
        if shards is None:
            shards = shards_of(self.accounts(report), self.config.regions)
        return RunPlan(rules, keys, list(shards))

    def accounts(self, report: CycleReport | None = None) -> tuple[MemberAccount, ...]:
        """The configured accounts, and the organisation's. A listing that fails is reported
        and the configured accounts are still read (without a report, it raises: the fan-out
        cycle's list step fails, and its alarm says so)."""
        configured = self.config.accounts
        listed: tuple[MemberAccount, ...] = ()
        if self.organization_accounts is not None:
            try:
                listed = self.organization_accounts.members()
            except Exception as error:
                if report is None:
                    raise
                report.failed("collect", error, account="organization")
        known = {a.account for a in configured}
        return (*configured, *(a for a in listed if a.account not in known)) or (MemberAccount(""),)

    def decide(
        self, plan: RunPlan, collection: Collection, report: CycleReport, now: datetime
    ) -> CycleReport:
        """Forecast, decide and act on what the shards collected."""
        self.actions.begin()
        for failure in collection.failures:
            failure = dict(failure)
            report.failed("collect", failure.pop("error"), **failure)
        readings = self._measured(collection.readings, report)
        forecasts, alarms = self._observe_and_forecast(readings, plan.rules, report, now)
        for key, reading in readings.items():
            self._decide_and_act(
                key,
                reading,
                rule_for(plan.rules, key),
                forecasts.get(key),
                alarms.get(key),
                report,
                now,
            )
        report.quotas_evaluated = len(readings)
        report.audit_unwritten = self.audit.flush()
        return report

    def _measured(
        self, readings: dict[QuotaKey, Reading], report: CycleReport
    ) -> dict[QuotaKey, Reading]:
        measured = {}
        for key, reading in readings.items():
            if reading.usage is None and reading.quota.limit is not None:
                report.failed("collect", "no usage measured for this quota", quota=str(key))
            else:
                measured[key] = reading
        return measured

    def _observe_and_forecast(
        self,
        readings: dict[QuotaKey, Reading],
        rules: RuleBook,
        report: CycleReport,
        now: datetime,
    ) -> tuple[dict[QuotaKey, Forecast], dict[QuotaKey, AlarmState]]:
        try:
            stored = self.series.load(readings)
        except Exception as error:  # decide on current usage alone
            report.failed("store", error)
            stored = {}
        updated = []
        for key, reading in readings.items():
            usage = reading.usage.value if reading.usage else 0.0
            at = (
                reading.usage.timestamp if reading.usage and reading.usage.timestamp else now
            ).timestamp()
            updated.append(append(stored.get(key), key, at, usage, reading.quota.limit))
        by_horizon: dict[float, list] = defaultdict(list)
        for stored_series in updated:
            key = stored_series.key
            rule = rule_for(rules, key)
            if rule is not None:
                horizon = rule.horizon_hours(key, readings[key].quota.adjustable) * 3600.0
                by_horizon[horizon].append(stored_series)
        forecasts: dict[QuotaKey, Forecast] = {}
        for horizon, batch in by_horizon.items():
            try:
                answers = self.forecaster.forecast(
                    [s.series(self._warning_level(s.key, rules, readings)) for s in batch],
                    horizon,
                )
            except Exception as error:  # decide on current usage alone
                report.failed("forecast", error)
                continue
            for stored_series, forecast in zip(batch, answers, strict=True):
                forecasts[stored_series.key] = forecast
                # the alarm's hysteresis lives with the series, saved below
                stored_series.alarm = observe(
                    stored_series.alarm, forecast, stored_series.times[-1]
                )
        try:
            self.series.save(updated, now)
        except Exception as error:
            report.failed("store", error)
        alarms = {s.key: s.alarm for s in updated}
        return forecasts, alarms

    @staticmethod
    def _warning_level(
        key: QuotaKey, rules: RuleBook, readings: dict[QuotaKey, Reading]
    ) -> float | None:
        """The rule's warning threshold, for quotas whose increases take so long that the
        engine warns ahead of it (``increase_paths.warns_early``); else None."""
        rule = rule_for(rules, key)
        if rule is None or not warns_early(key, readings[key].quota.adjustable, rule.increase_path):
            return None
        return rule.threshold_warning

    def _decide_and_act(
        self,
        key: QuotaKey,
        reading: Reading,
        rule: Rule | None,
        forecast: Forecast | None,
        alarm: AlarmState | None,
        report: CycleReport,
        now: datetime,
    ) -> None:
        if rule is None:
            return
        usage = reading.usage.value if reading.usage else 0.0
        predicted = forecast.predicted if forecast else None
        chance = forecast.exhaustion_probability if forecast else None
        seen = Situation(
            key,
            usage,
            reading.quota.limit,
            predicted,
            reading.quota.adjustable,
            forecast_alarm=None if chance is None or alarm is None else alarm.raised,
            forecast_warning=None if alarm is None else alarm.warned,
        )
        observed = {
            "usage": usage,
            "limit": reading.quota.limit,
            "predicted": predicted,
            "forecast": forecast.method if forecast else None,
            "exhaustion_probability": chance,
            "rule": rule.rule_id,
        }
        outcome = self.actions.operate(rule, seen, now, by=ENGINE, observed=observed)
        if outcome is not None:
            report.fold(outcome)

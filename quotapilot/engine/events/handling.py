"""The handling of one event: what every detail type's handler gets, and nothing more.

A handler sees the event, the rules (read once per event, on first use), readings of the
quotas it asks about, and the engine's decide-act-record step, acting as the event (the audit
trail names it). It does not see the processor that called it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from quotapilot.domain import QuotaKey, Reading
from quotapilot.engine.act.actions import Actions, Outcome
from quotapilot.engine.act.alerts import Alert, Alerter
from quotapilot.engine.audit import AuditLog
from quotapilot.engine.decision.decide import Decision, Situation
from quotapilot.engine.rules import AutomationLevel, Rule, RuleBook

if TYPE_CHECKING:  # the event models need Powertools, which building the parts does not
    from quotapilot.engine.models import QuotaEvent

logger = logging.getLogger(__name__)

#: (account, region, unbound keys) -> the readings of those keys there.
Reader = Callable[[str, str, list[QuotaKey]], dict[QuotaKey, Reading]]


class EventHandling:
    def __init__(
        self,
        event: QuotaEvent,
        now: datetime,
        *,
        rules: Callable[[], RuleBook],
        actions: Actions,
        audit: AuditLog,
        alerter: Alerter,
        read: Reader,
    ) -> None:
        self.event = event
        self.now = now
        self._load_rules = rules
        self._rules: RuleBook | None = None
        self._actions = actions
        self._audit = audit
        self._alerter = alerter
        self.read = read

    @property
    def detail(self) -> Any:
        return self.event.detail

    @property
    def by(self) -> str:
        """Who acts: the event (the audit trail's ``by``)."""
        return f"event:{self.event.detail_type}:{self.event.id}"

    @property
    def rules(self) -> RuleBook:
        if self._rules is None:
            self._rules = self._load_rules()
        return self._rules

    def rule_of(self, key: QuotaKey) -> Rule:
        # Without a rule an event may alert, never act: the rules decide how far automation goes.
        return self.rules.for_key(key) or Rule(key.service, key.code, AutomationLevel.ALERT_ONLY)

    def key_of(self, detail: Any) -> QuotaKey:
        key = detail.key()
        if not key.account and self.event.account.isdigit():
            key = key.in_account(self.event.account)
        return key

    def operate(self, rule: Rule, seen: Situation, **observed: Any) -> dict[str, Any]:
        """Decide and act on one quota under ``rule``; record that nothing was due, if so."""
        observed = {
            "usage": seen.usage,
            "limit": seen.limit,
            "predicted": seen.predicted,
            "rule": rule.rule_id,
            **observed,
        }
        outcome = self._actions.operate(rule, seen, self.now, by=self.by, observed=observed)
        if outcome is None:
            self.record(
                "no_action",
                subject=str(seen.key),
                seen=observed,
                why="below the rule's thresholds",
            )
            return {"quota": str(seen.key), "action": None}
        return _done(outcome)

    def carry_out(self, rule: Rule, decision: Decision, **observed: Any) -> dict[str, Any]:
        """Act on a decision the handler made itself."""
        return _done(
            self._actions.carry_out(rule, decision, self.now, by=self.by, observed=observed)
        )

    def record(
        self,
        kind: str,
        *,
        subject: str,
        why: str,
        seen: dict[str, Any] | None = None,
        done: dict[str, Any] | None = None,
    ) -> None:
        self._audit.record(
            kind, subject=subject, seen=seen, why=why, done=done, by=self.by, now=self.now
        )

    def alert(self, alert: Alert, *, cooldown: timedelta = timedelta(0)) -> str | None:
        return self._alerter.send(alert, cooldown=cooldown, now=self.now)


def _done(outcome: Outcome) -> dict[str, Any]:
    if outcome.error is not None:
        decision = outcome.decision
        logger.warning("action %s failed for %s: %s", decision.action, decision.key, outcome.error)
    return outcome.done

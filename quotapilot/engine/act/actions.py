"""What the engine does about a decision: alert, request an increase, or ask for approval;
and :meth:`Actions.operate`, the decide-act-record step the cycle and the event processor
share. Each step returns an :class:`Outcome`; the caller folds it into its own report."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from quotapilot.domain import QuotaKey
from quotapilot.engine.accounts import AccountClients
from quotapilot.engine.act.alerts import Alert, Alerter
from quotapilot.engine.act.increase import IncreaseRequester, RequestLocks
from quotapilot.engine.approval.request import ApprovalStarter, IncreaseRequest
from quotapilot.engine.audit import AuditLog
from quotapilot.engine.decision.decide import Action, Decision, Situation, decide
from quotapilot.engine.rules import Rule

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What carrying out one decision did."""

    decision: Decision
    #: The record of it: the quota, the action, the new limit, and the action's own result
    #: (``status``, a message or request id).
    done: dict[str, Any]
    #: Why the action failed ("Type: message"); None when it did not.
    error: str | None = None
    alerts_sent: int = 0
    alerts_suppressed: int = 0

    @property
    def status(self) -> str | None:
        return self.done.get("status")

    @property
    def filed(self) -> bool:
        """A request was filed with the cloud (a Service Quotas request, a support case)."""
        return self.status in FILED

    @property
    def approval_started(self) -> bool:
        return self.decision.action is Action.APPROVAL_REQUESTED and self.status == "started"


class _Tally:
    """Counts what one decision's alerts did (a message id: sent; None: within cooldown)."""

    def __init__(self) -> None:
        self.sent = self.suppressed = 0

    def __call__(self, message_id: str | None) -> str | None:
        if message_id is None:
            self.suppressed += 1
        else:
            self.sent += 1
        return message_id


class Actions:
    """What the engine does about a decision: alert, request, or ask for approval."""

    #: Increase requests are made per account and region, as the decisions come.
    builds = (IncreaseRequester,)

    def __init__(
        self,
        *,
        clients: AccountClients,
        audit: AuditLog,
        alerter: Alerter,
        locks: RequestLocks,
        approvals: ApprovalStarter,
    ) -> None:
        self.clients = clients
        self.audit = audit
        self.alerter = alerter
        self.locks = locks
        self.approvals = approvals
        self._open: dict[tuple[str, str], set[tuple[str, str]] | None] = {}

    def begin(self) -> None:
        """Forget what the previous cycle or event learnt: a warm Lambda container reuses this
        object, and open requests close."""
        self._open.clear()

    def requester(self, key: QuotaKey) -> IncreaseRequester:
        region = "us-east-1" if key.is_global else key.region
        return IncreaseRequester(
            self.locks,
            self.clients.client("service-quotas", key.account, region),
            # Only a long-pending request needs Support: don't assume a role for it otherwise.
            support_factory=lambda: self.clients.client("support", key.account, "us-east-1"),
        )

    def has_open_request(self, key: QuotaKey) -> bool:
        """From one listing per account and region; unknown counts as no (the requester checks
        the quota itself before asking)."""
        slot = (key.account, key.region)
        if slot not in self._open:
            try:
                self._open[slot] = self.requester(key).open_quotas()
            except Exception as error:  # an optimisation; the requester re-checks
                logger.warning("open requests unknown for %s: %s", slot, error)
                self._open[slot] = None
        found = self._open[slot]
        return bool(found) and (key.service, key.code) in found  # type: ignore[operator]

    def alert(self, rule: Rule, decision: Decision, now: datetime) -> str | None:
        """The band's alert, at most once per quota and band within the rule's cooldown."""
        key = decision.key
        return self.alerter.send(
            Alert(
                subject=f"quotapilot {decision.band}: {key.service} {key.code} in "
                f"{key.region} at {decision.utilization:.0f}%",
                level=decision.band.value,
                dedupe_key=str(key),
                body={**_body(decision), "kind": f"alert_{decision.band.value}"},
            ),
            cooldown=timedelta(minutes=rule.alert_cooldown_minutes),
            now=now,
        )

    def act(
        self, rule: Rule, decision: Decision, by: str, now: datetime, tally: _Tally | None = None
    ) -> dict[str, Any]:
        tally = tally or _Tally()
        key = decision.key
        if decision.action.is_alert:
            message_id = tally(self.alert(rule, decision, now))
            return {"status": "sent" if message_id else "suppressed", "message_id": message_id}
        assert decision.new_limit is not None
        if decision.action is Action.APPROVAL_REQUESTED:
            request = IncreaseRequest.for_increase(
                key,
                decision.limit,
                decision.new_limit,
                decision.reason,
                decision.estimated_monthly_cost,
                by,
            )
            return {"status": self.approvals.start(request), "request_id": request.request_id}
        outcome = self.requester(key).request(
            key, decision.new_limit, reason=decision.reason, now=now
        )
        if outcome.new_request:
            tally(
                self.alerter.send(
                    Alert(
                        f"quotapilot: requested {key.service} {key.code} -> {decision.new_limit:g}",
                        "info",
                        f"increase#{key}",
                        {**_body(decision), "request_id": outcome.request_id},
                    ),
                    now=now,
                )
            )
        return {
            "status": outcome.status,
            "request_id": outcome.request_id,
            "case_id": outcome.case_id,
        }

    def operate(
        self,
        rule: Rule,
        seen: Situation,
        now: datetime,
        *,
        by: str,
        observed: dict[str, Any],
    ) -> Outcome | None:
        """Decide, act, record. Returns what was decided and done, or None (nothing to do)."""
        decision = decide(rule, seen, now)
        if decision is not None and decision.action.is_increase and self.has_open_request(seen.key):
            decision = decide(
                rule,
                replace(seen, open_request=True),
                now,
            )
        if decision is None:
            return None
        return self.carry_out(rule, decision, now, by=by, observed=observed)

    def carry_out(
        self,
        rule: Rule,
        decision: Decision,
        now: datetime,
        *,
        by: str,
        observed: dict[str, Any],
    ) -> Outcome:
        key = decision.key
        tally = _Tally()
        error = None
        try:
            if decision.action.is_increase:
                # Every band is announced, whatever the engine does about it: people learn of
                # an increase in flight from its band's alert.
                alerted = tally(self.alert(rule, decision, now))
                if alerted:
                    self._audit_alert(decision, alerted, observed, by, now)
            result = self.act(rule, decision, by, now, tally)
        except Exception as failure:  # one quota's failure must not stop the others
            error = f"{type(failure).__name__}: {failure}"
            result = {"status": "failed", "error": error}
        done = {
            "quota": str(key),
            "action": decision.action.value,
            "new_limit": decision.new_limit,
            **result,
        }
        if result.get("status") in HAPPENED:
            # One audit record per thing done: a suppressed alert, an approval already waiting
            # or a request already open is not a new action.
            self.audit.record(
                decision.action.value,
                subject=str(key),
                seen=observed,
                why=decision.reason,
                done=done,
                by=by,
                now=now,
            )
        return Outcome(decision, done, error, tally.sent, tally.suppressed)

    def _audit_alert(
        self, decision: Decision, message_id: str, observed: dict[str, Any], by: str, now
    ) -> None:
        self.audit.record(
            f"alert_{decision.band.value}",
            subject=str(decision.key),
            seen=observed,
            why=decision.reason,
            done={"quota": str(decision.key), "status": "sent", "message_id": message_id},
            by=by,
            now=now,
        )


#: Outcomes that filed a request with the cloud (a Service Quotas request, a support case).
FILED = frozenset({"requested", "case_opened"})
#: Outcomes that are an action taken (and get an audit record).
HAPPENED = frozenset({"sent", "requested", "case_opened", "started", "failed"})


def _body(decision: Decision) -> dict[str, Any]:
    key = decision.key
    return {
        "kind": decision.action.value,
        "quota": {
            "provider": key.provider,
            "account": key.account,
            "region": key.region,
            "service": key.service,
            "code": key.code,
        },
        "utilization": round(decision.utilization, 2),
        "predicted_utilization": round(decision.predicted_utilization, 2),
        "limit": decision.limit,
        "new_limit": decision.new_limit,
        "reason": decision.reason,
    }

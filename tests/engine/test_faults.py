"""Fault injection: 20% of all AWS calls throttled or failed with 5xx. The cycle completes,
nothing is requested twice, and no audit record is lost."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from quotapilot.domain import QuotaKey
from quotapilot.engine.accounts import AccountClients
from quotapilot.engine.act.actions import HAPPENED
from quotapilot.engine.aws import make_client
from quotapilot.engine.roots.engine import build
from tests.engine.conftest import put_rules
from tests.engine.fakes import FakeSource, FaultInjector, GrowthForecaster, ServiceQuotasEndpoint

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ACCOUNTS = ("111111111111", "222222222222")
CODES = [f"L-{i:08d}" for i in range(15)]


def test_cycle_under_throttling_and_5xx(stack):
    put_rules(
        stack,
        *(
            {
                "service": "lambda",
                "code": code,
                "automation_level": level,
                "unit_monthly_cost": 0,
                "region": "us-east-1",
            }
            for code, level in zip(
                CODES, ["full_auto", "alert_only", "auto_request"] * 5, strict=True
            )
        ),
    )
    # usage from 50% to 99%: every band, every level
    values = {
        QuotaKey("aws", "lambda", code, "us-east-1"): (100.0, 50.0 + i * 3.5)
        for i, code in enumerate(CODES)
    }
    sources = {a: FakeSource(a, values) for a in ACCOUNTS}
    faults = FaultInjector(rate=0.2, seed=11)
    endpoints = {a: ServiceQuotasEndpoint() for a in ACCOUNTS}
    dynamodb, sns, sfn = (
        faults.attach(make_client(s, region="us-east-1"))
        for s in ("dynamodb", "sns", "stepfunctions")
    )

    def run(at: datetime):
        clients = AccountClients(stack.config.accounts)
        for account in ACCOUNTS:
            client = endpoints[account].attach(make_client("service-quotas", region="us-east-1"))
            clients.inject("service-quotas", account, "us-east-1", faults.attach(client))
        engine = build(
            stack.config,
            source_factory=lambda account, regions: sources[account.account],
            forecaster=GrowthForecaster(),
            clients=clients,
            dynamodb=dynamodb,
            sns=sns,
            stepfunctions=sfn,
        )
        return engine.cycle.run(at)

    reports = [run(NOW + timedelta(minutes=5 * i)) for i in range(3)]

    # the faults really happened, at the rate asked for
    assert faults.injected > 30 and 0.15 < faults.injected / faults.calls < 0.25
    for report in reports:
        assert report.quotas_evaluated == 2 * len(CODES)
        assert [f for f in report.failures if f["stage"] != "collect"] == []
        assert report.audit_unwritten == 0
    # nothing requested twice, across retries and runs
    for account, endpoint in endpoints.items():
        per_quota = Counter(r["QuotaCode"] for r in endpoint.requests)
        assert per_quota and max(per_quota.values()) == 1, (account, per_quota)
    assert sum(r.increases_requested for r in reports) == sum(
        len(e.requests) for e in endpoints.values()
    )
    # every action taken is in the audit log, once: each alert sent, each request filed or
    # approval started (a repeat that did nothing new is not an action)
    audit = stack.scan(stack.config.log_table)
    actions = [
        d
        for r in reports
        for d in r.decisions
        if d["status"] in HAPPENED and not d["action"].startswith("alert_")
    ]
    published = stack.alerts()  # (reading the subscription queue drains it)
    band_alerts = [a for a in published if a["kind"].startswith("alert_")]
    assert len(audit) == len(actions) + len(band_alerts)
    assert len({a["log_id"] for a in audit}) == len(audit)
    # alerts: one per quota and level within the cooldown, despite retries
    alerts = Counter(
        (a["quota"]["account"], a["quota"]["code"], a["level"])
        for a in published
        if "quota" in a and a["kind"].startswith("alert_")
    )
    assert alerts and max(alerts.values()) == 1


def test_an_alert_whose_sender_died_is_sent_again_once_the_claim_is_stale(stack):
    """A run that claimed the cooldown and died before publishing must not silence the band
    for the whole cooldown: the claim stays "sending" and is free again after STALE_SEND."""
    from quotapilot.engine.act.alerts import STALE_SEND, Alert, Alerter, Cooldowns

    cooldowns = Cooldowns(stack.config.monitoring_table)
    day = timedelta(days=1)
    assert cooldowns.claim("lambda/L-1", "emergency", day, NOW)  # ...and the run dies here
    alerter = Alerter(stack.config.alerts_topic_arn, cooldowns)
    alert = Alert("s", "emergency", "lambda/L-1", {"kind": "alert_emergency"})
    assert alerter.send(alert, cooldown=day, now=NOW + timedelta(minutes=5)) is None
    later = NOW + STALE_SEND + timedelta(seconds=1)
    assert alerter.send(alert, cooldown=day, now=later)  # sent
    # once confirmed, the claim holds for the whole cooldown, stale or not
    assert alerter.send(alert, cooldown=day, now=later + STALE_SEND * 3) is None
    assert alerter.send(alert, cooldown=day, now=later + day) is not None

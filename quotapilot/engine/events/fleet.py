"""Event handlers that look across a fleet of quotas: infrastructure scaling (the quota and
those of the services it depends on), disaster recovery (a region's limits at least another's)
and cost optimization (quotas far above their peak use). Each gets the event's
:class:`~quotapilot.engine.events.handling.EventHandling`, and what else it reads, by name."""

from __future__ import annotations

import math
from typing import Any

from quotapilot.domain import QuotaKey, Reading
from quotapilot.engine.act.alerts import Alert
from quotapilot.engine.collect.store import SeriesReader
from quotapilot.engine.config import MemberAccount
from quotapilot.engine.decision.decide import (
    Action,
    Band,
    Decision,
    Situation,
    band_for,
    estimate_monthly_cost,
)
from quotapilot.engine.events.handling import EventHandling
from quotapilot.engine.rules import AutomationLevel

#: Services whose quotas scale with another's (the reference design's dependencies).
DEPENDENCIES: dict[str, tuple[str, ...]] = {
    "ec2": ("vpc", "ebs", "elasticloadbalancing"),
    "lambda": ("logs",),
    "rds": ("vpc", "kms"),
    "ecs": ("ec2", "elasticloadbalancing", "logs"),
    "eks": ("ec2", "elasticloadbalancing", "vpc"),
}


def infrastructure_scaling(h: EventHandling) -> list[dict[str, Any]]:
    detail = h.detail
    key = h.key_of(detail)
    if detail.direction == "down":
        h.record(
            "scale_down",
            subject=str(key),
            seen=detail.model_dump(),
            why="quotas are never lowered automatically",
        )
        return [
            {
                "quota": str(key),
                "action": None,
                "reason": "scale down: quotas are never lowered",
            }
        ]
    services = {key.service, *DEPENDENCIES.get(key.service, ()), *detail.dependent_services}
    keys = [key] + [
        QuotaKey("aws", r.service, r.code, key.region, key.account)
        for r in h.rules
        if r.service in services and r.service != key.service and (r.region in (None, key.region))
    ]
    readings = h.read(key.account, key.region, [k.unbound for k in keys])
    outcomes = []
    for asked in keys:
        reading = readings.get(asked.unbound)
        if reading is None or reading.usage is None:
            outcomes.append({"quota": str(asked), "action": None, "reason": "not readable"})
            continue
        seen = Situation(
            reading.key,
            reading.usage.value,
            reading.quota.limit,
            reading.usage.value * detail.factor,
            reading.quota.adjustable,
        )
        outcomes.append(h.operate(h.rule_of(reading.key), seen, scaling_factor=detail.factor))
    return outcomes


def disaster_recovery(h: EventHandling) -> list[dict[str, Any]]:
    detail = h.detail
    # Failover: the target takes the primary's load. Failback: the primary takes it back.
    source, target = (detail.primary_region, detail.target_region)
    if detail.type == "failback":
        source, target = target, source
    account = detail.account or (h.event.account if h.event.account.isdigit() else "")
    keys = list(
        dict.fromkeys(
            QuotaKey("aws", r.service, r.code, source)
            for r in h.rules
            if r.region in (None, source)
        )
    )
    here = h.read(account, source, keys)
    there = h.read(account, target, [k.in_region(target) for k in keys])
    outcomes = []
    for key in keys:
        ours, theirs = here.get(key), there.get(key.in_region(target))
        if ours is None or theirs is None:
            outcomes.append(
                {
                    "quota": str(key.in_account(account)),
                    "action": None,
                    "reason": "not readable in both regions",
                }
            )
            continue
        if not ours.usage or ours.usage.value <= 0 or ours.quota.limit is None:
            continue  # not in use (or unlimited): nothing to match
        if theirs.quota.limit is None or theirs.quota.limit >= ours.quota.limit:
            continue
        outcomes.append(match_limit(h, theirs, ours.quota.limit, source))
    return outcomes


def match_limit(h: EventHandling, target: Reading, desired: float, source: str) -> dict[str, Any]:
    key = target.key
    rule = h.rule_of(key)
    limit = float(target.quota.limit or 0.0)
    usage = target.usage.value if target.usage else 0.0
    util = usage / limit * 100 if limit else 0.0
    desired = math.ceil(min(desired, rule.hard_limit or desired))
    cost = estimate_monthly_cost(rule, desired - limit)
    why = f"{h.detail.type}: {key.region} must hold {source}'s {desired:g} (has {limit:g})"
    level = rule.automation_level
    if (
        level in (AutomationLevel.MONITOR_ONLY, AutomationLevel.ALERT_ONLY)
        or target.quota.adjustable is False
    ):
        action, new_limit = Action.ALERT_EMERGENCY, None
    elif rule.approval_required or cost > rule.cost_threshold or desired > rule.max_auto_increase:
        action, new_limit = Action.APPROVAL_REQUESTED, float(desired)
    else:
        action, new_limit = Action.EMERGENCY_INCREASE, float(desired)
    decision = Decision(
        key,
        action,
        band_for(rule, util) or Band.EMERGENCY,
        util,
        util,
        limit,
        new_limit,
        why,
        cost,
    )
    return h.carry_out(
        rule, decision, target_limit=limit, source_limit=desired, source_region=source
    )


def cost_optimization(
    h: EventHandling,
    *,
    series: SeriesReader,
    regions: tuple[str, ...],
    accounts: tuple[MemberAccount, ...],
) -> list[dict[str, Any]]:
    detail = h.detail
    accounts = accounts or (MemberAccount(""),)
    if detail.account and detail.account not in {a.account for a in accounts}:
        # An account the event names is reviewed even if it isn't configured (an
        # organisation's, listed by the cycle): its series are in the table all the same.
        accounts = (*accounts, MemberAccount(detail.account))
    keys = [
        QuotaKey("aws", r.service, r.code, region, account.account)
        for r in h.rules
        for region in ([r.region] if r.region else list(regions))
        for account in accounts
        if (detail.region in (None, region)) and detail.account in ("", account.account)
    ]
    far_above = []
    for key, stored in series.load(keys).items():
        if (
            stored.limit
            and stored.values
            and max(stored.values) < detail.max_peak_share * stored.limit
        ):
            far_above.append(
                {
                    "quota": str(key),
                    "limit": stored.limit,
                    "peak": max(stored.values),
                    "points": len(stored.values),
                }
            )
    report = {
        "kind": "cost_optimization",
        "max_peak_share": detail.max_peak_share,
        "quotas": far_above,
    }
    h.alert(
        Alert("quotapilot: quotas far above their peak use", "info", f"cost#{h.event.id}", report)
    )
    h.record(
        "cost_optimization",
        subject="quotas",
        seen={"checked": len(keys)},
        why="periodic review",
        done=report,
    )
    return far_above

"""Event handlers that look across a fleet of quotas: infrastructure scaling (the quota and
those of the services it depends on), disaster recovery (a region's limits at least another's)
and cost optimisation (quotas far above their peak use)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

from quotapilot.domain import QuotaKey, Reading
from quotapilot.engine.alerts import Alert
from quotapilot.engine.config import MemberAccount
from quotapilot.engine.decision import (
    Action,
    Band,
    Decision,
    Situation,
    band_for,
    estimate_monthly_cost,
)
from quotapilot.engine.models import QuotaEvent
from quotapilot.engine.rules import AutomationLevel

if TYPE_CHECKING:
    from quotapilot.engine.events import EventProcessor

#: Services whose quotas scale with another's (the reference design's dependencies).
DEPENDENCIES: dict[str, tuple[str, ...]] = {
    "ec2": ("vpc", "ebs", "elasticloadbalancing"),
    "lambda": ("logs",),
    "rds": ("vpc", "kms"),
    "ecs": ("ec2", "elasticloadbalancing", "logs"),
    "eks": ("ec2", "elasticloadbalancing", "vpc"),
}


def infrastructure_scaling(
    proc: EventProcessor, event: QuotaEvent, now: datetime
) -> list[dict[str, Any]]:
    detail = event.detail
    key = proc.key_of(event, detail)
    if detail.direction == "down":
        proc.actions.audit.record(
            "scale_down",
            subject=str(key),
            seen=detail.model_dump(),
            why="quotas are never lowered automatically",
            by=proc.actor(event),
            now=now,
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
        for r in proc.rules
        if r.service in services and r.service != key.service and (r.region in (None, key.region))
    ]
    readings = proc.read(key.account, key.region, [k.unbound for k in keys])
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
        outcomes.append(
            proc.operate(event, proc.rule_of(reading.key), seen, now, scaling_factor=detail.factor)
        )
    return outcomes


def disaster_recovery(
    proc: EventProcessor, event: QuotaEvent, now: datetime
) -> list[dict[str, Any]]:
    detail = event.detail
    # Failover: the target takes the primary's load. Failback: the primary takes it back.
    source, target = (detail.primary_region, detail.target_region)
    if detail.type == "failback":
        source, target = target, source
    account = detail.account or (event.account if event.account.isdigit() else "")
    keys = list(
        dict.fromkeys(
            QuotaKey("aws", r.service, r.code, source)
            for r in proc.rules
            if r.region in (None, source)
        )
    )
    here = proc.read(account, source, keys)
    there = proc.read(account, target, [k.in_region(target) for k in keys])
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
        outcomes.append(match_limit(proc, event, theirs, ours.quota.limit, now, source))
    return outcomes


def match_limit(
    proc: EventProcessor,
    event: QuotaEvent,
    target: Reading,
    desired: float,
    now: datetime,
    source: str,
) -> dict[str, Any]:
    key = target.key
    rule = proc.rule_of(key)
    limit = float(target.quota.limit or 0.0)
    usage = target.usage.value if target.usage else 0.0
    util = usage / limit * 100 if limit else 0.0
    desired = math.ceil(min(desired, rule.hard_limit or desired))
    cost = estimate_monthly_cost(rule, desired - limit)
    why = f"{event.detail.type}: {key.region} must hold {source}'s {desired:g} (has {limit:g})"
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
    observed = {"target_limit": limit, "source_limit": desired, "source_region": source}
    return proc.done(
        proc.actions.carry_out(rule, decision, now, by=proc.actor(event), observed=observed)
    )


def cost_optimization(
    proc: EventProcessor, event: QuotaEvent, now: datetime
) -> list[dict[str, Any]]:
    detail = event.detail
    keys = [
        QuotaKey("aws", r.service, r.code, region, account.account)
        for r in proc.rules
        for region in ([r.region] if r.region else list(proc.config.regions))
        for account in (proc.config.accounts or (MemberAccount(""),))
        if (detail.region in (None, region)) and detail.account in ("", account.account)
    ]
    far_above = []
    for key, stored in proc.series.load(keys).items():
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
    proc.actions.alerter.send(
        Alert("quotapilot: quotas far above their peak use", "info", f"cost#{event.id}", report),
        now=now,
    )
    proc.actions.audit.record(
        "cost_optimization",
        subject="quotas",
        seen={"checked": len(keys)},
        why="periodic review",
        done=report,
        by=proc.actor(event),
        now=now,
    )
    return far_above

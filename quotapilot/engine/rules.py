"""Automation rules: which quotas the engine manages, and how far it may act on its own.

A rule comes from the rules table (a DynamoDB item) or from RULES.yaml (``quotapilot
simulate``); both go through :func:`rule_from_mapping`, which validates every field and names
the one that is wrong.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from quotapilot.domain import GLOBAL, QuotaKey
from quotapilot.engine.exceptions import RuleError
from quotapilot.increase_paths import IncreasePath, default_horizon_hours


class AutomationLevel(enum.StrEnum):
    """How far the engine may go on its own, from watching to increasing quotas unasked."""

    MONITOR_ONLY = "monitor_only"
    ALERT_ONLY = "alert_only"
    AUTO_REQUEST = "auto_request"
    AUTO_APPROVE = "auto_approve"
    FULL_AUTO = "full_auto"


@dataclass(frozen=True)
class Rule:
    """How the engine treats one quota (in every account, or in one region when given)."""

    service: str
    code: str
    automation_level: AutomationLevel
    region: str | None = None  # None: every configured region
    provider: str = "aws"
    threshold_warning: float = 70.0
    threshold_critical: float = 85.0
    threshold_emergency: float = 95.0
    auto_increase_multiplier: float = 1.5
    max_auto_increase: float = 10_000.0  # the largest limit the engine will ask for
    approval_required: bool = False
    business_hours_only: bool = False
    cost_threshold: float = 1_000.0  # USD per month; above it, a human approves
    #: Optional: the quota's hard ceiling (what AWS will never grant beyond).
    hard_limit: float | None = None
    #: Optional: USD per month one more unit of the quota may cost (default by service).
    unit_monthly_cost: float | None = None
    #: None: the default of the quota's increase path (see ``increase_paths``).
    forecast_horizon_hours: float | None = None
    #: api, review or support_case; None: the service's default
    #: (``increase_paths``).
    increase_path: str | None = None
    #: One alert per quota and band within this time: a quota that stays in a band is
    #: reminded of daily, not hourly.
    alert_cooldown_minutes: float = 1440.0
    rule_id: str = ""

    def __post_init__(self) -> None:
        if not self.rule_id:
            region = self.region or "*"
            object.__setattr__(self, "rule_id", f"{self.service}/{self.code}@{region}")

    def key(self, region: str, account: str = "") -> QuotaKey:
        return QuotaKey(self.provider, self.service, self.code, region, account)  # type: ignore[arg-type]

    def horizon_hours(self, key: QuotaKey, adjustable: bool | None = None) -> float:
        """How far ahead to forecast ``key``: the rule's own horizon, else the default of the
        quota's increase path; the engine and ``quotapilot simulate`` both ask here."""
        if self.forecast_horizon_hours is not None:
            return self.forecast_horizon_hours
        return default_horizon_hours(key, adjustable, self.increase_path)

    def applies_to(self, key: QuotaKey) -> bool:
        return (
            key.service == self.service
            and key.code == self.code
            and key.provider == self.provider
            and (self.region is None or self.region == key.region)
        )


_FLOATS = (
    "threshold_warning",
    "threshold_critical",
    "threshold_emergency",
    "auto_increase_multiplier",
    "max_auto_increase",
    "cost_threshold",
    "hard_limit",
    "unit_monthly_cost",
    "forecast_horizon_hours",
    "alert_cooldown_minutes",
)
_BOOLS = ("approval_required", "business_hours_only")
_STRINGS = ("service", "code", "region", "provider", "rule_id", "increase_path")
_KNOWN = {f.name for f in fields(Rule)} | {"service_code", "quota_code"}


def _number(value: Any, name: str, where: dict[str, Any]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise RuleError(f"must be a number, got {value!r}", field=name, **where)
    try:
        number = float(value)
    except ValueError:
        raise RuleError(f"must be a number, got {value!r}", field=name, **where) from None
    if not math.isfinite(number):
        raise RuleError(f"must be finite, got {value!r}", field=name, **where)
    return number


def _boolean(value: Any, name: str, where: dict[str, Any]) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise RuleError(f"must be true or false, got {value!r}", field=name, **where)


def rule_from_mapping(item: Mapping[str, Any], *, path: str = "", entry: str = "") -> Rule:
    """Build and validate a rule from a rules-table item or a RULES.yaml entry.

    ``service_code``/``quota_code`` (the reference design's names) are accepted as aliases.
    """
    where = {k: v for k, v in (("path", path), ("entry", entry)) if v}
    if not isinstance(item, Mapping):
        raise RuleError(f"a rule must be a mapping, got {type(item).__name__}", **where)
    unknown = sorted(set(item) - _KNOWN - {"ttl", "description"})
    if unknown:
        raise RuleError(
            f"unknown field(s) {', '.join(map(str, unknown))}", field=unknown[0], **where
        )
    data = dict(item)
    for alias, name in (("service_code", "service"), ("quota_code", "code")):
        if alias in data:
            data.setdefault(name, data.pop(alias))
    values: dict[str, Any] = {}
    for name in ("service", "code", "automation_level"):
        if data.get(name) in (None, ""):
            raise RuleError("is required", field=name, **where)
    for name in _STRINGS:
        if data.get(name) is not None:
            if not isinstance(data[name], str) or not data[name].strip():
                raise RuleError(
                    f"must be a non-empty string, got {data[name]!r}", field=name, **where
                )
            values[name] = data[name].strip()
    if values.get("region") in ("*", "all"):
        values["region"] = None
    if values.get("provider", "aws") not in ("aws", "gcp"):
        raise RuleError(
            f"must be aws or gcp, got {values['provider']!r}", field="provider", **where
        )
    try:
        values["automation_level"] = AutomationLevel(data["automation_level"])
    except ValueError:
        allowed = ", ".join(level.value for level in AutomationLevel)
        raise RuleError(
            f"must be one of {allowed}, got {data['automation_level']!r}",
            field="automation_level",
            **where,
        ) from None
    paths = [path.value for path in IncreasePath]
    if values.get("increase_path") not in (None, *paths):
        raise RuleError(
            f"must be one of {', '.join(paths)}, got {values['increase_path']!r}",
            field="increase_path",
            **where,
        )
    for name in _FLOATS:
        if data.get(name) is not None:
            values[name] = _number(data[name], name, where)
    for name in _BOOLS:
        if data.get(name) is not None:
            values[name] = _boolean(data[name], name, where)
    rule = Rule(**values)
    _check(rule, where)
    return rule


def _check(rule: Rule, where: dict[str, Any]) -> None:
    w, c, e = rule.threshold_warning, rule.threshold_critical, rule.threshold_emergency
    if not 0 < w <= c <= e:
        raise RuleError(
            f"thresholds must satisfy 0 < warning <= critical <= emergency, got {w}/{c}/{e}",
            field="threshold_warning" if w <= 0 or w > c else "threshold_emergency",
            **where,
        )
    positive = {
        "auto_increase_multiplier": rule.auto_increase_multiplier > 1,
        "max_auto_increase": rule.max_auto_increase > 0,
        "cost_threshold": rule.cost_threshold >= 0,
        "hard_limit": rule.hard_limit is None or rule.hard_limit > 0,
        "unit_monthly_cost": rule.unit_monthly_cost is None or rule.unit_monthly_cost >= 0,
        "forecast_horizon_hours": rule.forecast_horizon_hours is None
        or rule.forecast_horizon_hours > 0,
        "alert_cooldown_minutes": rule.alert_cooldown_minutes >= 0,
    }
    for name, ok in positive.items():
        if not ok:
            needs = "greater than 1" if name == "auto_increase_multiplier" else "positive"
            raise RuleError(f"must be {needs}, got {getattr(rule, name)}", field=name, **where)
    if rule.region == "":
        raise RuleError("must not be empty", field="region", **where)


def rule_for(rules: list[Rule] | RuleBook, key: QuotaKey) -> Rule | None:
    """The most specific rule for a key: one naming its region beats one for every region."""
    book = rules if isinstance(rules, RuleBook) else RuleBook(rules)
    return book.for_key(key)


class RuleBook:
    """Rules indexed by quota, so that finding a key's rule costs a lookup, not a scan."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = list(rules)
        self._by_quota: dict[tuple[str, str, str], list[Rule]] = {}
        for rule in self.rules:
            self._by_quota.setdefault((rule.provider, rule.service, rule.code), []).append(rule)

    def for_key(self, key: QuotaKey) -> Rule | None:
        best: Rule | None = None
        for rule in self._by_quota.get((key.provider, key.service, key.code), ()):
            if rule.region in (None, key.region) and (
                best is None or (best.region is None and rule.region)
            ):
                best = rule
        return best

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)


def rule_regions(rule: Rule, configured: list[str]) -> list[str]:
    """The regions a rule covers: its own, or every configured one (global quotas: global)."""
    if rule.region:
        return [rule.region]
    return list(configured) or [GLOBAL]


def watched_keys(rules: Iterable[Rule], configured: list[str]) -> list[QuotaKey]:
    """Every quota key the rules watch, in the regions each covers (unbound to an account)."""
    return list(
        dict.fromkeys(
            rule.key(region) for rule in rules for region in rule_regions(rule, configured)
        )
    )

"""The quota gate's check: a plan against the serving quotas, the load-test baseline and,
optionally, a team's allocation in the ledger.

``run_check`` reads the sources once for every touched key, computes the facts
(:mod:`quotapilot.gate.facts`), lets the Rego rules decide (:mod:`quotapilot.gate.verdicts`)
and returns findings carrying the numbers and the remedy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from quotapilot.catalogue import PlanIndex
from quotapilot.domain import (
    Finding,
    FindingKind,
    PlannedResource,
    QuotaKey,
    Remedy,
    Severity,
)
from quotapilot.exceptions import ConfigurationError, InputError
from quotapilot.gate import facts as f
from quotapilot.gate import settings
from quotapilot.gate.verdicts import evaluate, load_policies
from quotapilot.sources.base import QuotaSource

if TYPE_CHECKING:
    from quotapilot.seasons import QuotaLevel

#: The buffer as a share of the limit (the settings give it in percent).
DEFAULT_BUFFER = settings.BUFFER_PCT / 100
DEFAULT_LOW_HEADROOM_PCT = settings.LOW_HEADROOM_PCT


def parse_key(text: str) -> QuotaKey:
    """``aws:lambda/L-B99A9384@us-east-1`` (the form findings print) to a key."""
    try:
        return QuotaKey.parse(text)
    except ValueError as error:
        raise ConfigurationError(str(error), quota=text) from None


@dataclass
class CheckResult:
    findings: list[Finding]
    facts: dict[QuotaKey, f.QuotaFacts]
    buffer: float
    #: The document the Rego rules evaluated (``--write-input`` saves it for conftest/OPA).
    document: dict | None = None

    @property
    def passed(self) -> bool:
        return not any(finding.blocks for finding in self.findings)


def run_check(
    resources: Sequence[PlannedResource],
    serving: QuotaSource,
    *,
    baseline: QuotaSource | None = None,
    allocation: QuotaSource | None = None,
    allocation_scope: str = "",
    deployed: Iterable[PlannedResource] = (),
    regions: dict[str, str | None] | None = None,
    buffer: float = DEFAULT_BUFFER,
    low_headroom_pct: float = DEFAULT_LOW_HEADROOM_PCT,
    strict: bool = False,
    watch: Iterable[QuotaKey] = (),
    policies: Sequence[str | Path] = (),
    opa_url: str | None = None,
    project: str = "",
    lookups: Sequence[str] = (),
    seasons: Sequence[QuotaLevel] = (),
    now: datetime | None = None,
    freed: Iterable[PlannedResource] = (),
    existing: Iterable[PlannedResource] = (),
    plan_input: dict | None = None,
) -> CheckResult:
    """Check ``resources`` (what the plan creates or changes, as it will be) against the
    sources. A plan that also says what it frees (Terraform's before-values) passes
    ``freed``, and what it leaves unchanged ``existing``; ``plan_input`` adds the plan's own
    keys to the Rego input."""
    if not 0 <= buffer < 1:
        raise InputError("the buffer must be at least 0% and below 100%", buffer=buffer)
    regions = regions or {}
    existing = list(existing)
    facts, unknown_demands = f.sum_demands(resources, regions, existing)
    deployed = list(deployed)
    held = f.held_by_stack(deployed, regions)
    f.release(facts, freed, existing, regions, held)
    for key in watch:
        facts.setdefault(key, f.QuotaFacts(key))
    keys = list(facts)
    f.apply_serving(facts, serving.read(keys), held, PlanIndex(deployed) if deployed else None)
    if baseline is not None:
        f.apply_baseline(facts, baseline.read(keys))
    if allocation is not None:
        f.apply_allocation(facts, allocation.read(keys))
    document = f.input_document(
        facts,
        resources,
        unknown_demands,
        buffer=buffer,
        low_headroom_pct=low_headroom_pct,
        strict=strict,
        scope=allocation_scope,
        lookups=lookups,
    )
    if seasons:
        from quotapilot.gate.seasons import annotate_seasons

        annotate_seasons(document, seasons, now)
    if plan_input:
        document = {**plan_input, **document}
    verdicts = evaluate(document, load_policies(list(policies)), opa_url)
    by_key = {str(key): fact for key, fact in facts.items()}
    findings = [
        _finding(rule, verdict, by_key.get(str(verdict.get("key", ""))), buffer, project)
        for rule, produced in sorted(verdicts.items())
        for verdict in produced
    ]
    findings.sort(key=lambda x: (not x.blocks, x.kind, str(x.key)))
    return CheckResult(findings, facts, buffer, document)


def _finding(
    rule: str, verdict: dict, fact: f.QuotaFacts | None, buffer: float, project: str
) -> Finding:
    severity = Severity.BLOCK if rule.startswith("deny_") else Severity.WARN
    kind_text = str(verdict.get("kind") or rule.split("_", 1)[1])
    try:
        kind = FindingKind(kind_text)
    except ValueError:
        kind = FindingKind.EXCEEDS if severity is Severity.BLOCK else FindingKind.LOW_HEADROOM
    message = str(verdict.get("message") or rule)
    if fact is None:
        return Finding(kind, severity, _NO_KEY, message, policy=rule)
    remedy = None
    shortfall = None
    if kind is FindingKind.EXCEEDS:
        usable = fact.usable(buffer) or 0.0
        shortfall = round(fact.projected - usable, 6)
        remedy = _remedy(fact.key, fact.desired_limit(buffer), project)
    elif (
        kind is FindingKind.REGRESSION
        and fact.baseline_limit is not None
        and not math.isinf(fact.baseline_limit)
    ):
        remedy = _remedy(fact.key, fact.baseline_limit, project)
    return Finding(
        kind,
        severity,
        fact.key,
        message,
        limit=fact.limit,
        usage=fact.usage,
        demand=fact.demand,
        baseline_limit=fact.baseline_limit,
        shortfall=shortfall,
        remedy=remedy,
        policy=rule,
    )


_NO_KEY = QuotaKey("aws", "unknown", "unknown", "unknown")


def _remedy(key: QuotaKey, desired: float, project: str) -> Remedy:
    value = int(desired) if float(desired).is_integer() else desired
    if key.provider == "aws":
        # Global quotas (IAM, S3, CloudFront) are managed in us-east-1.
        region = "us-east-1" if key.is_global else key.region
        command = (
            f"aws service-quotas request-service-quota-increase --service-code {key.service} "
            f"--quota-code {key.code} --desired-value {value} --region {region}"
        )
    else:
        dimensions = "" if key.is_global else f" --dimensions=region={key.region}"
        command = (
            f"gcloud beta quotas preferences create --service={key.service} "
            f"--quota-id={key.code} --preferred-value={value} "
            f"--project={key.account or project or 'PROJECT_ID'}{dimensions}"
        )
    return Remedy(float(desired), command)

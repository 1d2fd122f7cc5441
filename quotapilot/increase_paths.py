"""How an increase of a quota is obtained, and so how far ahead the engine must forecast.

A forecast only pays off if it warns before an increase could still arrive in time. How long
that takes depends on the path the increase goes through:

========================  ================================  ========================
increase path             typical time to a granted limit   default forecast horizon
========================  ================================  ========================
``api``                   hours to days (auto-approved)     7 days
``review``                days (a person at the provider)   14 days
``support_case``          one to two weeks                  28 days
========================  ================================  ========================

Each default horizon is twice the upper end of the typical time: a request is often granted
in part or sent back for a justification, and the alert must leave room to file it again
(and for a person to read the alert at all: a weekend sits inside any week).

Where the increase takes longer than the static warning threshold usually leaves, the engine
also warns *early*: when crossing the warning threshold within the horizon is probable (see
``engine.decision.alarm``). At the default 80% threshold the static warning leaves a fifth of the
limit of headroom; that is in time for a two-week support case only for usage growing by less than
1.4% of the limit a day (a fifth in 14 days), a slow quota. For the API (hours to days) and a
review (days), the static warning is in time up to growth of 6% and 3% a day, and warning
before it mostly adds false alarms: growth that stops short of the threshold is
indistinguishable, ahead of time, from growth that doesn't (``bench/BENCHMARKS.md``).

The path comes from, in order: the rule's ``increase_path``; a quota the provider reports as
not adjustable (only a support case can raise it); the service's documented default below;
``review`` for a service not listed. A rule's explicit ``forecast_horizon_hours`` overrides the
horizon altogether.
"""

from __future__ import annotations

import enum

from quotapilot.domain import QuotaKey


class IncreasePath(enum.StrEnum):
    API = "api"
    REVIEW = "review"
    SUPPORT_CASE = "support_case"


DAY_HOURS = 24.0
#: Twice the upper end of the time each path usually takes (see the module docstring).
DEFAULT_HORIZON_HOURS: dict[IncreasePath, float] = {
    IncreasePath.API: 7 * DAY_HOURS,
    IncreasePath.REVIEW: 14 * DAY_HOURS,
    IncreasePath.SUPPORT_CASE: 28 * DAY_HOURS,
}
#: The paths whose increase usually takes longer than the static warning leaves.
EARLY_WARNING_PATHS = frozenset({IncreasePath.SUPPORT_CASE})
#: Unlisted services: a person usually looks at the request.
FALLBACK_PATH = IncreasePath.REVIEW

_A, _R = IncreasePath.API, IncreasePath.REVIEW
#: Per provider and service code: how an increase of an adjustable quota usually goes.
#: AWS: Service Quotas grants most count quotas of these services automatically within hours;
#: compute capacity, databases and caches are reviewed by AWS (days). GCP: Cloud Quotas
#: requests are evaluated by Google; compute capacity needs a review, the rest is usually
#: granted automatically.
SERVICE_INCREASE_PATHS: dict[tuple[str, str], IncreasePath] = {
    **{
        ("aws", service): _A
        for service in (
            "autoscaling",
            "cloudfront",
            "dynamodb",
            "ebs",
            "ecr",
            "ecs",
            "eks",
            "elasticloadbalancing",
            "events",
            "iam",
            "kms",
            "logs",
            "s3",
            "sns",
            "states",
            "vpc",
        )
    },
    **{("aws", service): _R for service in ("ec2", "elasticache", "lambda", "rds")},
    ("gcp", "compute.googleapis.com"): _R,
    ("gcp", "container.googleapis.com"): _A,
    ("gcp", "run.googleapis.com"): _A,
}


def increase_path(
    key: QuotaKey, adjustable: bool | None = None, rule_path: str | None = None
) -> IncreasePath:
    """The path an increase of ``key`` takes (see the module docstring for the order)."""
    if rule_path:
        return IncreasePath(rule_path)
    if adjustable is False:
        return IncreasePath.SUPPORT_CASE
    return SERVICE_INCREASE_PATHS.get((key.provider, key.service), FALLBACK_PATH)


def default_horizon_hours(
    key: QuotaKey, adjustable: bool | None = None, rule_path: str | None = None
) -> float:
    return DEFAULT_HORIZON_HOURS[increase_path(key, adjustable, rule_path)]


def warns_early(
    key: QuotaKey, adjustable: bool | None = None, rule_path: str | None = None
) -> bool:
    """Whether the engine warns ahead of the warning threshold for ``key`` (module docstring)."""
    return increase_path(key, adjustable, rule_path) in EARLY_WARNING_PATHS

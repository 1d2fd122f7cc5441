"""The domain model every part of quotapilot shares.

A quota is identified by a :class:`QuotaKey`; what a cloud says about it is a :class:`Quota`
(its limit) and a :class:`Usage`; what a plan needs is a :class:`Demand`; what the gate or the
engine concludes is a :class:`Finding`. Everything here is plain, frozen data: no I/O, no
cloud SDK imports, so the CLI's ``--help`` and the Lambda cold start stay cheap.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

Provider = Literal["aws", "gcp"]
PROVIDERS: tuple[Provider, ...] = ("aws", "gcp")

#: Region value for quotas that are not per region (IAM roles, S3 buckets, GCP networks).
GLOBAL = "global"


class Scope(enum.StrEnum):
    """Whether a quota is counted per region or once for the whole account/project."""

    REGIONAL = "regional"
    GLOBAL = "global"


@dataclass(frozen=True, order=True)
class QuotaKey:
    """One quota: one key, one limit.

    ``account`` is the AWS account id or GCP project id. It is empty when the key comes from a
    plan, which does not know the account it will be deployed to: the source that reads the
    key binds it (see :meth:`in_account`).
    """

    provider: Provider
    service: str
    code: str
    region: str = GLOBAL
    account: str = ""

    def __post_init__(self) -> None:
        if self.provider not in PROVIDERS:
            raise ValueError(f"provider must be one of {PROVIDERS}, got {self.provider!r}")
        if not self.service or not self.code:
            raise ValueError("a quota key needs a service and a quota code")

    @property
    def is_global(self) -> bool:
        return self.region == GLOBAL

    def in_account(self, account: str) -> QuotaKey:
        return replace(self, account=account)

    def in_region(self, region: str) -> QuotaKey:
        return replace(self, region=region)

    @property
    def unbound(self) -> QuotaKey:
        """The same quota with no account: how plans and rules name it."""
        return replace(self, account="") if self.account else self

    def __str__(self) -> str:
        where = f"{self.account}/{self.region}" if self.account else self.region
        return f"{self.provider}:{self.service}/{self.code}@{where}"

    @classmethod
    def parse(cls, text: str) -> QuotaKey:
        """``aws:lambda/L-B99A9384@us-east-1`` (how findings print a key, and how config
        names one) to a key; ValueError says what the form is."""
        match = _KEY_TEXT.match(str(text).strip())
        if not match:
            raise ValueError(
                f"a quota must look like PROVIDER:SERVICE/CODE@REGION, e.g. "
                f"aws:lambda/L-B99A9384@us-east-1 (got {text!r})"
            )
        return cls(*match.groups())  # type: ignore[arg-type]


_KEY_TEXT = re.compile(r"^(aws|gcp):([^/]+)/([^@]+)@(.+)$")


def normalise_limit(value: float | int | str | None) -> float | None:
    """Return a limit as a float, or None for unlimited.

    GCP reports an unlimited quota as -1 and some APIs as a missing value; quotapilot uses
    None for both so that arithmetic on limits can't mistake "unlimited" for "negative".
    Those two are the only spellings of unlimited: an infinite or NaN limit is an error, so
    that a corrupted number can never turn a quota into an unlimited one.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"a quota limit must be a number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"a quota limit must be a finite number, got {value!r:.40}") from None
    if not math.isfinite(number):
        raise ValueError(
            f"a quota limit must be a finite number (got {value!r}); use -1 or null for unlimited"
        )
    if number == -1:
        return None
    if number < 0:
        raise ValueError(
            f"a quota limit can't be negative (got {value!r}); use -1 or null for unlimited"
        )
    return number


def finite(value: object) -> float:
    """``value`` as a finite float; ValueError for NaN, infinities, bools and overflow."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number, got {value!r:.40}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"must be a finite number, got {value!r:.40}") from None
    if not math.isfinite(number):
        raise ValueError(f"must be a finite number, got {value!r}")
    return number


@dataclass(frozen=True)
class Quota:
    """What the cloud says a quota's limit is."""

    key: QuotaKey
    limit: float | None  # None: unlimited
    adjustable: bool | None = None  # None: not known
    default_limit: float | None = None
    name: str = ""
    unit: str = ""
    #: The metric that measures usage, e.g. CloudWatch AWS/Usage dimensions, when known.
    usage_metric: Mapping[str, Any] | None = None

    @property
    def unlimited(self) -> bool:
        return self.limit is None


@dataclass(frozen=True)
class Usage:
    """How much of a quota is in use at a point in time."""

    key: QuotaKey
    value: float
    timestamp: datetime | None = None


@dataclass(frozen=True)
class Unknown:
    """A quota, or a resource's demand, that could not be determined, and why."""

    reason: str


@dataclass(frozen=True)
class Reading:
    """A source's answer for one key: the quota and, when the source measures it, the usage."""

    quota: Quota
    usage: Usage | None = None
    #: For a quota AWS applies per parent object (subnets per VPC), the usage in each parent
    #: the source knows of, by the parent's id. ``usage`` says nothing about any one parent.
    usage_per: Mapping[str, float] | None = None

    @property
    def key(self) -> QuotaKey:
        return self.quota.key


@dataclass(frozen=True)
class PlannedResource:
    """A resource in a plan, as the Pulumi engine registers it."""

    type: str
    name: str
    urn: str = ""
    id: str = ""  # the (mocked or deployed) physical id other resources refer to it by
    properties: Mapping[str, Any] = field(default_factory=dict)
    parent: str | None = None
    provider: str | None = None  # URN of the explicit provider resource, if any
    #: The region the resource lands in when the program or its provider says so; rules fall
    #: back to the stack's default region.
    region: str | None = None
    #: URNs the resource was registered under before (its aliases): Pulumi carries the
    #: resource over from those rather than replacing it.
    aliases: tuple[str, ...] = ()

    @property
    def cloud(self) -> str:
        """The package part of the type token: ``aws`` for ``aws:lambda/function:Function``."""
        return self.type.split(":", 1)[0]


@dataclass(frozen=True)
class Demand:
    """How much of a quota a plan (or one resource of it) needs."""

    key: QuotaKey
    amount: float
    resource_urn: str = ""
    #: Part of the limit that can never be consumed (Lambda keeps 100 concurrency
    #: unreserved): the usable limit is ``limit - floor``. Combined by max, not summed.
    floor: float = 0.0
    #: For a quota AWS applies per parent object (rules per event bus, services per ECS
    #: cluster), the parent this demand lands in: demands are summed per parent and the
    #: busiest parent is what must fit. Empty for account- or project-wide quotas.
    per: str = ""
    #: The resource type of that parent (``aws:ec2/vpc:Vpc``), so that a parent the plan
    #: creates is recognised as new; empty where the parent is not a resource (an AZ).
    parent_type: str = ""


class FindingKind(enum.StrEnum):
    EXCEEDS = "exceeds"
    REGRESSION = "regression"
    LOW_HEADROOM = "low_headroom"
    UNKNOWN = "unknown"
    ALLOCATION = "allocation"
    SEASON = "season"  # a busy season within the lead time needs more than the limit


class Severity(enum.StrEnum):
    BLOCK = "block"
    WARN = "warn"


@dataclass(frozen=True)
class Remedy:
    """What would make a finding go away: the limit to ask for and how to ask for it."""

    desired_limit: float
    command: str


@dataclass(frozen=True)
class Finding:
    """A conclusion about one quota, with the numbers a person needs to act on it."""

    kind: FindingKind
    severity: Severity
    key: QuotaKey
    message: str
    limit: float | None = None
    usage: float | None = None
    demand: float | None = None
    baseline_limit: float | None = None
    shortfall: float | None = None
    remedy: Remedy | None = None
    policy: str = ""  # the Rego rule (or check) that produced it

    @property
    def blocks(self) -> bool:
        return self.severity is Severity.BLOCK


def utilization(usage: float, limit: float | None) -> float:
    """Usage as a percentage of the limit; 0 for unlimited quotas, inf for a zero limit in use."""
    if limit is None:
        return 0.0
    if limit == 0:
        return 0.0 if usage <= 0 else math.inf
    return usage / limit * 100.0

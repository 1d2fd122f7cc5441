"""``QuotaRequests``: declare quota levels once, request them in every environment.

Each level becomes the provider's own resource: ``aws.servicequotas.ServiceQuota`` (an
increase request, kept as desired state) or GCP's ``gcp.cloudquota.SQuotaPreference``.
``parity_with`` takes the load-test environment's levels and requests, for each quota, the
larger of the two: the serving environment never ends up below what was load-tested, by
construction rather than by review. A level with ``seasons`` is requested at its seasonal
value a lead time ahead of each season and back at its own value once the season is over
(:mod:`quotapilot.seasons`), so running ``pulumi up`` on a schedule keeps a busy
season's quota in place before it starts. Optionally opts the account into Service Quotas'
automatic management and the project into GCP's quota adjuster.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pulumi

from quotapilot.exceptions import ConfigurationError
from quotapilot.seasons import QuotaLevel, Season

__all__ = ["TYPE", "QuotaLevel", "QuotaRequests", "QuotaRequestsArgs", "Season"]

TYPE = "quotapilot:index:QuotaRequests"


@dataclass(frozen=True)
class QuotaRequestsArgs:
    """What to request, and how."""

    #: The quota levels this environment needs.
    levels: tuple[QuotaLevel, ...] = ()
    #: The load-test environment's levels; each request is at least as high as these.
    parity_with: tuple[QuotaLevel, ...] = ()
    #: GCP project for GCP levels.
    gcp_project: pulumi.Input[str] | None = None
    #: Contact for GCP quota increase requests (Google requires one for increases).
    gcp_contact_email: pulumi.Input[str] | None = None
    #: Opt the AWS account into Service Quotas automatic management ("NotifyOnly" or
    #: "NotifyAndAdjust"); None leaves it alone.
    aws_auto_management: str | None = None
    #: Turn on GCP's quota adjuster for the project.
    gcp_quota_adjuster: bool = False
    justification: str = "Requested by quotapilot: declared capacity for this environment"
    tags: Mapping[str, str] = field(default_factory=dict)
    #: The moment seasonal levels are computed for; None: now (the time of `pulumi up`).
    as_of: datetime | None = None

    def __post_init__(self) -> None:
        seen = set()
        for level in (*self.levels, *self.parity_with):
            if level.provider not in ("aws", "gcp"):
                raise ConfigurationError(
                    "provider must be aws or gcp", field="levels", quota=level.label
                )
            if level.value < 0:
                raise ConfigurationError(
                    "a quota level can't be negative", field="levels", quota=level.label
                )
            if level.provider == "aws" and not re.fullmatch(r"L-[0-9A-F]{8}", level.code):
                raise ConfigurationError(
                    "an AWS quota code looks like L-1216C47A", field="levels", quota=level.label
                )
        for level in self.levels:
            if level.label in seen:
                raise ConfigurationError("declared twice", field="levels", quota=level.label)
            seen.add(level.label)
        if any(lv.provider == "gcp" for lv in (*self.levels, *self.parity_with)) and not (
            self.gcp_project
        ):
            raise ConfigurationError("GCP levels need gcp_project", field="gcp_project")
        if self.aws_auto_management not in (None, "NotifyOnly", "NotifyAndAdjust"):
            raise ConfigurationError(
                "must be NotifyOnly or NotifyAndAdjust", field="aws_auto_management"
            )

    def requested(self) -> list[QuotaLevel]:
        """Every level to request, at the value in force now (seasons included): declared
        ones raised to parity, plus parity-only ones."""
        floor = {level.label: level for level in self.parity_with}
        out = []
        for level in self.levels:
            other = floor.pop(level.label, None)
            value = level.in_force(self.as_of)
            if other:
                value = max(value, other.in_force(self.as_of))
            out.append(QuotaLevel(level.provider, level.service, level.code, value, level.region))
        out.extend(
            QuotaLevel(lv.provider, lv.service, lv.code, lv.in_force(self.as_of), lv.region)
            for lv in floor.values()
        )
        return out


class QuotaRequests(pulumi.ComponentResource):
    """Quota levels for one environment, as the providers' own resources."""

    def __init__(
        self, name: str, args: QuotaRequestsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.requests: dict[str, pulumi.CustomResource] = {}
        for level in args.requested():
            slug = re.sub(
                r"[^a-z0-9]+", "-", f"{level.service}-{level.code}-{level.region or ''}".lower()
            ).strip("-")
            if level.provider == "aws":
                import pulumi_aws as aws

                self.requests[level.label] = aws.servicequotas.ServiceQuota(
                    f"{name}-{slug}",
                    service_code=level.service,
                    quota_code=level.code,
                    value=level.value,
                    region=level.region,
                    opts=child,
                )
            else:
                import pulumi_gcp as gcp

                dimensions = {"region": level.region} if level.region else None
                self.requests[level.label] = gcp.cloudquota.SQuotaPreference(
                    f"{name}-{slug}",
                    parent=pulumi.Output.concat("projects/", args.gcp_project),
                    service=level.service,
                    quota_id=level.code,
                    dimensions=dimensions,
                    quota_config={"preferred_value": str(int(level.value))},
                    contact_email=args.gcp_contact_email,
                    justification=args.justification,
                    opts=child,
                )
        if args.aws_auto_management:
            import pulumi_aws as aws

            aws.servicequotas.AutoManagement(
                f"{name}-auto-management",
                opt_in_level="ACCOUNT",
                opt_in_type=args.aws_auto_management,
                opts=child,
            )
        if args.gcp_quota_adjuster:
            import pulumi_gcp as gcp

            gcp.cloudquota.SQuotaAdjusterSettings(
                f"{name}-quota-adjuster",
                parent=pulumi.Output.concat("projects/", args.gcp_project),
                enablement="ENABLED",
                opts=child,
            )
        self.register_outputs({"requested": {k: r.urn for k, r in self.requests.items()}})

"""QuotaRequests for other languages (see :mod:`plugin`). (No ``from __future__ import
annotations``: the analyzer reads the annotations as types.)"""

from typing import NotRequired, TypedDict

import pulumi

from quotapilot.components import requests


class SeasonInput(TypedDict):
    """Every year from start to end (MM-DD, inclusive), the quota is held at value."""

    start: str
    end: str
    value: float


class QuotaLevelInput(TypedDict):
    """One quota at the level an environment needs."""

    provider: str
    """"aws" or "gcp"."""
    service: str
    """AWS service code (lambda, ec2), or GCP service (compute.googleapis.com)."""
    code: str
    """AWS quota code (L-1216C47A), or GCP quota id (CPUS-per-project-region)."""
    value: float
    """The level this environment needs."""
    region: NotRequired[str]
    """AWS: the region (the provider's when unset); GCP: the region dimension."""
    seasons: NotRequired[list[SeasonInput]]
    """Seasonal levels: each is requested its lead time before it starts."""
    lead_time_days: NotRequired[float]
    """How far ahead of a season its level is requested; default: the quota's increase path."""


class QuotaRequestsInputs(TypedDict):
    """Quota levels to request, and optional parity with the load-test levels."""

    levels: list[QuotaLevelInput]
    """The quota levels this environment needs."""
    parity_with: NotRequired[list[QuotaLevelInput]]
    """The load-test environment's levels; each request is at least as high as these."""
    gcp_project: NotRequired[pulumi.Input[str]]
    """GCP project for GCP levels."""
    gcp_contact_email: NotRequired[pulumi.Input[str]]
    """Contact for GCP quota increase requests (Google requires one for increases)."""
    aws_auto_management: NotRequired[str]
    """Opt the AWS account into Service Quotas automatic management ("NotifyOnly" or "NotifyAndAdjust"); None leaves it alone."""  # noqa: E501
    gcp_quota_adjuster: NotRequired[bool]
    """Turn on GCP's quota adjuster for the project."""


class QuotaRequests(requests.QuotaRequests):
    """Quota levels for one environment, as the providers' own resources."""

    def __init__(
        self, name: str, args: QuotaRequestsInputs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        given = dict(args)

        def levels(key: str) -> tuple[requests.QuotaLevel, ...]:
            return tuple(
                requests.QuotaLevel(
                    **{
                        **level,
                        "seasons": tuple(requests.Season(**x) for x in level.get("seasons") or ()),
                    }
                )
                for level in given.pop(key, []) or []
            )

        super().__init__(
            name,
            requests.QuotaRequestsArgs(
                levels=levels("levels"), parity_with=levels("parity_with"), **given
            ),
            opts,
        )

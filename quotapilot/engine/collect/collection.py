"""Collection across member accounts and regions, through the QuotaSource protocol.

The source does the reading (``quotapilot.sources.aws.AwsSource`` by default); this module
decides what to read where and records what failed, so one bad account or region never
stops the others. Open increase requests are listed per account and region (two paged calls)
so the decision knows which quotas already have one, without a call per quota.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from quotapilot import permissions as p
from quotapilot.domain import QuotaKey, Reading
from quotapilot.engine.config import MemberAccount
from quotapilot.permissions import Needs
from quotapilot.sources.base import QuotaSource

#: (account, regions) -> the source that reads it.
SourceFactory = Callable[[MemberAccount, list[str]], QuotaSource]


class Collector:
    """Declares what reading quotas needs; AwsSource makes these calls."""

    permissions = (
        Needs(("sts:AssumeRole",), p.MEMBER_ACCOUNT_ROLE, "read quotas in member accounts"),
        Needs(
            (
                "servicequotas:ListServiceQuotas",
                "servicequotas:ListAWSDefaultServiceQuotas",
                "servicequotas:ListRequestedServiceQuotaChangeHistory",
                "cloudwatch:GetMetricData",
                "sts:GetCallerIdentity",
            ),
            p.NO_RESOURCE_SCOPE,
            "Service Quotas lists, GetMetricData and GetCallerIdentity support no resource scope",
        ),
    )


def aws_source_factory(session: Any = None) -> SourceFactory:
    def make(account: MemberAccount, regions: list[str]) -> QuotaSource:
        from quotapilot.sources.aws import AwsSource

        return AwsSource(
            regions=regions or None,
            role_arn=account.role_arn or None,
            account=account.account or None,
            session=session,
        )

    return make


@dataclass
class Collection:
    readings: dict[QuotaKey, Reading] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)  # what was skipped and why


def collect(
    accounts: Iterable[MemberAccount],
    regions: list[str],
    keys: list[QuotaKey],
    factory: SourceFactory,
) -> Collection:
    """Read ``keys`` (unbound) in every account; skip and report what fails."""
    out = Collection()
    for account in accounts:
        try:
            source = factory(account, regions)
            result = source.read(keys)
        except Exception as error:  # one account's failure must not stop the rest
            out.failures.append(
                {"account": account.account, "error": f"{type(error).__name__}: {error}"}
            )
            continue
        for asked, reading in result.readings.items():
            out.readings[reading.key if reading.key.account else asked] = reading
        for asked, unknown in result.unknown.items():
            out.failures.append(
                {"account": account.account, "quota": str(asked), "error": unknown.reason}
            )
    return out

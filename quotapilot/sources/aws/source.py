"""The AWS quota source: Service Quotas for limits, CloudWatch AWS/Usage for usage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from quotapilot.domain import Quota, QuotaKey, Reading, Unknown, Usage
from quotapilot.permissions import NO_RESOURCE_SCOPE, Needs
from quotapilot.sources.aws.clients import GLOBAL_REGION, AwsClients
from quotapilot.sources.aws.limits import read_service_limits
from quotapilot.sources.aws.usage import is_rate_quota, read_usage
from quotapilot.sources.base import SourceResult

if TYPE_CHECKING:
    import boto3
    from botocore.client import BaseClient


class AwsSource:
    """Reads AWS quota keys for one account, in the regions the keys name.

    ``regions`` limits where the source may read (a key elsewhere is unknown, not silently
    read from another region); None reads any region a key names. Global keys are read in
    ``us-east-1``, where Service Quotas and AWS/Usage keep them. ``role_arn`` reads another
    account through an assumed role.
    """

    #: The calls the source makes itself; its clients (:class:`AwsClients`) declare theirs.
    permissions: tuple[Needs, ...] = (
        Needs(
            ("servicequotas:ListServiceQuotas", "servicequotas:ListAWSDefaultServiceQuotas"),
            NO_RESOURCE_SCOPE,
            "limits per service; the Service Quotas list actions support no resource scope",
        ),
        Needs(
            ("cloudwatch:GetMetricData",),
            NO_RESOURCE_SCOPE,
            "AWS/Usage metrics; GetMetricData supports no resource scope",
        ),
    )
    builds = (AwsClients,)

    def __init__(
        self,
        *,
        regions: Iterable[str] | None = None,
        role_arn: str | None = None,
        external_id: str | None = None,
        account: str | None = None,
        session: boto3.Session | None = None,
        clients: Mapping[tuple[str, str], BaseClient] | None = None,
        include_rate_quotas: bool = False,
        with_usage: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.regions = list(regions) if regions else None
        self.include_rate_quotas = include_rate_quotas
        self.with_usage = with_usage
        self._clients = AwsClients(
            session=session, role_arn=role_arn, clients=clients, external_id=external_id
        )
        self._account = account
        self._clock = clock or (lambda: datetime.now(UTC))
        where = ",".join(self.regions) if self.regions else "any region"
        self.name = f"aws {account or role_arn or 'current account'} ({where})"

    @property
    def account(self) -> str:
        if self._account is None:
            self._account = self._clients.account_id()
        return self._account

    def read(self, keys: Iterable[QuotaKey]) -> SourceResult:
        result = SourceResult()
        # region -> service -> asked keys
        asked: dict[str, dict[str, list[QuotaKey]]] = defaultdict(lambda: defaultdict(list))
        for key in dict.fromkeys(keys):
            reason = self._refuse(key)
            if reason:
                result.unknown[key] = Unknown(reason)
            else:
                region = GLOBAL_REGION if key.is_global else key.region
                asked[region][key.service].append(key)
        if not asked:
            return result

        account = self.account
        now = self._clock()
        for region, services in asked.items():
            found: dict[QuotaKey, Quota] = {}
            try:
                quotas_client = self._clients.client("service-quotas", region)
            except Exception as exc:  # botocore's InvalidRegionError and kin: this region only
                for service_keys in services.values():
                    for key in service_keys:
                        result.unknown[key] = Unknown(f"can't read AWS region {region}: {exc}")
                continue
            for service, service_keys in services.items():
                limits = read_service_limits(
                    quotas_client,
                    service,
                    {key.code for key in service_keys},
                    region=region,
                    account=account,
                )
                for key in service_keys:
                    quota = limits.quotas.get(key.code)
                    if limits.error:
                        result.unknown[key] = Unknown(f"{limits.error} ({service} in {region})")
                    elif key.code in limits.unknown:
                        result.unknown[key] = Unknown(limits.unknown[key.code])
                    elif quota is None:
                        result.unknown[key] = Unknown(
                            f"Service Quotas has no quota {key.code} for {service} in {region}"
                        )
                    else:
                        # The reading keeps the key's own region ("global" stays global).
                        found[key] = _rebind(quota, key, account)
            self._add_usage(result, found, region, now)
        return result

    def _refuse(self, key: QuotaKey) -> str | None:
        if key.provider != "aws":
            return f"{self.name} reads AWS quotas only"
        if key.account and key.account != self.account:
            return f"{self.name} reads account {self.account}, not {key.account}"
        if self.regions and not key.is_global and key.region not in self.regions:
            return f"{self.name} does not read region {key.region}"
        return None

    def _add_usage(
        self, result: SourceResult, found: dict[QuotaKey, Quota], region: str, now: datetime
    ) -> None:
        measured = {
            key: quota
            for key, quota in found.items()
            if self.with_usage
            and quota.usage_metric
            and (self.include_rate_quotas or not is_rate_quota(quota))
        }
        usage: dict[QuotaKey, Usage | str] = {}
        if measured:
            client = self._clients.client("cloudwatch", region)
            usage = read_usage(client, measured.values(), now=now)
        for key, quota in found.items():
            measured_usage = usage.get(quota.key)
            if isinstance(measured_usage, str):
                # The limit alone would pass for "nothing in use": the key is unknown instead.
                result.unknown[key] = Unknown(f"{measured_usage} ({quota.key})")
            else:
                result.readings[key] = Reading(quota, measured_usage)


def _rebind(quota: Quota, key: QuotaKey, account: str) -> Quota:
    bound = QuotaKey("aws", key.service, key.code, key.region, account)
    return quota if quota.key == bound else replace(quota, key=bound)

"""Quota limits from AWS Service Quotas, read per service rather than per quota.

ListServiceQuotas returns every applied value of a service in pages of 100, and
ListAWSDefaultServiceQuotas the AWS defaults for the quotas that have no applied value (where
GetServiceQuota would answer NoSuchResource). Calls therefore scale with the number of services
asked about, not with the number of quotas.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from quotapilot.domain import Quota, QuotaKey, normalise_limit
from quotapilot.exceptions import SourceError

if TYPE_CHECKING:
    from botocore.client import BaseClient

PAGE_SIZE = 100  # the API's maximum MaxResults


@dataclass
class ServiceLimits:
    """What Service Quotas says about the asked-for codes of one service in one region."""

    quotas: dict[str, Quota] = field(default_factory=dict)  # by quota code
    #: Codes Service Quotas listed without a usable value, and why.
    unknown: dict[str, str] = field(default_factory=dict)
    #: Why the whole service could not be read, when it could not.
    error: str | None = None


def read_service_limits(
    client: BaseClient, service: str, codes: Iterable[str], *, region: str, account: str
) -> ServiceLimits:
    """Read the applied value (or else the AWS default) of ``codes`` in one service."""
    from botocore.exceptions import BotoCoreError, ClientError

    wanted = set(codes)
    result = ServiceLimits()
    try:
        applied = _list(client, "list_service_quotas", service)
        for raw in applied:
            if raw.get("QuotaCode") in wanted:
                _add(result, raw, service, region, account, default=None)
        missing = wanted - result.quotas.keys() - result.unknown.keys()
        if missing:
            for raw in _list(client, "list_aws_default_service_quotas", service):
                if raw.get("QuotaCode") in missing:
                    # A quota nobody changed: its limit is the default, and so is its default.
                    _add(result, raw, service, region, account, default=raw.get("Value"))
    except ClientError as exc:
        error = exc.response.get("Error", {})
        result.error = f"Service Quotas {error.get('Code', 'error')}: {error.get('Message', exc)}"
    except BotoCoreError as exc:
        result.error = f"Service Quotas unreachable: {exc}"
    return result


def _list(client: BaseClient, operation: str, service: str) -> list[dict[str, Any]]:
    paginator = client.get_paginator(operation)
    pages = paginator.paginate(ServiceCode=service, PaginationConfig={"PageSize": PAGE_SIZE})
    return [quota for page in pages for quota in page.get("Quotas", [])]


def _add(
    result: ServiceLimits,
    raw: dict[str, Any],
    service: str,
    region: str,
    account: str,
    *,
    default: float | None,
) -> None:
    code = raw["QuotaCode"]
    if raw.get("Value") is None:
        # Service Quotas has no "unlimited": a missing value is an error it couldn't resolve
        # (ErrorReason says which), never a limit of infinity.
        reason = raw.get("ErrorReason") or {}
        result.unknown[code] = (
            f"Service Quotas gave no value for {service}/{code}: "
            f"{reason.get('ErrorCode', 'no error code')} {reason.get('ErrorMessage', '')}".strip()
        )
        return
    result.quotas[code] = _quota(raw, service, region, account, default)


def _quota(
    raw: dict[str, Any], service: str, region: str, account: str, default: float | None
) -> Quota:
    key = QuotaKey("aws", service, raw["QuotaCode"], region, account)
    metric = raw.get("UsageMetric") or None
    try:
        limit = normalise_limit(raw["Value"])
        default_limit = normalise_limit(default) if default is not None else None
    except ValueError as error:
        # A corrupted answer must not turn into "unlimited" (or into zero): stop.
        raise SourceError(f"Service Quotas answered {error}", quota=str(key)) from None
    return Quota(
        key,
        limit,
        adjustable=raw.get("Adjustable"),
        default_limit=default_limit,
        name=raw.get("QuotaName", ""),
        unit=raw.get("Unit", ""),
        usage_metric=metric if metric and metric.get("MetricName") else None,
    )

"""The GCP quota source: Cloud Quotas ``QuotaInfo`` and Service Usage ``effectiveLimit``.

Per (project, service) it lists every QuotaInfo once (Cloud Quotas) and every consumer quota
metric once (Service Usage, v1beta1, FULL view), so calls scale with services, not quotas.

* Cloud Quotas names the quota (``CPUS-per-project-region``, the id plans use) and gives its
  value per dimension: a ``{"region": R}`` entry overrides the entry with no dimensions, which
  applies everywhere else.
* Service Usage gives the *effective* limit actually enforced (overrides included; ``-1`` is
  unlimited). It is matched to a QuotaInfo by metric and limit unit (``1/{project}/{region}``)
  and wins when both answer; when Service Usage can't be read, the Cloud Quotas value stands.

Usage is not read here (it lives in Cloud Monitoring); readings carry no usage.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from quotapilot.domain import Quota, QuotaKey, Reading, Unknown, normalise_limit
from quotapilot.exceptions import SourceError
from quotapilot.sources.base import SourceResult

if TYPE_CHECKING:
    from google.auth.credentials import Credentials
    from google.cloud.cloudquotas_v1 import CloudQuotasClient, QuotaInfo

logger = logging.getLogger(__name__)

PAGE_SIZE = 500


class GcpSource:
    """Reads GCP quota keys (service = API name, code = quota id) for one project."""

    def __init__(
        self,
        project: str,
        *,
        credentials: Credentials | None = None,
        quotas_client: CloudQuotasClient | None = None,
        serviceusage: Any | None = None,
        use_service_usage: bool = True,
    ) -> None:
        self.project = project
        self.name = f"gcp {project}"
        self.use_service_usage = use_service_usage
        self._credentials = credentials
        self._quotas_client = quotas_client
        self._serviceusage = serviceusage

    @property
    def quotas_client(self) -> CloudQuotasClient:
        if self._quotas_client is None:
            from google.cloud.cloudquotas_v1 import CloudQuotasClient

            self._quotas_client = CloudQuotasClient(credentials=self._credentials)
        return self._quotas_client

    @property
    def serviceusage(self) -> Any:
        """A googleapiclient Resource for serviceusage v1beta1 (static discovery, no fetch)."""
        if self._serviceusage is None:
            from googleapiclient.discovery import build

            self._serviceusage = build(
                "serviceusage",
                "v1beta1",
                credentials=self._credentials,
                static_discovery=True,
                cache_discovery=False,
            )
        return self._serviceusage

    def read(self, keys: Iterable[QuotaKey]) -> SourceResult:
        result = SourceResult()
        by_service: dict[str, list[QuotaKey]] = defaultdict(list)
        for key in dict.fromkeys(keys):
            if key.provider != "gcp":
                result.unknown[key] = Unknown(f"{self.name} reads GCP quotas only")
            elif key.account and key.account != self.project:
                reason = f"{self.name} reads {self.project}, not {key.account}"
                result.unknown[key] = Unknown(reason)
            else:
                by_service[key.service].append(key)
        for service, service_keys in by_service.items():
            self._read_service(service, service_keys, result)
        return result

    def _read_service(self, service: str, keys: list[QuotaKey], result: SourceResult) -> None:
        try:
            infos = {info.quota_id: info for info in self._quota_infos(service)}
        except Exception as exc:  # google.api_core raises many kinds; each means "can't read"
            reason = f"Cloud Quotas could not list {service} for {self.project}: {_short(exc)}"
            for key in keys:
                result.unknown[key] = Unknown(reason)
            return
        effective = self._effective_limits(service) if self.use_service_usage else {}
        for key in keys:
            info = infos.get(key.code)
            if info is None:
                result.unknown[key] = Unknown(
                    f"Cloud Quotas has no quota {key.code} for {service} in {self.project}"
                )
                continue
            answer = _limit_for(info, key.region, effective)
            if isinstance(answer, Unknown):
                result.unknown[key] = answer
                continue
            bound = QuotaKey("gcp", service, key.code, key.region, self.project)
            quota = Quota(
                bound,
                answer,
                adjustable=bool(info.quota_increase_eligibility.is_eligible) and not info.is_fixed,
                name=info.quota_display_name,
                unit=info.metric_unit,
            )
            result.readings[key] = Reading(quota)

    def _quota_infos(self, service: str) -> Iterator[QuotaInfo]:
        parent = f"projects/{self.project}/locations/global/services/{service}"
        # The pager fetches further pages itself.
        yield from self.quotas_client.list_quota_infos(
            request={"parent": parent, "page_size": PAGE_SIZE}
        )

    def _effective_limits(self, service: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """(metric, unit) -> quota buckets, or {} when Service Usage can't be read."""
        buckets: dict[tuple[str, str], list[dict[str, Any]]] = {}
        try:
            metrics = self.serviceusage.services().consumerQuotaMetrics()
            request = metrics.list(
                parent=f"projects/{self.project}/services/{service}",
                view="FULL",
                pageSize=PAGE_SIZE,
            )
            while request is not None:
                response = request.execute(num_retries=3)
                for metric in response.get("metrics", []):
                    for limit in metric.get("consumerQuotaLimits", []):
                        name = limit.get("metric") or metric.get("metric", "")
                        buckets[(name, limit.get("unit", ""))] = limit.get("quotaBuckets", [])
                request = metrics.list_next(request, response)
        except Exception as exc:  # HttpError, transport errors: the Cloud Quotas value stands
            logger.warning(
                "Service Usage effective limits unavailable for %s in %s: %s; "
                "using Cloud Quotas values",
                service,
                self.project,
                _short(exc),
            )
            return {}
        return buckets


def limit_unit(info: QuotaInfo) -> str:
    """The Service Usage limit unit of a QuotaInfo: ``1/{project}/{region}`` and the like."""
    container = info.container_type.name.lower() if info.container_type else "project"
    if container == "container_type_unspecified":
        container = "project"
    return "1/{" + container + "}" + "".join("/{" + d + "}" for d in info.dimensions)


def _limit_for(
    info: QuotaInfo, region: str, effective: Mapping[tuple[str, str], list[dict[str, Any]]]
) -> float | Unknown | None:
    buckets = effective.get((info.metric, limit_unit(info)))
    if buckets:
        chosen = _pick(buckets, region, lambda b: b.get("dimensions") or {})
        if chosen is not None and "effectiveLimit" in chosen:
            return _normalise(chosen["effectiveLimit"], info)
    chosen_info = _pick(list(info.dimensions_infos), region, lambda d: dict(d.dimensions))
    if chosen_info is None:
        return Unknown(f"Cloud Quotas gives {info.quota_id} no value for region {region}")
    return _normalise(chosen_info.details.value, info)


def _pick(candidates: list[Any], region: str, dimensions_of: Any) -> Any | None:
    """The entry for this region, else the dimensionless one that applies everywhere."""
    fallback = None
    for candidate in candidates:
        dimensions = dimensions_of(candidate)
        if dimensions.get("region") == region:
            return candidate
        if not dimensions:
            fallback = candidate
    return fallback


def _normalise(value: Any, info: QuotaInfo) -> float | Unknown | None:
    if isinstance(value, float) and not math.isfinite(value):
        # Never "unlimited" by accident: only -1 means that.
        raise SourceError(f"Cloud Quotas answered a limit of {value!r}", quota=info.quota_id)
    try:
        return normalise_limit(int(value))
    except (TypeError, ValueError) as exc:
        return Unknown(f"{info.quota_id} has an unreadable limit {value!r}: {exc}")


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__

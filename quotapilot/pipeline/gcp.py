"""GCP increases for the pipeline: Cloud Quotas quota preferences, filed and polled.

A preference is Google's desired state for one quota (service, quota id, region dimension).
Filing finds the project's existing preference for the quota first: a reconciling one that
already asks for enough is the open request; otherwise the preference is created or updated
(``allow_missing``: one idempotent call, under a name derived from the quota). Whether the
quota is adjustable and what its limit is come from :class:`~quotapilot.sources.gcp.GcpSource`,
the same reader the gate uses.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from quotapilot.domain import QuotaKey, Reading
from quotapilot.pipeline.polls import Poll, PollState, grant_visible
from quotapilot.pipeline.requests import IncreaseRequest, Status, with_status
from quotapilot.sources.gcp import GcpSource

if TYPE_CHECKING:
    from google.cloud.cloudquotas_v1 import CloudQuotasClient, QuotaPreference


def preference_id(key: QuotaKey) -> str:
    """quotapilot's preference name for a quota: lower case, digits and hyphens, <= 63."""
    where = "" if key.is_global else f"-{key.region}"
    slug = re.sub(r"[^a-z0-9]+", "-", f"quotapilot-{key.code}{where}".lower()).strip("-")
    return slug[:63].rstrip("-")


class GcpPreferences:
    """Files and polls quota preferences in one project."""

    #: The GCP IAM permissions these calls need (for the pipeline's service account).
    gcp_permissions = ("cloudquotas.quotas.get", "cloudquotas.quotas.update")

    def __init__(
        self,
        project: str,
        client: CloudQuotasClient | None = None,
        *,
        credentials: Any = None,
        contact_email: str | None = None,
    ) -> None:
        self.project = project
        self._client = client
        self._credentials = credentials
        self.contact_email = contact_email

    @property
    def client(self) -> CloudQuotasClient:
        if self._client is None:
            from google.cloud.cloudquotas_v1 import CloudQuotasClient

            self._client = CloudQuotasClient(credentials=self._credentials)
        return self._client

    @property
    def parent(self) -> str:
        return f"projects/{self.project}/locations/global"

    def _reading(self, key: QuotaKey) -> Reading | str:
        # Cloud Quotas only: its QuotaInfo moves when a preference is granted.
        source = GcpSource(self.project, quotas_client=self.client, use_service_usage=False)
        answer = source.read([key]).get(key)
        return answer if isinstance(answer, Reading) else str(getattr(answer, "reason", answer))

    def existing(self, key: QuotaKey) -> QuotaPreference | None:
        """The project's preference for this quota and region, whoever filed it."""
        wanted = {} if key.is_global else {"region": key.region}
        for preference in self.client.list_quota_preferences(request={"parent": self.parent}):
            if (
                preference.service == key.service
                and preference.quota_id == key.code
                and dict(preference.dimensions) == wanted
            ):
                return preference
        return None

    # -- filing ---------------------------------------------------------------------------

    def file(self, request: IncreaseRequest, justification: str) -> IncreaseRequest:
        from google.api_core.exceptions import GoogleAPIError

        try:
            return self._file(request, justification)
        except GoogleAPIError as error:
            return with_status(request, Status.FAILED, message=_short(error))

    def _file(self, request: IncreaseRequest, justification: str) -> IncreaseRequest:
        from google.cloud.cloudquotas_v1 import QuotaConfig, QuotaPreference

        key = request.key.in_account(self.project)
        reading = self._reading(key.unbound)
        if isinstance(reading, str):
            return with_status(request, Status.FAILED, message=reading)
        limit = reading.quota.limit
        request = replace(request, current_limit=limit)
        if limit is None or limit >= request.desired_limit:
            return with_status(request, Status.GRANTED, message="the limit already holds it")
        if reading.quota.adjustable is False:
            return with_status(
                request,
                Status.NOT_ADJUSTABLE,
                message="Google marks this quota as fixed or not eligible for increases",
            )
        # Preferences hold whole units; never ask for less than the plan needs.
        desired = math.ceil(request.desired_limit)
        found = self.existing(key)
        asks_enough = found is not None and found.quota_config.preferred_value >= desired
        if found is not None and found.reconciling and asks_enough:
            return with_status(
                request, Status.ALREADY_OPEN, found.name, "a preference is already reconciling"
            )
        name = found.name if found is not None else f"{self.parent}/quotaPreferences/"
        if found is None:
            name += preference_id(key)
        preference = QuotaPreference(
            name=name,
            service=key.service,
            quota_id=key.code,
            dimensions={} if key.is_global else {"region": key.region},
            quota_config=QuotaConfig(preferred_value=desired),
            justification=justification[:1000],
            contact_email=self.contact_email or "",
        )
        updated = self.client.update_quota_preference(
            request={"quota_preference": preference, "allow_missing": True}
        )
        return with_status(request, Status.REQUESTED, updated.name or name)

    # -- polling --------------------------------------------------------------------------

    def poll(self, request: IncreaseRequest) -> Poll:
        preference = self.client.get_quota_preference(request={"name": request.request_id})
        if preference.reconciling:
            return Poll(PollState.PENDING, "reconciling")
        granted = preference.quota_config.granted_value
        detail = preference.quota_config.state_detail or f"granted {granted}"
        if granted < request.desired_limit:
            return Poll(PollState.DENIED, f"reconciled: {detail}", float(granted))
        reading = self._reading(request.key.unbound)
        if isinstance(reading, str):
            return Poll(PollState.PENDING, f"reconciled; quota unreadable: {reading}")
        return grant_visible(request, reading.quota.limit, "reconciled")


def _short(error: BaseException) -> str:
    return " ".join(str(error).split())[:300] or type(error).__name__

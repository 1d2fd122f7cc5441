"""Where the pipeline's cloud clients come from.

The CLI commands call :func:`connect`; tests replace it with a :class:`Clouds` holding clients
wrapped in botocore's Stubber and a Cloud Quotas client on a recorded transport. Clients are
made lazily (``--dry-run`` and ``--help`` never touch a credential) with the standard retry
mode the engine uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from quotapilot.pipeline.regions import AWS_HOME_REGION, aws_region

if TYPE_CHECKING:
    from google.cloud.cloudquotas_v1 import CloudQuotasClient

    from quotapilot.pipeline.requests import IncreaseRequest


class Clouds:
    """Hands out one client per (AWS service, region), and one Cloud Quotas client."""

    def __init__(
        self,
        *,
        session: Any = None,
        aws: Mapping[tuple[str, str], Any] | None = None,
        cloud_quotas: CloudQuotasClient | None = None,
        gcp_credentials: Any = None,
    ) -> None:
        self._session = session
        self._aws: dict[tuple[str, str], Any] = dict(aws or {})
        self._cloud_quotas = cloud_quotas
        self._gcp_credentials = gcp_credentials
        self._increases: dict[tuple[str, str], Any] = {}

    def aws(self, service: str, region: str) -> Any:
        key = (service, aws_region(region))
        if key not in self._aws:
            from quotapilot.engine.aws import make_client

            self._aws[key] = make_client(service, session=self._session, region=key[1])
        return self._aws[key]

    def increases_for(self, request: IncreaseRequest, contact_email: str = "") -> Any:
        """The filer and poller for ``request``'s provider, region or project (cached)."""
        slot = (request.provider, request.account if request.provider == "gcp" else request.region)
        if slot not in self._increases:
            if request.provider == "gcp":
                from quotapilot.pipeline.gcp import GcpPreferences

                self._increases[slot] = GcpPreferences(
                    request.account, self.cloud_quotas(), contact_email=contact_email or None
                )
            else:
                from quotapilot.pipeline.aws import AwsIncreases

                self._increases[slot] = AwsIncreases(
                    request.region,
                    self.aws("service-quotas", request.region),
                    support=self.aws("support", AWS_HOME_REGION),
                )
        return self._increases[slot]

    def cloud_quotas(self) -> CloudQuotasClient:
        if self._cloud_quotas is None:
            from google.cloud.cloudquotas_v1 import CloudQuotasClient

            self._cloud_quotas = CloudQuotasClient(credentials=self._gcp_credentials)
        return self._cloud_quotas


def connect() -> Clouds:
    """The clouds the CLI talks to: the environment's default credentials."""
    return Clouds()

"""The GCP source against recorded responses, through the client libraries' own transports."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from google.auth.credentials import AnonymousCredentials
from google.cloud.cloudquotas_v1 import CloudQuotasClient
from google.cloud.cloudquotas_v1.services.cloud_quotas.transports.rest import (
    CloudQuotasRestTransport,
)
from googleapiclient.discovery import build
from googleapiclient.http import HttpMockSequence

from quotapilot.domain import QuotaKey
from quotapilot.sources import QuotaSource, open_source
from quotapilot.sources.gcp import GcpSource

RECORDINGS = Path(__file__).parent / "recordings"
COMPUTE = "compute.googleapis.com"
PROJECT = "my-project"


def recording(name: str) -> str:
    return (RECORDINGS / name).read_text()


class RecordedAdapter(requests.adapters.BaseAdapter):
    """Answers the Cloud Quotas REST transport from recorded bodies, in order."""

    def __init__(self, answers: list[tuple[int, str]]) -> None:
        super().__init__()
        self.answers = list(answers)
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.requests.append(request)
        status, body = self.answers.pop(0)
        response = requests.Response()
        response.status_code = status
        response._content = body.encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


def quotas_client(adapter: RecordedAdapter) -> CloudQuotasClient:
    transport = CloudQuotasRestTransport(credentials=AnonymousCredentials())
    transport._session.mount("https://", adapter)
    return CloudQuotasClient(transport=transport)


def serviceusage(*bodies: tuple[str, str]):
    http = HttpMockSequence([({"status": status}, body) for status, body in bodies])
    return build("serviceusage", "v1beta1", http=http, static_discovery=True), http


def key(code: str, region: str = "us-central1") -> QuotaKey:
    return QuotaKey("gcp", COMPUTE, code, region)


CPUS, NETWORKS, SSD = (
    "CPUS-per-project-region",
    "NETWORKS-per-project",
    "SSD-TOTAL-GB-per-project-region",
)


@pytest.fixture
def cloud_quotas():
    return RecordedAdapter(
        [
            (200, recording("cloudquotas_compute_page1.json")),
            (200, recording("cloudquotas_compute_page2.json")),
        ]
    )


def test_effective_limit_wins_and_regions_resolve(cloud_quotas):
    usage_api, http = serviceusage(("200", recording("serviceusage_compute.json")))
    source = GcpSource(PROJECT, quotas_client=quotas_client(cloud_quotas), serviceusage=usage_api)
    assert isinstance(source, QuotaSource)
    central, east = key(CPUS), key(CPUS, "us-east1")
    networks, ssd = key(NETWORKS, "global"), key(SSD)
    result = source.read([central, east, networks, ssd])

    assert not cloud_quotas.answers and not http._iterable  # every recording was used
    first = urlsplit(cloud_quotas.requests[0].url)
    assert first.path == f"/v1/projects/{PROJECT}/locations/global/services/{COMPUTE}/quotaInfos"
    assert parse_qs(urlsplit(cloud_quotas.requests[1].url).query)["pageToken"] == ["page-2"]
    uri = http.request_sequence[0][0]
    assert f"v1beta1/projects/{PROJECT}/services/{COMPUTE}/consumerQuotaMetrics" in uri
    assert "view=FULL" in uri

    # Service Usage's enforced value (an override to 96) beats Cloud Quotas' 72.
    assert result.readings[central].quota.limit == 96.0
    assert result.readings[central].quota.key == central.in_account(PROJECT)
    assert result.readings[east].quota.limit == 24.0  # the dimensionless bucket applies
    assert result.readings[networks].quota.limit is None  # effectiveLimit -1: unlimited
    # No Service Usage entry for SSD: Cloud Quotas' -1 stands, also unlimited.
    assert result.readings[ssd].quota.unlimited
    assert result.readings[ssd].quota.adjustable is False
    assert result.readings[central].quota.adjustable is True
    assert result.readings[central].quota.name == "CPUs per project per region"
    assert result.readings[central].usage is None
    assert not result.unknown


def test_cloud_quotas_values_stand_when_service_usage_fails(cloud_quotas, caplog):
    error = json.dumps({"error": {"code": 403, "message": "Service Usage API disabled"}})
    usage_api, _ = serviceusage(("403", error))
    source = GcpSource(PROJECT, quotas_client=quotas_client(cloud_quotas), serviceusage=usage_api)
    central, networks = key(CPUS), key(NETWORKS, "global")
    result = source.read([central, networks])
    assert result.readings[central].quota.limit == 72.0
    assert result.readings[networks].quota.limit == 15.0
    assert "Service Usage effective limits unavailable" in caplog.text


def test_cloud_quotas_error_makes_the_service_unknown():
    denied = json.dumps(
        {
            "error": {
                "code": 403,
                "message": "Cloud Quotas API not enabled",
                "status": "PERMISSION_DENIED",
            }
        }
    )
    adapter = RecordedAdapter([(403, denied)])
    source = GcpSource(PROJECT, quotas_client=quotas_client(adapter), use_service_usage=False)
    result = source.read([key(CPUS)])
    reason = result.unknown[key(CPUS)].reason
    assert "Cloud Quotas could not list compute.googleapis.com" in reason
    assert "Cloud Quotas API not enabled" in reason


def test_unknown_code_and_region_without_value(cloud_quotas):
    source = GcpSource(PROJECT, quotas_client=quotas_client(cloud_quotas), use_service_usage=False)
    missing, ssd_east = key("NOPE"), key(SSD, "us-east1")
    result = source.read([missing, ssd_east, key(CPUS)])
    assert "no quota NOPE" in result.unknown[missing].reason
    assert "no value for region us-east1" in result.unknown[ssd_east].reason
    assert result.readings[key(CPUS)].quota.limit == 72.0


def test_refuses_other_provider_and_project():
    source = GcpSource(PROJECT, quotas_client=object(), serviceusage=object())
    aws = QuotaKey("aws", "lambda", "L-B99A9384", "us-east-1")
    other = key(CPUS).in_account("other-project")
    result = source.read([aws, other])
    assert "GCP quotas only" in result.unknown[aws].reason
    assert "not other-project" in result.unknown[other].reason


def test_open_source_gcp_is_lazy():
    source = open_source("gcp:my-project")
    assert isinstance(source, GcpSource)
    assert source.project == PROJECT and source._quotas_client is None

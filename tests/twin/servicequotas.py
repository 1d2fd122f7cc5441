"""A small Service Quotas on 127.0.0.1, for the operations moto doesn't implement.

It speaks the service's JSON 1.1 protocol (``X-Amz-Target: ServiceQuotasV20190624.<Op>``), so
the engine's real boto3 client, pointed at it with ``AWS_ENDPOINT_URL_SERVICE_QUOTAS``, parses
its answers with the real API model. State: applied quota values (with their AWS/Usage
metric), and the increase requests made, which the twin decides (approve or deny) as AWS would.
Service Quotas is regional: each call is answered for the region its signature names, so a
quota appears in every region asked about, with that region's ARN.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ACCOUNT = "123456789012"
TARGET_PREFIX = "ServiceQuotasV20190624."


@dataclass
class FakeQuota:
    service: str
    code: str
    name: str
    value: float
    default: float
    adjustable: bool = True
    #: AWS/Usage dimensions (Service, Type, Resource, Class), as Service Quotas reports them.
    dimensions: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeRequest:
    id: str
    service: str
    code: str
    region: str
    desired: float
    status: str = "PENDING"
    case_id: str = ""
    created: float = 0.0


class ServiceQuotasState:
    def __init__(self, region: str = "us-east-1") -> None:
        #: The region the call being answered was signed for (calls are answered one at a
        #: time, under the lock).
        self.region = region
        self.quotas: dict[tuple[str, str], FakeQuota] = {}
        self.requests: list[FakeRequest] = []
        self.calls: list[str] = []
        self._ids = itertools.count(1)
        self.lock = threading.Lock()

    def add(self, quota: FakeQuota) -> None:
        self.quotas[(quota.service, quota.code)] = quota

    def decide(self, request_id: str, approve: bool) -> None:
        """AWS's side of a request: granted (the quota's value changes) or denied."""
        with self.lock:
            request = next(r for r in self.requests if r.id == request_id)
            request.status = "APPROVED" if approve else "DENIED"
            if approve:
                self.quotas[(request.service, request.code)].value = request.desired

    # Operations --------------------------------------------------------------------------

    def _quota_json(self, quota: FakeQuota, value: float) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "ServiceCode": quota.service,
            "ServiceName": quota.service,
            "QuotaArn": (
                f"arn:aws:servicequotas:{self.region}:{ACCOUNT}:{quota.service}/{quota.code}"
            ),
            "QuotaCode": quota.code,
            "QuotaName": quota.name,
            "Value": value,
            "Unit": "None",
            "Adjustable": quota.adjustable,
            "GlobalQuota": False,
        }
        if quota.dimensions:
            answer["UsageMetric"] = {
                "MetricNamespace": "AWS/Usage",
                "MetricName": "ResourceCount",
                "MetricDimensions": dict(quota.dimensions),
                "MetricStatisticRecommendation": "Maximum",
            }
        return answer

    def _request_json(self, request: FakeRequest) -> dict[str, Any]:
        quota = self.quotas[(request.service, request.code)]
        return {
            "Id": request.id,
            "CaseId": request.case_id,
            "ServiceCode": request.service,
            "ServiceName": request.service,
            "QuotaCode": request.code,
            "QuotaName": quota.name,
            "DesiredValue": request.desired,
            "Status": request.status,
            "Created": request.created,
            "LastUpdated": request.created,
            "Requester": f"arn:aws:iam::{ACCOUNT}:role/quotapilot",
            "QuotaArn": f"arn:aws:servicequotas:{request.region}:{ACCOUNT}:"
            f"{request.service}/{request.code}",
            "GlobalQuota": False,
            "Unit": "None",
        }

    def ListServiceQuotas(self, body: dict) -> dict:
        service = body["ServiceCode"]
        quotas = [q for q in self.quotas.values() if q.service == service]
        return {"Quotas": [self._quota_json(q, q.value) for q in quotas]}

    def ListAWSDefaultServiceQuotas(self, body: dict) -> dict:
        service = body["ServiceCode"]
        quotas = [q for q in self.quotas.values() if q.service == service]
        return {"Quotas": [self._quota_json(q, q.default) for q in quotas]}

    def GetServiceQuota(self, body: dict) -> dict:
        quota = self.quotas.get((body["ServiceCode"], body["QuotaCode"]))
        if quota is None:
            raise FakeError("NoSuchResourceException", "no such quota")
        return {"Quota": self._quota_json(quota, quota.value)}

    def RequestServiceQuotaIncrease(self, body: dict) -> dict:
        key = (body["ServiceCode"], body["QuotaCode"])
        quota = self.quotas.get(key)
        if quota is None:
            raise FakeError("NoSuchResourceException", "no such quota")
        if not quota.adjustable:
            raise FakeError("QuotaExceededException", "the quota is not adjustable")
        if any(
            r.service == key[0] and r.code == key[1] and r.status in ("PENDING", "CASE_OPENED")
            for r in self.requests
        ):
            raise FakeError("ResourceAlreadyExistsException", "a request is already open")
        request = FakeRequest(
            id=f"sq-{next(self._ids):06d}",
            service=key[0],
            code=key[1],
            region=self.region,
            desired=float(body["DesiredValue"]),
            created=datetime.now(UTC).timestamp(),
        )
        self.requests.append(request)
        return {"RequestedQuota": self._request_json(request)}

    def ListRequestedServiceQuotaChangeHistoryByQuota(self, body: dict) -> dict:
        found = [
            r
            for r in self.requests
            if r.service == body["ServiceCode"]
            and r.code == body["QuotaCode"]
            and ("Status" not in body or r.status == body["Status"])
        ]
        return {"RequestedQuotas": [self._request_json(r) for r in found]}

    def ListRequestedServiceQuotaChangeHistory(self, body: dict) -> dict:
        found = [
            r
            for r in self.requests
            if ("ServiceCode" not in body or r.service == body["ServiceCode"])
            and ("Status" not in body or r.status == body["Status"])
        ]
        return {"RequestedQuotas": [self._request_json(r) for r in found]}

    def GetRequestedServiceQuotaChange(self, body: dict) -> dict:
        request = next((r for r in self.requests if r.id == body["RequestId"]), None)
        if request is None:
            raise FakeError("NoSuchResourceException", "no such request")
        return {"RequestedQuota": self._request_json(request)}

    def CreateSupportCase(self, body: dict) -> dict:
        request = next((r for r in self.requests if r.id == body["RequestId"]), None)
        if request is None:
            raise FakeError("NoSuchResourceException", "no such request")
        request.status, request.case_id = "CASE_OPENED", f"case-{request.id}"
        return {}


class FakeError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class _Handler(BaseHTTPRequestHandler):
    state: ServiceQuotasState

    def do_POST(self) -> None:
        operation = self.headers.get("X-Amz-Target", "").removeprefix(TARGET_PREFIX)
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        answer = getattr(self.state, operation, None)
        signed = re.search(
            r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/", self.headers.get("Authorization", "")
        )
        with self.state.lock:
            if signed:
                self.state.region = signed.group(1)
            self.state.calls.append(operation)
            try:
                if answer is None or not operation[:1].isupper():
                    raise FakeError("UnknownOperationException", operation)
                status, payload = 200, answer(body)
            except FakeError as error:
                status, payload = 400, {"__type": error.code, "message": error.message}
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:  # quiet
        return


class FakeServiceQuotas:
    """The server, on a free port of 127.0.0.1, in a daemon thread."""

    def __init__(self, state: ServiceQuotasState | None = None) -> None:
        self.state = state or ServiceQuotasState()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> FakeServiceQuotas:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

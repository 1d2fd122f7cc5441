"""Test doubles for the engine: a quota source, a forecaster, an in-memory Service Quotas
endpoint behind a real client (botocore validates every request against the API model and
parses every response), and fault injection through ``before-send``."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from botocore.awsrequest import AWSResponse

from quotapilot.domain import Quota, QuotaKey, Reading, Unknown, Usage
from quotapilot.forecast.base import Forecast, Series
from quotapilot.sources.base import SourceResult


class FakeSource:
    """Readings for one account from a dict of unbound key -> (limit, usage)."""

    def __init__(
        self,
        account: str,
        values: dict[QuotaKey, tuple[float | None, float]],
        *,
        adjustable: bool = True,
    ) -> None:
        self.name = f"fake {account}"
        self.account = account
        self.values = values
        self.adjustable = adjustable
        self.at = datetime(2026, 11, 25, 12, tzinfo=UTC)  # when the usage was measured

    def read(self, keys: Iterable[QuotaKey]) -> SourceResult:
        result = SourceResult()
        for key in keys:
            if key not in self.values:
                result.unknown[key] = Unknown("not in the fake")
                continue
            limit, usage = self.values[key]
            bound = key.in_account(self.account)
            quota = Quota(bound, limit, adjustable=self.adjustable)
            result.readings[key] = Reading(quota, Usage(bound, usage, self.at))
        return result


class GrowthForecaster:
    """predicted = last value x growth; records the batch sizes it was called with."""

    def __init__(self, growth: float = 1.0) -> None:
        self.growth = growth
        self.batches: list[int] = []
        self.horizons: list[float] = []

    def forecast(self, series: Sequence[Series], horizon_s: float) -> list[Forecast]:
        self.batches.append(len(series))
        self.horizons.append(horizon_s)
        return [
            Forecast(
                s.key,
                horizon_s,
                s.values[-1] * self.growth,
                s.values[-1] * self.growth * 1.1,
                None,
                0.9,
                "fake",
            )
            for s in series
        ]


def _json_response(request: Any, status: int, body: dict[str, Any]) -> AWSResponse:
    return AWSResponse(
        request.url,
        status,
        {"Content-Type": "application/x-amz-json-1.1"},
        _Raw(json.dumps(body).encode()),
    )


class _Raw:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any):
        yield self.data


#: Set while a FaultInjector fails the call being sent (botocore runs every before-send
#: handler, so the handlers that would answer it must stand down).
_FAULTING: dict[str, bool] = {"now": False, "moto_was": False}


class ServiceQuotasEndpoint:
    """Just enough of Service Quotas for increase requests, shared by every client it is
    attached to (so overlapping runs see the same requests)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.support_cases: list[str] = []
        self.created = 1_795_608_000  # 2026-11-25T12:00Z, the tests' "now"
        self._lock = threading.Lock()

    def attach(self, client: Any) -> Any:
        # moto (when active) would answer first and has no such API: take its place.
        from moto.core.models import botocore_stubber

        client.meta.events.unregister("before-send", botocore_stubber)
        client.meta.events.register_first("before-send", self._handle)
        return client

    def _handle(self, request: Any, **_: Any) -> AWSResponse | None:
        if _FAULTING["now"]:  # a FaultInjector failed this call: it never arrives
            return None
        operation = (
            request.headers["X-Amz-Target"].decode().split(".")[-1]
            if isinstance(request.headers["X-Amz-Target"], bytes)
            else request.headers["X-Amz-Target"].split(".")[-1]
        )
        body = json.loads(request.body or b"{}")
        with self._lock:
            if operation == "RequestServiceQuotaIncrease":
                if any(
                    r["QuotaCode"] == body["QuotaCode"]
                    and r["ServiceCode"] == body["ServiceCode"]
                    and r["Status"] in ("PENDING", "CASE_OPENED")
                    for r in self.requests
                ):
                    return _json_response(
                        request,
                        400,
                        {
                            "__type": "ResourceAlreadyExistsException",
                            "Message": "open request exists",
                        },
                    )
                item = {
                    "Id": f"req-{len(self.requests) + 1}",
                    "ServiceCode": body["ServiceCode"],
                    "QuotaCode": body["QuotaCode"],
                    "DesiredValue": body["DesiredValue"],
                    "Status": "PENDING",
                    "Created": self.created,
                }
                self.requests.append(item)
                return _json_response(request, 200, {"RequestedQuota": item})
            if operation == "ListRequestedServiceQuotaChangeHistoryByQuota":
                found = [
                    r
                    for r in self.requests
                    if r["ServiceCode"] == body["ServiceCode"]
                    and r["QuotaCode"] == body["QuotaCode"]
                ]
                return _json_response(request, 200, {"RequestedQuotas": found})
            if operation == "ListRequestedServiceQuotaChangeHistory":
                found = [r for r in self.requests if r["Status"] == body.get("Status", r["Status"])]
                return _json_response(request, 200, {"RequestedQuotas": found})
            if operation == "CreateSupportCase":
                self.support_cases.append(body["RequestId"])
                for r in self.requests:
                    if r["Id"] == body["RequestId"]:
                        r["Status"] = "CASE_OPENED"
                return _json_response(request, 200, {})
        return _json_response(
            request, 400, {"__type": "ValidationException", "Message": f"fake has no {operation}"}
        )


_THROTTLE_XML = (
    b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
    b"<Message>Rate exceeded</Message></Error><RequestId>x</RequestId></ErrorResponse>"
)


class FaultInjector:
    """Fails a share of calls (half throttling, half 5xx) before they are sent: the service
    never sees them, exactly like a throttled or failed call."""

    def __init__(self, rate: float = 0.2, seed: int = 7) -> None:
        self.rate = rate
        self.random = random.Random(seed)
        self.injected = 0
        self.calls = 0
        self._lock = threading.Lock()

    def attach(self, client: Any) -> Any:
        """Fail calls before whatever answers them (moto, or a fake registered earlier).

        botocore calls EVERY before-send handler and uses the first response, so a fault must
        also keep moto from carrying the call out: moto is switched off for that one emit and
        back on by a handler that runs last.
        """
        client.meta.events.register_first("before-send", self._maybe_fail)
        client.meta.events.register_last("before-send", self._moto_back_on)
        return client

    @staticmethod
    def _moto_back_on(**_: Any) -> None:
        from moto.core.models import botocore_stubber

        if _FAULTING["now"]:
            botocore_stubber.enabled = _FAULTING["moto_was"]
            _FAULTING["now"] = False

    def _maybe_fail(self, request: Any, **_: Any) -> AWSResponse | None:
        with self._lock:
            self.calls += 1
            if self.random.random() >= self.rate:
                return None
            self.injected += 1
            throttle = self.random.random() < 0.5
        from moto.core.models import botocore_stubber

        # The call never reaches the service: not moto, not the Service Quotas fake.
        _FAULTING.update(now=True, moto_was=botocore_stubber.enabled)
        botocore_stubber.enabled = False
        if not throttle:
            return AWSResponse(request.url, 503, {}, _Raw(b""))
        if (
            b"Action=" in (request.body or b"")
            if isinstance(request.body, bytes)
            else "Action=" in str(request.body or "")
        ):
            return AWSResponse(request.url, 400, {"Content-Type": "text/xml"}, _Raw(_THROTTLE_XML))
        return _json_response(
            request, 400, {"__type": "ThrottlingException", "message": "Rate exceeded"}
        )

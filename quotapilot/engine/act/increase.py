"""Quota increase requests through Service Quotas, idempotent across retries and overlapping
runs, with the support-case path for requests AWS leaves pending.

Before asking, the requester (1) looks for an open request for the quota
(ListRequestedServiceQuotaChangeHistoryByQuota) and (2) takes a DynamoDB conditional lock per
key and desired value; only the holder of the lock calls RequestServiceQuotaIncrease, with
``SupportCaseAllowed`` so that AWS may open the case itself. A request still PENDING after
``pending_case_after`` gets the support case Service Quotas offers (CreateSupportCase); if that
fails, a Support API case (CreateCase) is the fallback.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from quotapilot import permissions as p
from quotapilot.domain import QuotaKey
from quotapilot.engine.aws import UsesAws, error_code, from_item, make_client
from quotapilot.permissions import Needs

OPEN_STATUSES = ("PENDING", "CASE_OPENED")
#: A lock without a request id older than this belongs to a run that died mid-way.
STALE_LOCK = timedelta(minutes=15)
LOCK_TTL = timedelta(days=30)


@dataclass(frozen=True)
class IncreaseOutcome:
    status: str  # requested | already_open | already_requested | in_flight | case_opened
    request_id: str = ""
    case_id: str = ""
    desired: float = 0.0

    @property
    def new_request(self) -> bool:
        return self.status == "requested"


class RequestLocks(UsesAws):
    """One item per key and desired value in the monitoring table."""

    service = "dynamodb"
    permissions = (
        Needs(
            ("dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem"),
            p.TABLE_MONITORING,
            "lock an increase request per quota and desired value (conditional writes)",
        ),
    )

    def __init__(self, table: str, client: Any = None, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.table = table

    @staticmethod
    def _key(key: QuotaKey, desired: float) -> dict[str, Any]:
        return {"pk": {"S": f"lock#{key}#{desired:g}"}, "sk": {"S": "increase"}}

    def acquire(
        self, key: QuotaKey, desired: float, now: datetime, owner: str = ""
    ) -> dict[str, Any] | None:
        """Take the lock; on failure return the holder's item (it may carry a request id).

        ``owner`` names who asks, when the same asker may come back after dying (the approval
        workflow's retries, under the approval's request id): it may retake its own lock at
        once instead of waiting for it to go stale.
        """
        from botocore.exceptions import ClientError

        stamp = now.timestamp()
        # Free, or held by a run that died before it got a request id (one that is stale, or
        # an earlier attempt of the same owner).
        condition = (
            "attribute_not_exists(claimed_at) OR "
            "(attribute_not_exists(request_id) AND (claimed_at < :stale OR #owner = :owner))"
        )
        try:
            self.client.update_item(
                TableName=self.table,
                Key=self._key(key, desired),
                UpdateExpression="SET claimed_at = :now, #owner = :owner, #ttl = :ttl",
                ConditionExpression=condition,
                ExpressionAttributeNames={"#ttl": "ttl", "#owner": "owner"},
                ExpressionAttributeValues={
                    ":now": {"N": repr(stamp)},
                    ":stale": {"N": repr(stamp - STALE_LOCK.total_seconds())},
                    ":ttl": {"N": str(int(stamp + LOCK_TTL.total_seconds()))},
                    # an anonymous asker matches no one, not even another anonymous one
                    ":owner": {"S": owner or f"anonymous#{uuid.uuid4().hex}"},
                },
            )
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise
            held = self.client.get_item(
                TableName=self.table, Key=self._key(key, desired), ConsistentRead=True
            )
            return from_item(held.get("Item", {})) or {"claimed_at": stamp}
        return None

    def claim_case(self, request_id: str, now: datetime) -> bool:
        """True once per request id: only one run opens a support case for it."""
        from botocore.exceptions import ClientError

        try:
            self.client.put_item(
                TableName=self.table,
                Item={
                    "pk": {"S": f"case#{request_id}"},
                    "sk": {"S": "support"},
                    "claimed_at": {"N": repr(now.timestamp())},
                    "ttl": {"N": str(int((now + LOCK_TTL).timestamp()))},
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def note(self, key: QuotaKey, desired: float, **values: str) -> None:
        names = {f"#{k}": k for k in values}
        self.client.update_item(
            TableName=self.table,
            Key=self._key(key, desired),
            UpdateExpression="SET " + ", ".join(f"#{k} = :{k}" for k in values),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={f":{k}": {"S": v} for k, v in values.items()},
        )


class IncreaseRequester(UsesAws):
    """Requests increases in one account and region (the session is the member account's)."""

    service = "service-quotas"
    permissions = (
        Needs(
            (
                "servicequotas:ListRequestedServiceQuotaChangeHistoryByQuota",
                "servicequotas:ListRequestedServiceQuotaChangeHistory",
                "servicequotas:RequestServiceQuotaIncrease",
                "servicequotas:CreateSupportCase",
            ),
            p.NO_RESOURCE_SCOPE,
            "request history lists support no resource scope; requests name quota ARNs in "
            "member accounts the stack does not know",
        ),
        Needs(
            ("support:CreateCase",),
            p.NO_RESOURCE_SCOPE,
            "AWS Support actions support no resource-level permissions",
        ),
    )

    def __init__(
        self,
        locks: RequestLocks,
        client: Any = None,
        *,
        support: Any = None,
        support_factory: Callable[[], Any] | None = None,
        pending_case_after: timedelta = timedelta(hours=24),
        **kwargs: Any,
    ) -> None:
        super().__init__(client, **kwargs)
        self.locks = locks
        self._support = support
        self._support_factory = support_factory
        self.pending_case_after = pending_case_after

    @property
    def support(self) -> Any:
        if self._support is None and self._support_factory is not None:
            self._support = self._support_factory()
        if self._support is None:
            # The Support API has one endpoint, in us-east-1.
            self._support = make_client("support", session=self._session, region="us-east-1")
        return self._support

    def open_quotas(self) -> set[tuple[str, str]]:
        """(service, quota code) of every open request in the account and region: two paged
        listings, instead of a call per quota."""
        found: set[tuple[str, str]] = set()
        for status in OPEN_STATUSES:
            pages = self.client.get_paginator("list_requested_service_quota_change_history")
            for page in pages.paginate(Status=status):
                found |= {
                    (r["ServiceCode"], r["QuotaCode"]) for r in page.get("RequestedQuotas", [])
                }
        return found

    def open_requests(self, key: QuotaKey) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        paginator = self.client.get_paginator(
            "list_requested_service_quota_change_history_by_quota"
        )
        for page in paginator.paginate(ServiceCode=key.service, QuotaCode=key.code):
            found += [
                r for r in page.get("RequestedQuotas", []) if r.get("Status") in OPEN_STATUSES
            ]
        return found

    def request(
        self,
        key: QuotaKey,
        desired: float,
        *,
        reason: str = "",
        now: datetime | None = None,
        owner: str = "",
    ) -> IncreaseOutcome:
        from botocore.exceptions import ClientError

        now = now or datetime.now(UTC)
        for request in self.open_requests(key):
            case = self._case_for_pending(key, request, reason, now)
            return IncreaseOutcome(
                "case_opened" if case else "already_open",
                str(request.get("Id", "")),
                case or str(request.get("CaseId", "")),
                float(request.get("DesiredValue", 0.0)),
            )
        held = self.locks.acquire(key, desired, now, owner)
        if held is not None:
            status = "already_requested" if held.get("request_id") else "in_flight"
            return IncreaseOutcome(status, str(held.get("request_id", "")), desired=desired)
        try:
            response = self.client.request_service_quota_increase(
                ServiceCode=key.service,
                QuotaCode=key.code,
                DesiredValue=float(desired),
                SupportCaseAllowed=True,
            )
        except ClientError as error:
            if error_code(error) != "ResourceAlreadyExistsException":
                raise
            # A concurrent request (ours, whose response was lost, or a person's) is open.
            existing = self.open_requests(key)
            request_id = str(existing[0].get("Id", "")) if existing else ""
            if request_id:
                self.locks.note(key, desired, request_id=request_id)
            return IncreaseOutcome("already_open", request_id, desired=desired)
        requested = response.get("RequestedQuota", {})
        request_id = str(requested.get("Id", ""))
        self.locks.note(
            key, desired, request_id=request_id, status=str(requested.get("Status", ""))
        )
        return IncreaseOutcome("requested", request_id, str(requested.get("CaseId") or ""), desired)

    def _case_for_pending(
        self, key: QuotaKey, request: dict[str, Any], reason: str, now: datetime
    ) -> str:
        """Open the support case for a request AWS has left pending too long; "" otherwise."""
        from botocore.exceptions import ClientError

        created = request.get("Created")
        if (
            request.get("Status") != "PENDING"
            or request.get("CaseId")
            or not isinstance(created, datetime)
        ):
            return ""
        if now - created.astimezone(UTC) < self.pending_case_after:
            return ""
        request_id = str(request["Id"])
        if not self.locks.claim_case(request_id, now):
            return ""
        try:
            self.client.create_support_case(RequestId=request_id)
        except ClientError as error:
            if error_code(error) in ("ThrottlingException", "TooManyRequestsException"):
                raise
            why = (
                f"Service Quotas request {request_id} has been pending since "
                f"{created.isoformat()}. {reason}"
            )
            case = self.support.create_case(
                **support_case_fields(key, request.get("DesiredValue"), why)
            )
            return str(case.get("caseId", ""))
        return f"service-quotas:{request_id}"


def support_case_subject(key: QuotaKey) -> str:
    """One subject per quota: the engine and ``quotapilot request`` find each other's cases."""
    return f"Quota increase: {key.service} {key.code} in {key.region}"


def support_case_fields(key: QuotaKey, desired: Any, why: str) -> dict[str, str]:
    """The Support API CreateCase arguments for raising ``key`` to ``desired``."""
    return {
        "subject": support_case_subject(key),
        "serviceCode": "service-limit-increase",
        "categoryCode": "service-limit-increase",
        "severityCode": "normal",
        "communicationBody": (
            f"Please raise {key.service} quota {key.code} in {key.region} (account "
            f"{key.account or 'this account'}) to {desired}. {why}"
        ),
        "language": "en",
    }

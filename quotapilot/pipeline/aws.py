"""AWS increases for the pipeline: Service Quotas requests, Support cases for quotas the API
can't raise, and polling both until the new limit is visible.

Filing reuses the engine's :class:`~quotapilot.engine.act.increase.IncreaseRequester` (open-request
check, ``SupportCaseAllowed``, the lost-response race) and its Support case text. The engine's
DynamoDB lock is replaced by :class:`RunLocks`: a pipeline has no table, and the open-request
listing by quota is what keeps two runs from asking twice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from quotapilot import permissions as p
from quotapilot.domain import QuotaKey
from quotapilot.engine.act.increase import (
    IncreaseRequester,
    support_case_fields,
    support_case_subject,
)
from quotapilot.engine.aws import UsesAws, error_code, make_client
from quotapilot.permissions import Needs
from quotapilot.pipeline.polls import Poll, PollState, grant_visible
from quotapilot.pipeline.regions import AWS_HOME_REGION, aws_region
from quotapilot.pipeline.requests import IncreaseRequest, Method, Status, with_status

#: Service Quotas says it is done with these requests and the limit did not move.
REFUSED = ("DENIED", "NOT_APPROVED", "INVALID_REQUEST")
#: AWS Support case status once it is closed.
CASE_RESOLVED = "resolved"


class RunLocks:
    """The engine's lock interface for one pipeline run: nothing shared to lock, and never a
    support case for a long-pending request (the engine's scheduled cycle owns those)."""

    def acquire(self, key: QuotaKey, desired: float, now: datetime, owner: str = "") -> None:
        return None

    def claim_case(self, request_id: str, now: datetime) -> bool:
        return False

    def note(self, key: QuotaKey, desired: float, **values: str) -> None:
        return None


def read_limit(client: Any, key: QuotaKey) -> tuple[float | None, bool | None]:
    """The quota's applied value (else the AWS default) and whether it is adjustable."""
    from botocore.exceptions import ClientError

    asked = {"ServiceCode": key.service, "QuotaCode": key.code}
    try:
        quota = client.get_service_quota(**asked)["Quota"]
    except ClientError as error:
        if error_code(error) != "NoSuchResourceException":
            raise
        quota = client.get_aws_default_service_quota(**asked)["Quota"]
    value = quota.get("Value")
    return (None if value is None else float(value)), quota.get("Adjustable")


class AwsIncreases(UsesAws):
    """Files and polls the increases of one region (global quotas: us-east-1)."""

    service = "service-quotas"
    permissions = (
        Needs(
            (
                "servicequotas:GetServiceQuota",
                "servicequotas:GetAWSDefaultServiceQuota",
                "servicequotas:ListRequestedServiceQuotaChangeHistoryByQuota",
                "servicequotas:RequestServiceQuotaIncrease",
                "servicequotas:GetRequestedServiceQuotaChange",
            ),
            p.NO_RESOURCE_SCOPE,
            "request lookups support no resource scope; requests name quota ARNs of "
            "whichever account the pipeline deploys to",
        ),
        Needs(
            ("support:CreateCase", "support:DescribeCases"),
            p.NO_RESOURCE_SCOPE,
            "AWS Support actions support no resource-level permissions",
        ),
    )

    def __init__(
        self, region: str, client: Any = None, *, support: Any = None, session: Any = None
    ) -> None:
        super().__init__(client, session=session, region=aws_region(region))
        self._support = support

    @property
    def support(self) -> Any:
        if self._support is None:
            # The Support API has one endpoint, in us-east-1.
            self._support = make_client("support", session=self._session, region=AWS_HOME_REGION)
        return self._support

    # -- filing ---------------------------------------------------------------------------

    def file(self, request: IncreaseRequest, justification: str) -> IncreaseRequest:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self._file(request, justification)
        except (ClientError, BotoCoreError) as error:
            return with_status(request, Status.FAILED, message=_short(error))

    def _file(self, request: IncreaseRequest, justification: str) -> IncreaseRequest:
        key = request.key
        limit, adjustable = read_limit(self.client, key)
        if limit is not None:
            request = replace(request, current_limit=limit)
        if limit is not None and limit >= request.desired_limit:
            return with_status(request, Status.GRANTED, message=f"the limit is already {limit:g}")
        if adjustable is False:
            return self._file_case(request, justification)
        outcome = IncreaseRequester(RunLocks(), self.client).request(  # type: ignore[arg-type]
            key, request.desired_limit, reason=justification
        )
        if outcome.status == "requested":
            return with_status(request, Status.REQUESTED, outcome.request_id)
        message = f"request {outcome.request_id} was already open"
        if outcome.desired and outcome.desired < request.desired_limit:
            message += (
                f" for only {outcome.desired:g}; once it closes, run the pipeline again to "
                f"ask for {request.desired_limit:g}"
            )
        return with_status(request, Status.ALREADY_OPEN, outcome.request_id, message)

    def _file_case(self, request: IncreaseRequest, justification: str) -> IncreaseRequest:
        from botocore.exceptions import ClientError

        request = replace(request, method=Method.SUPPORT_CASE)
        try:
            open_case = self.open_case(request.key)
            if open_case:
                return with_status(
                    request, Status.ALREADY_OPEN, open_case, "a support case is already open"
                )
            case = self.support.create_case(
                **support_case_fields(request.key, f"{request.desired_limit:g}", justification)
            )
        except ClientError as error:
            if error_code(error) != "SubscriptionRequiredException":
                raise
            return with_status(
                request,
                Status.NOT_ADJUSTABLE,
                message="not adjustable through Service Quotas, and the Support API needs a "
                "Business or Enterprise support plan: open the case in the console with the "
                f"subject {support_case_subject(request.key)!r}",
            )
        return with_status(request, Status.REQUESTED, str(case["caseId"]), "support case opened")

    def open_case(self, key: QuotaKey) -> str:
        """The id of an open case for ``key`` (filed by us or by the engine), or ""."""
        subject = support_case_subject(key)
        pages = self.support.get_paginator("describe_cases").paginate(
            includeResolvedCases=False, language="en"
        )
        for page in pages:
            for case in page.get("cases", []):
                if case.get("subject") == subject:
                    return str(case.get("caseId", ""))
        return ""

    # -- polling --------------------------------------------------------------------------

    def poll(self, request: IncreaseRequest) -> Poll:
        if request.method is Method.SUPPORT_CASE:
            return self._poll_case(request)
        asked = self.client.get_requested_service_quota_change(RequestId=request.request_id)
        change = asked["RequestedQuota"]
        status = str(change.get("Status", ""))
        if status in REFUSED:
            return Poll(PollState.DENIED, f"request {status}")
        if status in ("PENDING", "CASE_OPENED"):
            return Poll(PollState.PENDING, status)
        # APPROVED or CASE_CLOSED: the request is done; the quota says whether it was raised.
        limit, _ = read_limit(self.client, request.key)
        granted_below = float(change.get("DesiredValue") or 0) < request.desired_limit
        return grant_visible(request, limit, status, final=granted_below)

    def _poll_case(self, request: IncreaseRequest) -> Poll:
        answer = self.support.describe_cases(
            caseIdList=[request.request_id], includeResolvedCases=True, language="en"
        )
        cases = answer.get("cases", [])
        status = str(cases[0].get("status", "")) if cases else "unknown case"
        if status != CASE_RESOLVED:
            return Poll(PollState.PENDING, f"case {status}")
        limit, _ = read_limit(self.client, request.key)
        return grant_visible(request, limit, "case resolved", final=True)


def _short(error: BaseException) -> str:
    return " ".join(str(error).split())[:300] or type(error).__name__

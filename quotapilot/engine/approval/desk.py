"""Human approval of large increases, the approval function's side.

The state machine calls the approval function with a task token; :class:`ApprovalDesk` stores
it and notifies the approvers; an approver's decision completes the token. Only a listed
approver may decide, and a decision is a conditional update from ``pending``, so it can't be
replayed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from quotapilot import permissions as p
from quotapilot import wiring
from quotapilot.engine.act.alerts import Alert, Alerter
from quotapilot.engine.audit import AuditLog
from quotapilot.engine.aws import UsesAws, error_code, from_item, to_item
from quotapilot.engine.exceptions import ApprovalError, NotAnApproverError
from quotapilot.permissions import Needs

DENIED_ERROR = wiring.APPROVAL_DENIED_ERROR
TOKEN_TTL = timedelta(days=30)


class ApprovalDesk(UsesAws):
    """The approval function's logic: park task tokens, take decisions from approvers (its
    alerter notifies them)."""

    service = "dynamodb"
    permissions = (
        Needs(
            ("dynamodb:UpdateItem",),
            p.TABLE_MONITORING,
            "store task tokens and decide them (conditional writes)",
        ),
        Needs(
            ("states:SendTaskSuccess", "states:SendTaskFailure"),
            p.NO_RESOURCE_SCOPE,
            "complete the approval task; these take the task token, not a resource ARN "
            "(IAM can't scope them)",
        ),
    )

    def __init__(
        self,
        table: str,
        approvers: frozenset[str],
        alerter: Alerter,
        client: Any = None,
        *,
        states: Any = None,
        audit: AuditLog | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(client, **kwargs)
        self.audit = audit
        self.table = table
        self.approvers = approvers
        self.alerter = alerter
        self._states = states

    @property
    def states(self) -> Any:
        if self._states is None:
            from quotapilot.engine.aws import make_client

            self._states = make_client("stepfunctions", session=self._session)
        return self._states

    @staticmethod
    def _key(request_id: str) -> dict[str, Any]:
        return {"pk": {"S": f"approval#{request_id}"}, "sk": {"S": "approval"}}

    def park(self, task_token: str, request: dict[str, Any], now: datetime | None = None) -> str:
        """Store the workflow's token and notify the approvers, once; "parked",
        "already_parked" or "already_decided".

        The workflow retries this step when the function fails, and each attempt has a token
        of its own: a pending record takes the newest token (the one the workflow waits on),
        and the approvers are notified only if no earlier attempt got that far.
        """
        from botocore.exceptions import ClientError

        now = now or datetime.now(UTC)
        request_id = str(request["request_id"])
        try:
            response = self.client.update_item(
                TableName=self.table,
                Key=self._key(request_id),
                UpdateExpression=(
                    "SET task_token = :token, #s = if_not_exists(#s, :pending), "
                    "#r = :request, requested_at = if_not_exists(requested_at, :now), "
                    "#ttl = :ttl"
                ),
                ConditionExpression="attribute_not_exists(pk) OR #s = :pending",
                ExpressionAttributeNames={"#s": "status", "#r": "request", "#ttl": "ttl"},
                ExpressionAttributeValues=to_item(
                    {
                        ":token": task_token,
                        ":pending": "pending",
                        ":request": json.dumps(request, sort_keys=True, default=str),
                        ":now": now.isoformat(),
                        ":ttl": int((now + TOKEN_TTL).timestamp()),
                    }
                ),
                ReturnValues="ALL_OLD",
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return "already_decided"
            raise
        if "notified_at" in response.get("Attributes", {}):
            return "already_parked"
        # The record first (once per request, whatever the retries), then the notice: an
        # attempt that dies between them leaves the record, and the retry sends the notice.
        if self.audit is not None:
            self.audit.record(
                "approval_pending",
                subject=request_id,
                seen=request,
                why=str(request.get("reason", "")),
                done={"notified": "approvers"},
                by="approval-workflow",
                now=now,
                once=request_id,
            )
            self.audit.flush()
        self.alerter.send(
            Alert(
                subject=f"quotapilot: approve increase {request_id}",
                level="approval",
                dedupe_key=request_id,
                body={
                    "kind": "approval_requested",
                    "request": request,
                    "how": {
                        "action": "decide",
                        "request_id": request_id,
                        "decision": "approve|deny",
                    },
                },
            ),
            now=now,
        )
        # Last: an attempt that dies before this is redone by the next one (the approvers
        # may hear twice).
        self.client.update_item(
            TableName=self.table,
            Key=self._key(request_id),
            UpdateExpression="SET notified_at = :now",
            ExpressionAttributeValues={":now": {"S": now.isoformat()}},
        )
        return "parked"

    def _claim(self, request_id: str, caller: str, comment: str, now: datetime) -> dict:
        """pending -> deciding, naming the approver: one decision at a time, none twice."""
        from botocore.exceptions import ClientError

        try:
            response = self.client.update_item(
                TableName=self.table,
                Key=self._key(request_id),
                UpdateExpression="SET #s = :deciding, approver = :a, decided_at = :t, #c = :c",
                ConditionExpression="#s = :pending",
                ExpressionAttributeNames={"#s": "status", "#c": "comment"},
                ExpressionAttributeValues={
                    ":deciding": {"S": "deciding"},
                    ":a": {"S": caller},
                    ":t": {"S": now.isoformat()},
                    ":c": {"S": comment},
                    ":pending": {"S": "pending"},
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                raise ApprovalError(
                    "no pending approval with this id (unknown, already decided, or timed out)",
                    request_id=request_id,
                ) from None
            raise
        return from_item(response["Attributes"])

    def _settle(self, request_id: str, status: str, now: datetime) -> None:
        self.client.update_item(
            TableName=self.table,
            Key=self._key(request_id),
            UpdateExpression="SET #s = :s, settled_at = :t",
            ConditionExpression="#s = :deciding",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":s": {"S": status},
                ":t": {"S": now.isoformat()},
                ":deciding": {"S": "deciding"},
            },
        )

    def decide(
        self,
        caller_arn: str,
        request_id: str,
        decision: str,
        comment: str = "",
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """An approver's decision (``caller_arn`` comes from the function URL's IAM context,
        never from the request body)."""
        from botocore.exceptions import ClientError

        now = now or datetime.now(UTC)
        if caller_arn not in self.approvers:
            if self.audit is not None:
                self.audit.record(
                    "approval_refused",
                    subject=request_id,
                    why="caller is not an approver",
                    done={"decision": decision},
                    by=caller_arn,
                    now=now,
                )
                self.audit.flush()
            raise NotAnApproverError("not an approver", caller=caller_arn, request_id=request_id)
        if decision not in ("approve", "deny"):
            raise ApprovalError("decision must be approve or deny", decision=decision)
        status = "approved" if decision == "approve" else "denied"
        record = self._claim(request_id, caller_arn, comment, now)
        token = record["task_token"]
        outcome = {
            "approved": status == "approved",
            "approver": caller_arn,
            "decided_at": now.isoformat(),
        }
        try:
            if status == "approved":
                self.states.send_task_success(taskToken=token, output=json.dumps(outcome))
            else:
                self.states.send_task_failure(
                    taskToken=token,
                    error=DENIED_ERROR,
                    cause=(comment or f"denied by {caller_arn}")[:256],
                )
        except ClientError as error:
            if error_code(error) in ("TaskTimedOut", "InvalidToken", "TaskDoesNotExist"):
                # The workflow gave up waiting (its timeout denied the request): say so, and
                # keep the record from being decided again.
                self._settle(request_id, "expired", now)
                raise ApprovalError(
                    "this approval timed out: the workflow already denied the request",
                    request_id=request_id,
                ) from None
            self._settle(request_id, "pending", now)  # let an approver try again
            raise
        # Only now, with the workflow told, is the decision the record's.
        self._settle(request_id, status, now)
        if self.audit is not None:
            self.audit.record(
                f"approval_{status}",
                subject=request_id,
                seen={"request": record.get("request")},
                why=comment or status,
                done=outcome,
                by=caller_arn,
                now=now,
            )
            self.audit.flush()
        return {"request_id": request_id, "status": status, **outcome}

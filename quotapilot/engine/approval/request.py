"""Human approval of large increases, the engine's side.

The engine starts the approval state machine with the request (:class:`ApprovalStarter`;
the execution is named after the request id, so a second start is a no-op), and files an
approved increase only when the approval function's record says an approver approved it
(:class:`ApprovalRecords`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from quotapilot import permissions as p
from quotapilot.domain import QuotaKey
from quotapilot.engine.aws import UsesAws, error_code, from_item
from quotapilot.permissions import Needs


def request_id_for(key: QuotaKey, current_limit: float) -> str:
    """One approval per quota and current limit: overlapping runs, and later cycles that size
    the increase differently while it waits, name the same execution (a second start is a
    no-op). Once the limit changes, a new increase is a new request."""
    digest = hashlib.sha256(f"{key}|{current_limit:g}".encode()).hexdigest()[:32]
    return f"qp-{digest}"


@dataclass(frozen=True)
class IncreaseRequest:
    """The state machine's input (the contract with the components' workflow)."""

    request_id: str
    key: dict[str, str]
    current_limit: float
    desired_limit: float
    reason: str
    estimated_monthly_cost: float
    requested_by: str

    @classmethod
    def for_increase(
        cls, key: QuotaKey, current: float, desired: float, reason: str, cost: float, by: str
    ) -> IncreaseRequest:
        return cls(request_id_for(key, current), asdict(key), current, desired, reason, cost, by)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class ApprovalStarter(UsesAws):
    service = "stepfunctions"
    permissions = (
        Needs(("states:StartExecution",), p.STATE_MACHINE, "start the approval workflow"),
    )

    def __init__(self, state_machine_arn: str, client: Any = None, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.state_machine_arn = state_machine_arn

    def start(self, request: IncreaseRequest) -> str:
        """Start the workflow; "started" or "already_started"."""
        from botocore.exceptions import ClientError

        try:
            self.client.start_execution(
                stateMachineArn=self.state_machine_arn,
                name=request.request_id,
                input=json.dumps(request.to_json(), sort_keys=True),
            )
        except ClientError as error:
            if error_code(error) == "ExecutionAlreadyExists":
                return "already_started"
            raise
        return "started"


class ApprovalRecords(UsesAws):
    """The engine's read of an approval: an increase is filed only when its record says an
    approver approved it (whatever the workflow's payload claims)."""

    service = "dynamodb"
    permissions = (
        Needs(
            ("dynamodb:GetItem",),
            p.TABLE_MONITORING,
            "check an increase was approved before filing it",
        ),
    )

    def __init__(self, table: str, client: Any = None, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.table = table

    def approved(self, request_id: str) -> dict[str, Any] | None:
        """The approval record when its status is approved; None otherwise."""
        item = self.client.get_item(
            TableName=self.table,
            Key={"pk": {"S": f"approval#{request_id}"}, "sk": {"S": "approval"}},
            ConsistentRead=True,
        ).get("Item")
        record = from_item(item) if item else None
        return record if record and record.get("status") == "approved" else None

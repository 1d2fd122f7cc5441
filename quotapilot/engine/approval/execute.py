"""The approved increase: the approval workflow hands it back to the engine function."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from quotapilot.engine.act.actions import Actions
from quotapilot.engine.approval.request import ApprovalRecords
from quotapilot.engine.exceptions import ApprovalError, IncreaseInFlight
from quotapilot.engine.models import ExecuteIncreaseInput


def execute_increase(
    actions: Actions,
    event: ExecuteIncreaseInput,
    records: ApprovalRecords,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Request the approved increase (idempotently) and record who approved it.

    Who approved comes from the approval record the approval function wrote (from the
    approver's IAM identity), never from this event: an increase nobody approved is refused.
    """
    now = now or datetime.now(UTC)
    request = event.request
    key = request.key.key()
    approval = records.approved(request.request_id)
    if approval is None:
        actions.audit.record(
            "approved_increase_refused",
            subject=str(key),
            seen={"request_id": request.request_id},
            why="no approval is recorded for this request",
            done={"status": "refused"},
            by="quotapilot-engine",
            now=now,
        )
        actions.audit.flush()
        raise ApprovalError(
            "no approval is recorded for this request", request_id=request.request_id
        )
    approver = str(approval["approver"])
    outcome = actions.requester(key).request(
        key,
        request.desired_limit,
        reason=request.reason,
        now=now,
        # an earlier attempt of this workflow step that died holding the lock is us
        owner=f"approval#{request.request_id}",
    )
    if outcome.status == "in_flight":
        # Someone else is filing this very increase and has not said so yet: not done, and
        # not ours to finish. The workflow retries; if it never lands, the execution fails
        # (and its alarm goes off) rather than ending as if the increase were filed.
        raise IncreaseInFlight(
            "another run is filing this increase and has not recorded it yet",
            request_id=request.request_id,
        )
    done = {
        "request_id": request.request_id,
        "status": outcome.status,
        "service_quotas_request_id": outcome.request_id,
        "case_id": outcome.case_id,
        "desired_limit": request.desired_limit,
    }
    actions.audit.record(
        "approved_increase",
        subject=str(key),
        seen={
            "current_limit": request.current_limit,
            "estimated_monthly_cost": request.estimated_monthly_cost,
            "approval": {k: approval.get(k) for k in ("approver", "decided_at", "comment")},
        },
        why=f"approved by {approver}: {request.reason}",
        done=done,
        by=approver,
        now=now,
        once=request.request_id,
    )
    return done

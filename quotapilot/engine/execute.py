"""The approved increase: the approval workflow hands it back to the engine function."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from quotapilot.engine.actions import Actions
from quotapilot.engine.models import ExecuteIncreaseInput


def execute_increase(
    actions: Actions, event: ExecuteIncreaseInput, now: datetime | None = None
) -> dict[str, Any]:
    """Request the approved increase (idempotently) and record who approved it."""
    now = now or datetime.now(UTC)
    request = event.request
    key = request.key.key()
    approval = request.approval or {}
    approver = str(approval.get("approver", "")) or "unknown approver"
    outcome = actions.requester(key).request(
        key, request.desired_limit, reason=request.reason, now=now
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
            "approval": approval,
        },
        why=f"approved by {approver}: {request.reason}",
        done=done,
        by=approver,
        now=now,
    )
    return done

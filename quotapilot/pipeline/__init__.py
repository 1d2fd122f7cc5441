"""The delivery pipeline around the gate: check, request, wait, deploy, record, optimise.

``quotapilot request`` turns a blocked check into increase requests (idempotent, priced, with
an approval threshold and a Support case where the API can't help); ``quotapilot wait`` polls
them until the new limits are visible; ``quotapilot report`` finds raised quotas that stay
unused; seasonal levels raise a quota ahead of its busy season.
"""

from __future__ import annotations

from quotapilot.pipeline.findings import CheckReport, Shortfall, read_check_report
from quotapilot.pipeline.requests import (
    IncreaseRequest,
    Method,
    Status,
    plan,
    read_requests,
)

__all__ = [
    "CheckReport",
    "IncreaseRequest",
    "Method",
    "Shortfall",
    "Status",
    "plan",
    "read_check_report",
    "read_requests",
]

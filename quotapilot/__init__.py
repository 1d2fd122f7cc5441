"""quotapilot: keep cloud quotas ahead of the infrastructure that needs them."""

from __future__ import annotations

from quotapilot._version import __version__
from quotapilot.domain import (
    GLOBAL,
    Demand,
    Finding,
    FindingKind,
    PlannedResource,
    Quota,
    QuotaKey,
    Reading,
    Remedy,
    Scope,
    Severity,
    Unknown,
    Usage,
)
from quotapilot.exceptions import InputError, QuotapilotError

__all__ = [
    "GLOBAL",
    "Demand",
    "Finding",
    "FindingKind",
    "InputError",
    "PlannedResource",
    "Quota",
    "QuotaKey",
    "QuotapilotError",
    "Reading",
    "Remedy",
    "Scope",
    "Severity",
    "Unknown",
    "Usage",
    "__version__",
]

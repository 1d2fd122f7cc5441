"""EventBridge patterns: which events reach the events function."""

from __future__ import annotations

from typing import Any

from quotapilot import wiring


def threshold_pattern(detail_type: str) -> dict[str, Any]:
    pattern: dict[str, Any] = {"source": [wiring.EVENT_SOURCE], "detail-type": [detail_type]}
    if detail_type == wiring.DETAIL_THRESHOLD_EXCEEDED:
        # Only events carrying a measured usage reach the function: the field its model
        # requires (quotapilot.engine.models.ThresholdExceeded), so the rule can never let
        # through what the model rejects, nor hold back what it accepts.
        pattern["detail"] = {"usage": [{"numeric": [">=", 0]}]}
    return pattern


def service_quotas_pattern() -> dict[str, Any]:
    return {
        "source": [wiring.SERVICE_QUOTAS_EVENT_SOURCE],
        "detail-type": [wiring.SERVICE_QUOTAS_DETAIL_TYPE],
        "detail": {"eventTypeCode": [wiring.SERVICE_QUOTAS_EVENT_TYPE_CODE]},
    }

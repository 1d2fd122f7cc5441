"""Service Quotas / CloudWatch response builders shared by the AWS source tests and bench."""

from __future__ import annotations

from typing import Any


def usage_metric(resource: str, service: str = "Lambda", name: str = "ResourceCount") -> dict:
    return {
        "MetricNamespace": "AWS/Usage",
        "MetricName": name,
        "MetricDimensions": {
            "Class": "None",
            "Resource": resource,
            "Service": service,
            "Type": "Resource" if name == "ResourceCount" else "API",
        },
        "MetricStatisticRecommendation": "Maximum" if name == "ResourceCount" else "Sum",
    }


def service_quota(
    service: str, code: str, value: float | None, *, metric: dict | None = None, **extra: Any
) -> dict:
    quota: dict[str, Any] = {
        "ServiceCode": service,
        "QuotaCode": code,
        "QuotaName": f"{service} {code}",
        "Unit": "None",
        "Adjustable": True,
        "GlobalQuota": False,
        **extra,
    }
    if value is not None:
        quota["Value"] = value
    if metric:
        quota["UsageMetric"] = metric
    return quota

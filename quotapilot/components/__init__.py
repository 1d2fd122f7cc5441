"""Pulumi components: the quota automation stack, and quota requests per environment."""

from quotapilot.components.args import QuotaAutomationArgs
from quotapilot.components.automation import QuotaAutomation
from quotapilot.components.requests import QuotaLevel, QuotaRequests, QuotaRequestsArgs, Season

__all__ = [
    "QuotaAutomation",
    "QuotaAutomationArgs",
    "QuotaLevel",
    "QuotaRequests",
    "QuotaRequestsArgs",
    "Season",
]

"""Pulumi components: the quota automation stack, the role it assumes in member accounts, and
quota requests per environment."""

from quotapilot.components.args import QuotaAutomationArgs
from quotapilot.components.automation import QuotaAutomation
from quotapilot.components.fan_out import FanOut
from quotapilot.components.member_role import (
    QuotaMemberRole,
    QuotaMemberRoleArgs,
    QuotaMemberRoleStackSet,
    QuotaMemberRoleStackSetArgs,
)
from quotapilot.components.requests import QuotaLevel, QuotaRequests, QuotaRequestsArgs, Season

__all__ = [
    "FanOut",
    "QuotaAutomation",
    "QuotaAutomationArgs",
    "QuotaLevel",
    "QuotaMemberRole",
    "QuotaMemberRoleArgs",
    "QuotaMemberRoleStackSet",
    "QuotaMemberRoleStackSetArgs",
    "QuotaRequests",
    "QuotaRequestsArgs",
    "Season",
]

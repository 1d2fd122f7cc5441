"""A two-rule stand-in for the quota catalogue (the real one is another area's)."""

from __future__ import annotations

from quotapilot.catalogue.registry import UnknownDemand
from quotapilot.domain import Demand, PlannedResource, QuotaKey

LAMBDA = "aws:lambda/L-B99A9384"
EIPS = "aws:ec2/L-0263D0A3"


def demand_for(resource: PlannedResource, default_region: str | None = None):
    region = resource.region or default_region
    if resource.type == "aws:lambda/function:Function":
        amount = resource.properties.get("reservedConcurrentExecutions", 0)
        return [Demand(QuotaKey("aws", "lambda", "L-B99A9384", region or "?"), amount)]
    if resource.type == "aws:ec2/eip:Eip":
        if not region:
            return [UnknownDemand(resource.type, resource.urn, "no region")]
        return [Demand(QuotaKey("aws", "ec2", "L-0263D0A3", region), 1)]
    return []

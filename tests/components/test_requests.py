"""QuotaRequests: declared once, requested per environment, never below the load test."""

from __future__ import annotations

from pathlib import Path

import pytest

from quotapilot.components.requests import QuotaLevel, QuotaRequestsArgs
from quotapilot.exceptions import ConfigurationError
from quotapilot.gate.program import read_plan

PROGRAM = Path(__file__).parent / "programs" / "requests"


def test_requests_take_the_larger_of_declared_and_load_test_levels():
    plan = read_plan(PROGRAM, "prod")
    aws = {
        r.properties["quotaCode"]: r.properties["value"]
        for r in plan.resources
        if r.type == "aws:servicequotas/serviceQuota:ServiceQuota"
    }
    assert aws == {"L-B99A9384": 3000, "L-1216C47A": 1024}
    [gcp] = [
        r for r in plan.resources if r.type == "gcp:cloudquota/sQuotaPreference:SQuotaPreference"
    ]
    assert gcp.properties["quotaConfig"]["preferredValue"] == "96"
    assert gcp.properties["dimensions"] == {"region": "us-central1"}
    assert gcp.properties["parent"] == "projects/acme-prod"
    types = {r.type for r in plan.resources}
    assert "aws:servicequotas/autoManagement:AutoManagement" in types
    assert "gcp:cloudquota/sQuotaAdjusterSettings:SQuotaAdjusterSettings" in types
    assert all(r.parent and "QuotaRequests" in r.parent for r in plan.resources)


def test_bad_levels_name_the_quota():
    with pytest.raises(ConfigurationError, match="L-1216C47A"):
        QuotaRequestsArgs(
            levels=(
                QuotaLevel("aws", "ec2", "L-1216C47A", 1),
                QuotaLevel("aws", "ec2", "L-1216C47A", 2),
            )
        )
    with pytest.raises(ConfigurationError, match="looks like"):
        QuotaRequestsArgs(levels=(QuotaLevel("aws", "ec2", "vcpus", 1),))
    with pytest.raises(ConfigurationError, match="gcp_project"):
        QuotaRequestsArgs(levels=(QuotaLevel("gcp", "compute.googleapis.com", "CPUS", 1),))

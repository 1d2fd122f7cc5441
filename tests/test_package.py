from __future__ import annotations

import subprocess
import sys

import pytest

import quotapilot
from quotapilot.domain import QuotaKey, normalise_limit, utilization
from quotapilot.exceptions import InputError, QuotapilotError, SnapshotError


def test_public_names_are_exactly_the_domain_and_root_errors():
    assert sorted(quotapilot.__all__) == sorted(
        [
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
    )
    for name in quotapilot.__all__:
        assert hasattr(quotapilot, name)


def test_every_error_descends_from_the_root_and_renders_its_context():
    error = SnapshotError(
        "limit must be a number", path="prod.yaml", entry="quotas[2]", field="limit"
    )
    assert isinstance(error, InputError) and isinstance(error, QuotapilotError)
    assert str(error) == "prod.yaml: quotas[2]: limit: limit must be a number"
    assert error.path == "prod.yaml"


@pytest.mark.parametrize(
    ("raw", "expected"), [(None, None), (-1, None), ("-1", None), (0, 0.0), ("250", 250.0)]
)
def test_unlimited_is_none_whatever_the_cloud_calls_it(raw, expected):
    assert normalise_limit(raw) == expected


def test_negative_limits_other_than_minus_one_are_rejected():
    with pytest.raises(ValueError, match="negative"):
        normalise_limit(-5)


def test_key_binds_an_account_without_changing_identity_of_the_quota():
    key = QuotaKey("aws", "lambda", "L-B99A9384", "us-east-1")
    bound = key.in_account("123456789012")
    assert bound.unbound == key
    assert str(bound) == "aws:lambda/L-B99A9384@123456789012/us-east-1"
    with pytest.raises(ValueError):
        QuotaKey("azure", "x", "y")  # type: ignore[arg-type]


def test_utilization_handles_unlimited_and_zero_limits():
    assert utilization(50, 200) == 25.0
    assert utilization(5, None) == 0.0
    assert utilization(1, 0) == float("inf")


def test_help_answers_without_importing_cloud_sdks():
    code = (
        "import sys\n"
        "from quotapilot.cli.app import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('boto3', 'pulumi', 'sklearn', 'regopy', 'matplotlib')"
        " if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY=", out.stdout

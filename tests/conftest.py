"""Shared fixtures. Tests are offline: no credentials, no network, no Pulumi CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVENTS = Path(__file__).resolve().parent / "events"

# No test may reach a real cloud by accident: fake credentials and a fixed region, set before
# any boto3 client is created.
for _name, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}.items():
    os.environ[_name] = _value
os.environ.pop("AWS_PROFILE", None)
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "quotapilot-tests")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "1")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--live", action="store_true", help="run tests that need a real cloud")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--live") or os.environ.get("QUOTAPILOT_LIVE") == "1":
        return
    skip = pytest.mark.skip(reason="needs a real cloud; run with --live")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


def load_event(name: str) -> dict:
    """A sample event from tests/events/ by file name (without .json)."""
    return json.loads((EVENTS / f"{name}.json").read_text())


@pytest.fixture
def lambda_context():
    """A stand-in for the LambdaContext the runtime passes to handlers."""

    class LambdaContext:
        function_name = "quotapilot-test"
        memory_limit_in_mb = 512
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:quotapilot-test"
        aws_request_id = "52fdfc07-2182-154f-163f-5f0f9a621d72"
        log_group_name = "/aws/lambda/quotapilot-test"
        log_stream_name = "2026/11/24/[$LATEST]abcdef"

        @staticmethod
        def get_remaining_time_in_millis() -> int:
            return 300_000

    return LambdaContext()

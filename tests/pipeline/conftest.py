"""Fixtures for the pipeline: Stubber-wrapped AWS clients, a recorded Cloud Quotas transport,
a clock that never sleeps, and the CLI run through its real entry point."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import botocore.client
import pytest
from botocore.stub import Stubber

from quotapilot.cli.app import main
from quotapilot.engine.aws import make_client
from quotapilot.pipeline import clouds
from quotapilot.pipeline import wait as waiting
from tests.sources.test_gcp import RecordedAdapter, quotas_client

RECORDINGS = Path(__file__).parent / "recordings"
PROJECT = "acme-prod"
EC2 = {"ServiceCode": "ec2", "QuotaCode": "L-1216C47A"}


def recording(name: str) -> tuple[int, str]:
    return 200, (RECORDINGS / name).read_text()


@dataclass
class Aws:
    """Stubbed Service Quotas (us-east-1) and Support clients; nothing else may be called."""

    quotas: Any
    support: Any
    quotas_stub: Stubber
    support_stub: Stubber

    def quota(self, value: float, adjustable: bool = True, code: str = "L-1216C47A") -> None:
        self.quotas_stub.add_response(
            "get_service_quota",
            {
                "Quota": {
                    "ServiceCode": "ec2",
                    "QuotaCode": code,
                    "Value": value,
                    "Adjustable": adjustable,
                }
            },
            {"ServiceCode": "ec2", "QuotaCode": code},
        )

    def change(self, request_id: str, status: str, desired: float = 134.0) -> None:
        self.quotas_stub.add_response(
            "get_requested_service_quota_change",
            {
                "RequestedQuota": {
                    "Id": request_id,
                    "ServiceCode": "ec2",
                    "QuotaCode": "L-1216C47A",
                    "DesiredValue": desired,
                    "Status": status,
                }
            },
            {"RequestId": request_id},
        )


@pytest.fixture
def aws() -> Iterator[Aws]:
    quotas = make_client("service-quotas", region="us-east-1")
    support = make_client("support", region="us-east-1")
    with Stubber(quotas) as quotas_stub, Stubber(support) as support_stub:
        yield Aws(quotas, support, quotas_stub, support_stub)
        quotas_stub.assert_no_pending_responses()
        support_stub.assert_no_pending_responses()


@pytest.fixture
def gcp() -> RecordedAdapter:
    """Answers Cloud Quotas calls from recordings, in order; test adds them."""
    return RecordedAdapter([])


@pytest.fixture
def connected(aws: Aws, gcp: RecordedAdapter, monkeypatch) -> clouds.Clouds:
    made = clouds.Clouds(
        aws={("service-quotas", "us-east-1"): aws.quotas, ("support", "us-east-1"): aws.support},
        cloud_quotas=quotas_client(gcp),
    )
    monkeypatch.setattr(clouds, "connect", lambda: made)
    return made


@dataclass
class FakeClock:
    """Time moves only when the code sleeps; optionally Ctrl-C at the n-th sleep."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)
    interrupt_at_sleep: int | None = None

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.interrupt_at_sleep == len(self.sleeps):
            raise KeyboardInterrupt
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(waiting, "system_clock", lambda: fake)
    return fake


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys):
    def run(*argv: str) -> Run:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def aws_operations(monkeypatch) -> set[str]:
    """Every AWS operation made during the test, as IAM actions."""
    calls: set[str] = set()
    original = botocore.client.BaseClient._make_api_call

    def recording_call(self, operation_name, api_params):
        calls.add(f"{self.meta.service_model.signing_name}:{operation_name}")
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording_call)
    return calls


def check_report(*findings: dict[str, Any], passed: bool = False) -> dict[str, Any]:
    return {"passed": passed, "findings": list(findings), "quotas": []}


def exceeds(**overrides: Any) -> dict[str, Any]:
    """A blocking finding as `quotapilot check --format json` prints it."""
    finding = {
        "kind": "exceeds",
        "severity": "block",
        "provider": "aws",
        "service": "ec2",
        "code": "L-1216C47A",
        "region": "us-east-1",
        "limit": 128,
        "usage": 80,
        "demand": 40,
        "message": "aws:ec2/L-1216C47A@us-east-1 needs 120 but only 115.2 of 128 is usable",
        "policy": "deny_exceeds",
        "shortfall": 4.8,
        "desired_limit": 134,
        "command": "aws service-quotas request-service-quota-increase ...",
    }
    finding.update(overrides)
    return finding


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document))
    return path

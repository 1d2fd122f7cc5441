"""The gate tells the truth: no silent pass, no false block, on programs written for each
case (tests/programs/ and tests/gate/programs/), through the real CLI."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import yaml

from quotapilot.cli.app import main
from quotapilot.gate.program import child_environment, read_plan
from tests.gate.conftest import PROGRAMS

CORPUS = Path(__file__).resolve().parents[1] / "programs"


def gate(capsys, program: Path, *args: str, stack: str = "dev") -> tuple[int, dict | str, str]:
    code = main(["check", str(program), "--stack", stack, "--format", "json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip().startswith("{") else out), err


def aws_snapshot(tmp_path, entries, *, region="us-west-2", name="serving.yaml") -> str:
    path = tmp_path / name
    document = {"provider": "aws", "account": "123456789012", "region": region, "quotas": entries}
    path.write_text(yaml.safe_dump(document))
    return str(path)


def kinds(document) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for finding in document["findings"]:
        out.setdefault(finding["kind"], []).append(finding)
    return out


# Silent passes ---------------------------------------------------------------------------


def test_a_quota_with_no_usage_figure_still_checks_the_demand(capsys, tmp_path):
    # 3 x m5.2xlarge = 24 vCPUs against a limit of 20, usage not given
    serving = aws_snapshot(
        tmp_path, [{"service": "ec2", "code": "L-1216C47A", "limit": 20}], region="us-east-2"
    )
    code, document, _ = gate(capsys, CORPUS / "aws-config-project-defaults", "--quotas", serving)
    assert code == 1
    found = kinds(document)
    [exceeds] = found["exceeds"]
    assert exceeds["demand"] == 24 and exceeds["usage"] is None
    assert "usage unknown" in exceeds["message"]
    assert any("does not measure its usage" in f["message"] for f in found["unknown"])


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"limit": 100, "usage": float("inf")}, "usage"),
        ({"limit": float("-inf")}, "limit"),
        ({"limit": float("inf")}, "limit"),
        ({"limit": float("nan")}, "limit"),
        ({"limit": 10**400}, "limit"),
    ],
)
def test_non_finite_numbers_are_bad_input_naming_file_and_entry(capsys, tmp_path, entry, field):
    serving = aws_snapshot(tmp_path, [{"service": "ec2", "code": "L-1216C47A", **entry}])
    code, _, err = gate(capsys, CORPUS / "aws-asg-launch-template", "--quotas", serving)
    assert code == 2
    assert err.count("\n") == 1
    assert f"serving.yaml: quotas[0]: {field}:" in err and "finite" in err


def test_a_yaml_spelling_of_infinity_is_not_unlimited(capsys, tmp_path):
    serving = tmp_path / "serving.yaml"
    serving.write_text(
        "provider: aws\nregion: us-west-2\nquotas:\n"
        "  - {service: ec2, code: L-1216C47A, limit: .inf}\n"
    )
    code, _, err = gate(capsys, CORPUS / "aws-asg-launch-template", "--quotas", str(serving))
    assert code == 2 and "quotas[0]: limit" in err


def test_gcp_regional_demand_from_the_zone_alone_is_checked(capsys, tmp_path):
    serving = tmp_path / "gcp.yaml"
    serving.write_text(
        yaml.safe_dump(
            {
                "provider": "gcp",
                "project": "acme-prod",
                "region": "europe-west1",
                "quotas": [
                    {
                        "service": "compute.googleapis.com",
                        "code": "CPUS-per-project-region",
                        "limit": 4,
                        "usage": 2,
                    },
                ],
            }
        )
    )
    code, document, _ = gate(capsys, CORPUS / "gcp-instances-zone-only", "--quotas", str(serving))
    assert code == 1
    [exceeds] = kinds(document)["exceeds"]
    assert (exceeds["code"], exceeds["region"], exceeds["demand"]) == (
        "CPUS-per-project-region",
        "europe-west1",
        4,
    )


def test_an_auto_scaling_group_from_a_launch_configuration_blocks_when_it_does_not_fit(
    capsys, tmp_path
):
    serving = aws_snapshot(
        tmp_path, [{"service": "ec2", "code": "L-1216C47A", "limit": 16, "usage": 4}]
    )
    code, document, _ = gate(capsys, CORPUS / "aws-asg-launch-configuration", "--quotas", serving)
    assert code == 1
    assert kinds(document)["exceeds"][0]["demand"] == 12


# False blocks ----------------------------------------------------------------------------


def test_no_demand_never_blocks_but_may_warn(capsys, tmp_path):
    # the account's concurrency is almost used up; the function reserves nothing
    serving = aws_snapshot(
        tmp_path,
        [
            {"service": "lambda", "code": "L-B99A9384", "limit": 1000, "usage": 990},
            {"service": "iam", "code": "L-FE177D64", "limit": 1000, "usage": 1, "region": "global"},
        ],
    )
    code, document, _ = gate(capsys, CORPUS / "aws-lambda-no-reservation", "--quotas", serving)
    assert code == 0, document
    assert "exceeds" not in kinds(document)
    assert kinds(document)["low_headroom"][0]["code"] == "L-B99A9384"


def test_a_parent_the_plan_creates_starts_at_zero(capsys, tmp_path):
    # other VPCs hold 195 subnets; the new VPC holds none of them
    serving = aws_snapshot(
        tmp_path,
        [
            {"service": "vpc", "code": code, "limit": 200, "usage": 195}
            for code in ("L-407747CB", "L-589F43AA")
        ],
    )
    _, document, _ = gate(capsys, CORPUS / "aws-vpc-subnets-per-az", "--quotas", serving)
    assert "exceeds" not in kinds(document), document["findings"]
    by_code = {row["quota"].split("/")[1].split("@")[0]: row for row in document["quotas"]}
    assert by_code["L-407747CB"]["usage"] == 0 and by_code["L-407747CB"]["demand"] == 6


def test_an_existing_parent_counts_only_its_own_usage_and_only_when_known(capsys, tmp_path):
    program = CORPUS / "aws-existing-vpc-subnets"
    unknown_usage = aws_snapshot(
        tmp_path, [{"service": "vpc", "code": "L-407747CB", "limit": 200, "usage": 198}]
    )
    code, document, _ = gate(capsys, program, "--quotas", unknown_usage)
    # account-wide usage says nothing about this VPC: unknown, and demand alone fits
    assert code == 0
    assert any("vpc-0feedbeef0000001" in f["message"] for f in kinds(document)["unknown"])

    known = aws_snapshot(
        tmp_path,
        [
            {
                "service": "vpc",
                "code": "L-407747CB",
                "limit": 200,
                "usage_per": {"vpc-0feedbeef0000001": 178, "vpc-other": 199},
            }
        ],
        name="known.yaml",
    )
    code, document, _ = gate(capsys, program, "--quotas", known)
    assert code == 1  # 178 + 4 > 180 usable; vpc-other's 199 is never added
    [exceeds] = kinds(document)["exceeds"]
    assert exceeds["usage"] == 178 and exceeds["demand"] == 4


# Run programs the way `pulumi preview` does ----------------------------------------------


def test_a_hanging_program_is_stopped_with_everything_it_started(tmp_path):
    pidfile = tmp_path / "pid"
    started = time.monotonic()
    with pytest.raises(Exception, match="did not finish in 3 s"):
        read_plan(PROGRAMS / "hangs", "dev", [f"pidfile={pidfile}"], timeout=3)
    assert time.monotonic() - started < 30
    grandchild = int(pidfile.read_text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the program's own child survived the timeout")


def test_the_timeout_must_be_positive(capsys, tmp_path):
    serving = aws_snapshot(tmp_path, [])
    code, _, err = gate(
        capsys, CORPUS / "aws-asg-launch-template", "--quotas", serving, "--timeout", "0"
    )
    assert code == 2 and "--timeout" in err


def test_the_program_runs_without_the_callers_secrets(monkeypatch, tmp_path):
    secrets = {
        "AWS_ACCESS_KEY_ID": "AKIA",
        "AWS_SECRET_ACCESS_KEY": "s",
        "AWS_SESSION_TOKEN": "t",
        "AWS_PROFILE": "prod",
        "GOOGLE_APPLICATION_CREDENTIALS": "/k.json",
        "GOOGLE_CREDENTIALS": "{}",
        "ARM_CLIENT_SECRET": "a",
        "PULUMI_ACCESS_TOKEN": "p",
        "GITHUB_TOKEN": "g",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "i",
        "ACTIONS_ID_TOKEN_REQUEST_URL": "https://x",
    }
    kept = {"AWS_REGION": "us-west-2", "USER": "dev", "HOME": str(tmp_path)}
    for name, value in {**secrets, **kept}.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "env.json"
    read_plan(PROGRAMS / "environment", "dev", [f"out={out}"])
    seen = set(json.loads(out.read_text()))
    assert not seen & set(secrets)
    assert set(kept) <= seen
    assert set(child_environment({**secrets, **kept})) == set(kept)


def test_a_program_that_forks_reports_once(capsys, tmp_path):
    plan = read_plan(PROGRAMS / "forks", "dev")
    assert [r.name for r in plan.resources] == ["after-fork"]


def test_a_program_that_exits_early_is_one_line(capsys, tmp_path):
    serving = aws_snapshot(tmp_path, [])
    code, _, err = gate(capsys, PROGRAMS / "exits", "--quotas", serving)
    assert code == 2 and err.count("\n") == 1 and "sys.exit(0)" in err


def test_a_lookup_the_gate_cannot_answer_is_an_unknown_finding(capsys, tmp_path):
    serving = aws_snapshot(
        tmp_path, [{"service": "ec2", "code": "L-1216C47A", "limit": 100, "usage": 0}]
    )
    code, document, _ = gate(capsys, PROGRAMS / "lookups", "--quotas", serving)
    assert code == 0
    messages = [f["message"] for f in kinds(document)["unknown"]]
    assert any("aws:ec2/getInstanceType:getInstanceType" in m for m in messages)
    # a hosted zone names something that exists already: no finding for it
    assert not any("route53" in m for m in messages)
    # with --strict, what the gate could not see blocks
    code, _, _ = gate(capsys, PROGRAMS / "lookups", "--quotas", serving, "--strict")
    assert code == 1


def test_a_stack_file_is_optional_and_config_can_come_from_the_command_line(capsys, tmp_path):
    serving = aws_snapshot(
        tmp_path,
        [{"service": "ec2", "code": "L-1216C47A", "limit": 100, "usage": 0}],
        region="eu-central-1",
    )
    program = CORPUS / "aws-config-cli-only"
    code, _, err = gate(capsys, program, "--quotas", serving)
    assert code == 2 and "missing required config key" in err
    code, document, _ = gate(
        capsys,
        program,
        "--quotas",
        serving,
        "--config",
        "aws:region=eu-central-1",
        "--config",
        "instanceType=c5.xlarge",
        "--config",
        "replicas=2",
    )
    assert code == 0
    assert {r["quota"]: r["demand"] for r in document["quotas"]}[
        "aws:ec2/L-1216C47A@eu-central-1"
    ] == 8

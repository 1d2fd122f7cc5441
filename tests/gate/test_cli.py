"""`quotapilot check`: the CLI contract other tests and CI rely on."""

from __future__ import annotations

import json

from quotapilot.cli.app import main
from tests.gate.conftest import PROGRAMS

BASIC = str(PROGRAMS / "basic")
# basic/prod: 3 x m5.large (6 vCPUs) in eu-west-1, a Lambda reserving 50 in us-east-1,
# one role (+1 attached policy)
ROOMY = [
    {"service": "ec2", "code": "L-1216C47A", "limit": 256, "usage": 10},
    {"service": "autoscaling", "code": "L-CDE20ADC", "limit": 500, "usage": 3},
    {"service": "lambda", "code": "L-B99A9384", "limit": 1000, "usage": 100, "region": "us-east-1"},
    {"service": "iam", "code": "L-FE177D64", "limit": 1000, "usage": 40, "region": "global"},
    {"service": "iam", "code": "L-0DA4ABF3", "limit": 10, "usage": 0, "region": "global"},
]


def run(capsys, *args):
    code = main(["check", BASIC, "--stack", "prod", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_roomy_quotas_pass_with_json_findings_schema(snapshot, capsys):
    code, out, _ = run(capsys, "--quotas", str(snapshot(ROOMY)), "--format", "json")
    document = json.loads(out)
    assert code == 0 and document["passed"] is True
    assert document["findings"] == []
    touched = {row["quota"] for row in document["quotas"]}
    assert "aws:ec2/L-1216C47A@eu-west-1" in touched
    assert "aws:lambda/L-B99A9384@us-east-1" in touched


def test_tight_quotas_block_and_regression_adds_baseline_limit(snapshot, capsys):
    tight = [dict(q) for q in ROOMY]
    tight[0] = {"service": "ec2", "code": "L-1216C47A", "limit": 16, "usage": 12}
    baseline = snapshot(
        [{"service": "lambda", "code": "L-B99A9384", "limit": 3000, "region": "us-east-1"}],
        name="loadtest.yaml",
        account="210987654321",
    )
    code, out, _ = run(
        capsys, "--quotas", str(snapshot(tight)), "--baseline", str(baseline), "--format", "json"
    )
    document = json.loads(out)
    assert code == 1 and document["passed"] is False
    by_kind = {f["kind"]: f for f in document["findings"]}
    exceeds = by_kind["exceeds"]
    assert {
        k: exceeds[k] for k in ("provider", "service", "code", "region", "limit", "usage", "demand")
    } == {
        "provider": "aws",
        "service": "ec2",
        "code": "L-1216C47A",
        "region": "eu-west-1",
        "limit": 16,
        "usage": 12,
        "demand": 6,
    }
    assert "--desired-value 20" in exceeds["command"]  # ceil(18 / 0.9)
    regression = by_kind["regression"]
    assert (regression["limit"], regression["baseline_limit"]) == (1000, 3000)
    for finding in document["findings"]:
        assert set(finding) >= {
            "kind",
            "provider",
            "service",
            "code",
            "region",
            "limit",
            "usage",
            "demand",
            "message",
        }


def test_github_format_writes_annotations_and_job_summary(snapshot, capsys, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    tight = [{"service": "ec2", "code": "L-1216C47A", "limit": 8, "usage": 4}]
    code, out, _ = run(
        capsys, "--quotas", str(snapshot(tight)), "--format", "github", "--buffer", "0"
    )
    assert code == 1
    assert any(line.startswith("::error title=quota exceeds::") for line in out.splitlines())
    assert "::warning title=quota unknown::" in out  # the quotas the snapshot lacks
    text = summary.read_text()
    assert "**blocked**" in text and "| aws:ec2/L-1216C47A@eu-west-1 | 8 | 4 | 6 | -2 |" in text


def test_input_errors_exit_2_with_one_line(snapshot, capsys, tmp_path):
    code, _, err = run(capsys, "--quotas", str(tmp_path / "missing.yaml"))
    assert code == 2 and err.startswith("error:") and "missing.yaml" in err
    assert "Traceback" not in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("provider: aws\naccount: '123456789012'\nquotas:\n  - {service: ec2}\n")
    code, _, err = run(capsys, "--quotas", str(bad))
    assert code == 2 and "quotas[0]" in err


def test_deployed_export_is_not_counted_twice(snapshot, capsys, tmp_path):
    """Re-previewing a deployed stack: its own 6 vCPUs are already in the usage."""
    from quotapilot.gate.program import read_plan

    plan = read_plan(BASIC, "prod")
    resources = [
        {
            "urn": "urn:pulumi:prod::basic::pulumi:providers:aws::default",
            "type": "pulumi:providers:aws",
            "id": "p",
            "inputs": {"region": "eu-west-1"},
        }
    ]
    for r in plan.resources:
        resources.append(
            {
                "urn": r.urn,
                "type": r.type,
                "id": r.id,
                "provider": "urn:pulumi:prod::basic::pulumi:providers:aws::default::p",
                "inputs": json.loads(json.dumps(dict(r.properties), default=str)),
                "outputs": json.loads(json.dumps(dict(r.properties), default=str)),
            }
        )
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"version": 3, "deployment": {"resources": resources}}))
    full = [{"service": "ec2", "code": "L-1216C47A", "limit": 16, "usage": 12}]
    code, out, _ = run(capsys, "--quotas", str(snapshot(full)), "--format", "json")
    assert code == 1  # 6 more on top of 12 would not fit 14.4
    code, out, _ = run(
        capsys, "--quotas", str(snapshot(full)), "--deployed", str(export), "--format", "json"
    )
    document = json.loads(out)
    ec2 = next(q for q in document["quotas"] if q["quota"] == "aws:ec2/L-1216C47A@eu-west-1")
    assert code == 0 and ec2["usage"] == 6 and ec2["demand"] == 6


def test_gcp_program_against_a_gcp_snapshot(capsys, tmp_path):
    import yaml

    serving = tmp_path / "gcp.yaml"
    serving.write_text(
        yaml.safe_dump(
            {
                "provider": "gcp",
                "project": "acme-prod",
                "region": "us-central1",
                "quotas": [
                    {
                        "service": "compute.googleapis.com",
                        "code": "N2-CPUS-per-project-region",
                        "limit": 24,
                        "usage": 4,
                    },
                    {
                        "service": "compute.googleapis.com",
                        "code": "CPUS-per-project-region",
                        "limit": 100,
                        "usage": 10,
                    },
                    {
                        "service": "compute.googleapis.com",
                        "code": "CPUS-ALL-REGIONS-per-project",
                        "limit": 200,
                        "usage": 20,
                        "region": "global",
                    },
                    {
                        "service": "compute.googleapis.com",
                        "code": "INSTANCES-per-project-region",
                        "limit": 100,
                        "usage": 3,
                    },
                    {
                        "service": "compute.googleapis.com",
                        "code": "SSD-TOTAL-GB-per-project-region",
                        "limit": 2048,
                        "usage": 100,
                    },
                    {
                        "service": "compute.googleapis.com",
                        "code": "STATIC-ADDRESSES-per-project-region",
                        "limit": 8,
                        "usage": 1,
                    },
                ],
            }
        )
    )
    code = main(
        [
            "check",
            str(PROGRAMS / "gcp"),
            "--stack",
            "prod",
            "--quotas",
            str(serving),
            "--format",
            "json",
        ]
    )
    document = json.loads(capsys.readouterr().out)
    quotas = {q["quota"]: q for q in document["quotas"]}
    # 6 x n2-standard-4 = 24 N2 vCPUs on top of 4 in use: over 24 x 0.9
    n2 = quotas["gcp:compute.googleapis.com/N2-CPUS-per-project-region@us-central1"]
    assert n2["demand"] == 24
    assert (
        quotas["gcp:compute.googleapis.com/SSD-TOTAL-GB-per-project-region@us-central1"]["demand"]
        == 500
    )
    assert code == 1
    [exceeds] = [f for f in document["findings"] if f["kind"] == "exceeds"]
    assert exceeds["code"] == "N2-CPUS-per-project-region"
    assert exceeds["command"].startswith(
        "gcloud beta quotas preferences create "
        "--service=compute.googleapis.com "
        "--quota-id=N2-CPUS-per-project-region"
    )
    assert "--project=acme-prod --dimensions=region=us-central1" in exceeds["command"]

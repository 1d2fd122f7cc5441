"""`quotapilot check --terraform-plan`: the same findings, exit codes and formats as the
Pulumi path, and one line naming the file for anything that isn't plan JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quotapilot.cli.app import main

PLANS = Path(__file__).parent / "plans"
SIMPLE = str(PLANS / "simple.json")
ROOMY = [
    {"service": "ec2", "code": "L-1216C47A", "limit": 256, "usage": 10},
    {"service": "autoscaling", "code": "L-CDE20ADC", "limit": 500, "usage": 3},
    {"service": "lambda", "code": "L-B99A9384", "limit": 1000, "usage": 100},
]


def run(capsys, *args):
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_roomy_quotas_pass_and_tight_ones_block_with_the_remedy(snapshot, capsys):
    code, out, _ = run(
        capsys, "--terraform-plan", SIMPLE, "--quotas", str(snapshot(ROOMY)), "--format", "json"
    )
    document = json.loads(out)
    assert code == 0 and document["passed"] is True and document["findings"] == []
    tight = [dict(q) for q in ROOMY]
    tight[0] = {"service": "ec2", "code": "L-1216C47A", "limit": 16, "usage": 12}
    code, out, _ = run(
        capsys, "--terraform-plan", SIMPLE, "--quotas", str(snapshot(tight)), "--format", "json"
    )
    (exceeds,) = json.loads(out)["findings"]
    assert code == 1
    assert (exceeds["kind"], exceeds["region"], exceeds["demand"], exceeds["usage"]) == (
        "exceeds",
        "eu-west-1",
        8,
        12,
    )
    assert "--desired-value 23" in exceeds["command"]  # ceil(20 / 0.9)


def test_github_format_annotates_and_writes_the_summary(snapshot, capsys, tmp_path):
    summary = tmp_path / "summary.md"
    tight = [{"service": "ec2", "code": "L-1216C47A", "limit": 16, "usage": 12}, *ROOMY[1:]]
    import os

    os.environ["GITHUB_STEP_SUMMARY"] = str(summary)
    try:
        code, out, _ = run(
            capsys,
            "--terraform-plan",
            SIMPLE,
            "--quotas",
            str(snapshot(tight)),
            "--format",
            "github",
        )
    finally:
        del os.environ["GITHUB_STEP_SUMMARY"]
    assert code == 1 and out.startswith("::error title=quota exceeds::")
    assert "**blocked**" in summary.read_text()


def test_write_input_holds_the_plan_and_the_facts_for_conftest(snapshot, capsys, tmp_path):
    target = tmp_path / "input.json"
    code, _, _ = run(
        capsys,
        "--terraform-plan",
        SIMPLE,
        "--quotas",
        str(snapshot(ROOMY)),
        "--write-input",
        str(target),
        "--format",
        "json",
    )
    document = json.loads(target.read_text())
    assert code == 0
    assert document["resource_changes"][0]["address"] == "aws_launch_template.web"
    assert {q["key"] for q in document["quotas"]} >= {"aws:ec2/L-1216C47A@eu-west-1"}
    assert document["settings"]["buffer_pct"] == 10


def _bad(tmp_path, name: str, content: bytes | None) -> Path:
    path = tmp_path / name
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    return path


BAD = {
    "empty.json": (b"", "is empty"),
    "tfplan": (b"PK\x03\x04\x14\x00\x00\x00tfplan", "binary plan file"),
    "latin1.json": ('{"format_version": "1.2", "x": "caf\xe9"}'.encode("latin-1"), "not UTF-8"),
    "dir.json": (None, "is a directory"),
    "deep.json": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    # valid JSON, but deeper than the code walking it (or the Rego evaluator) could go
    "deep-value.json": (
        b'{"format_version": "1.2", "resource_changes": [], "variables": {"v": {"value": '
        + b"[" * 900
        + b"]" * 900
        + b"}}}",
        "nested too deeply",
    ),
    "nan.json": (b'{"format_version": "1.2", "resource_changes": [], "x": NaN}', "NaN"),
    "state.json": (
        b'{"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {}}}',
        "Terraform state",
    ),
    "v2.json": (b'{"format_version": "2.0", "resource_changes": []}', "format_version '2.0'"),
    "list.json": (b"[]", "not a Terraform plan"),
    "text.json": (b"No changes. Your infrastructure matches the configuration.", "is not JSON"),
    "change.json": (
        b'{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "a", '
        b'"name": "b", "change": {"actions": "create"}}]}',
        "resource_changes[0]: change.actions",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_plan_files_exit_2_with_one_line_naming_the_file(name, tmp_path, snapshot, capsys):
    content, says = BAD[name]
    path = _bad(tmp_path, name, content)
    code, out, err = run(capsys, "--terraform-plan", str(path), "--quotas", str(snapshot(ROOMY)))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and str(path) in err and says in err, err
    if name in ("empty.json", "tfplan", "text.json", "state.json"):
        assert "terraform show -json" in err


def test_a_missing_plan_and_mixed_options_are_usage_errors(tmp_path, snapshot, capsys):
    quotas = str(snapshot(ROOMY))
    code, _, err = run(capsys, "--terraform-plan", str(tmp_path / "nope.json"), "--quotas", quotas)
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, "--terraform-plan", SIMPLE, "--stack", "prod", "--quotas", quotas)
    assert code == 2 and err.count("\n") == 1 and "--terraform-plan takes no" in err
    code, _, err = run(capsys, "--quotas", quotas)
    assert code == 2 and "--terraform-plan" in err


def test_a_blocked_plans_findings_are_what_request_reads(snapshot, capsys, tmp_path, monkeypatch):
    """The pipeline takes a Terraform plan too: check's JSON goes to `request` unchanged."""

    def no_clouds():
        raise AssertionError("a dry run must not connect")

    monkeypatch.setattr("quotapilot.pipeline.clouds.connect", no_clouds)
    tight = [{"service": "ec2", "code": "L-1216C47A", "limit": 16, "usage": 12}, *ROOMY[1:]]
    code, out, _ = run(
        capsys, "--terraform-plan", SIMPLE, "--quotas", str(snapshot(tight)), "--format", "json"
    )
    assert code == 1
    findings = tmp_path / "check.json"
    findings.write_text(out)
    code = main(["request", "--findings", str(findings), "--dry-run", "--format", "json"])
    [request] = json.loads(capsys.readouterr().out)["requests"]
    assert code == 0
    assert (request["code"], request["region"], request["desired_limit"]) == (
        "L-1216C47A",
        "eu-west-1",
        23.0,
    )
    assert request["status"] == "planned"

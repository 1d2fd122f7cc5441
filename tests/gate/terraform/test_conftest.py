"""The verdicts on Terraform plan input, evaluated the way conftest does: the document
`check --write-input` writes (the plan's own keys plus the facts), the rules
`quotapilot policies` writes, conftest's namespace and ``msg``."""

from __future__ import annotations

import json
from pathlib import Path

import regopy

from quotapilot.cli.app import main

PLAN = Path(__file__).parent / "plans" / "simple.json"


def conftest_query(directory: Path, document: dict) -> dict:
    interpreter = regopy.Interpreter()
    for file in sorted(directory.glob("*.rego")):
        interpreter.add_module(file.name, file.read_text())
    interpreter.set_input_term(json.dumps(document))
    answer = json.loads(str(interpreter.query("result := data.quotapilot_conftest")))
    return answer["bindings"]["result"]


def test_conftest_sees_the_same_findings_as_check(snapshot, tmp_path, capsys):
    quotas = snapshot([{"service": "ec2", "code": "L-1216C47A", "limit": 16, "usage": 12}])
    written = tmp_path / "input.json"
    code = main(
        [
            "check",
            "--terraform-plan",
            str(PLAN),
            "--quotas",
            str(quotas),
            "--format",
            "json",
            "--write-input",
            str(written),
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert main(["policies", str(tmp_path / "policy")]) == 0
    capsys.readouterr()
    result = conftest_query(tmp_path / "policy", json.loads(written.read_text()))
    denied = sorted(r["msg"] for r in result["deny_quota"])
    warned = sorted(r["msg"] for r in result["warn_quota"])
    blocking = sorted(f["message"] for f in report["findings"] if f["severity"] == "block")
    warning = sorted(f["message"] for f in report["findings"] if f["severity"] == "warn")
    assert denied == blocking and len(denied) == 1 and "exceeds" not in denied[0]
    assert "aws:ec2/L-1216C47A@eu-west-1 needs 20" in denied[0]
    assert warned == warning
    # a team's existing conftest rules for plan JSON read the same document
    assert json.loads(written.read_text())["resource_changes"][1]["type"] == "aws_autoscaling_group"

"""``quotapilot simulate`` through the real entry point: the JSON contract, errors, the plot."""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, datetime, timedelta

import pytest

from quotapilot.cli.app import main
from quotapilot.engine.decision.forecasting import CurrentValueForecaster

HEADER = "timestamp,service,code,region,usage,limit\n"
START = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday, business hours


@pytest.fixture(autouse=True)
def _current_value_forecaster(monkeypatch):
    # The decisions below are computed by hand against "predicted = current usage".
    monkeypatch.setattr(
        "quotapilot.engine.decision.forecasting.engine_forecaster", lambda: CurrentValueForecaster()
    )


def write(tmp_path, rows, rules):
    history = tmp_path / "history.csv"
    history.write_text(HEADER + "".join(rows))
    rules_file = tmp_path / "RULES.yaml"
    rules_file.write_text(textwrap.dedent(rules))
    return history, rules_file


def rows_for(usages, limit=100, service="lambda", code="L-B99A9384", region="us-east-1"):
    return [
        f"{(START + timedelta(minutes=5 * i)).isoformat()},{service},{code},{region},{u},{limit}\n"
        for i, u in enumerate(usages)
    ]


FULL_AUTO = """
rules:
  - service: lambda
    code: L-B99A9384
    automation_level: full_auto
    unit_monthly_cost: 0
"""


def run_json(capsys, *args):
    code = main(["simulate", *args, "--format", "json"])
    out = capsys.readouterr()
    return code, json.loads(out.out) if code == 0 else out.err


def test_increase_is_granted_from_the_next_point(tmp_path, capsys):
    history, rules = write(tmp_path, rows_for([50, 96, 96, 150, 210]), FULL_AUTO)
    code, out = run_json(capsys, "--history", str(history), "--rules", str(rules))
    assert code == 0
    decisions = out["decisions"]
    assert [d["action"] for d in decisions] == [
        "emergency_increase",
        "preemptive_increase",
        "auto_increase",
    ]
    first, second, third = decisions
    assert first == {
        "timestamp": (START + timedelta(minutes=5)).isoformat(),
        "service": "lambda",
        "code": "L-B99A9384",
        "region": "us-east-1",
        "action": "emergency_increase",
        "utilization": 96.0,
        "predicted_utilization": 96.0,
        "limit": 100.0,
        "new_limit": 200.0,
    }
    # 96 of the granted 200 is below the warning threshold: nothing at the third point
    assert (
        second["limit"] == 200.0 and second["utilization"] == 75.0 and second["new_limit"] == 240.0
    )
    assert third["limit"] == 240.0 and third["new_limit"] == 360.0


def test_alerts_repeat_only_after_the_cooldown(tmp_path, capsys):
    rules_text = """
    rules:
      - service: lambda
        code: L-B99A9384
        automation_level: alert_only
        alert_cooldown_minutes: 10
    """
    history, rules = write(tmp_path, rows_for([80, 80, 80, 90, 80]), rules_text)
    code, out = run_json(capsys, "--history", str(history), "--rules", str(rules))
    assert code == 0
    assert [(d["action"], d["timestamp"][11:16]) for d in out["decisions"]] == [
        ("alert_warning", "10:00"),
        ("alert_warning", "10:10"),
        ("alert_critical", "10:15"),
        ("alert_warning", "10:20"),
    ]


def test_approval_keeps_the_request_open(tmp_path, capsys):
    rules_text = FULL_AUTO + "    approval_required: true\n"
    history, rules = write(tmp_path, rows_for([90, 90]), rules_text)
    _, out = run_json(capsys, "--history", str(history), "--rules", str(rules))
    assert [d["action"] for d in out["decisions"]] == ["approval_requested", "alert_critical"]
    assert out["decisions"][0]["new_limit"] == 150.0
    assert out["decisions"][1]["limit"] == 100.0


def test_quota_without_rule_is_reported_not_dropped(tmp_path, capsys):
    history, rules = write(tmp_path, rows_for([99], service="ec2", code="L-1"), FULL_AUTO)
    assert main(["simulate", "--history", str(history), "--rules", str(rules)]) == 0
    assert "no rule for aws:ec2/L-1@us-east-1" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("row", "where"),
    [
        ("yesterday,lambda,L-B99A9384,us-east-1,5,100\n", "row 2: timestamp: not an ISO 8601"),
        (
            "2026-11-25T10:00:00Z,lambda,L-B99A9384,us-east-1,lots,100\n",
            "row 2: usage: not a number",
        ),
        ("2026-11-25T10:00:00Z,lambda,L-B99A9384,us-east-1,-1,100\n", "row 2: usage: must be"),
        ("2026-11-25T10:00:00Z,lambda,L-B99A9384,us-east-1,1,-5\n", "row 2: limit:"),
        ("2026-11-25T10:00:00Z,,L-B99A9384,us-east-1,1,5\n", "row 2: service: is empty"),
        ("2026-11-25T10:00:00Z,lambda,L-B99A9384\n", "row 2: expected 6 fields"),
    ],
)
def test_bad_history_names_file_row_and_field(tmp_path, capsys, row, where):
    history, rules = write(tmp_path, [row], FULL_AUTO)
    assert main(["simulate", "--history", str(history), "--rules", str(rules)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {history}: {where}")
    assert "Traceback" not in err


def test_bad_rules_name_file_entry_and_field(tmp_path, capsys):
    rules_text = """
    rules:
      - {service: lambda, code: L-B99A9384, automation_level: full_auto}
      - {service: ec2, code: L-1, automation_level: full_auto, threshold_warning: 99}
    """
    history, rules = write(tmp_path, rows_for([1]), rules_text)
    assert main(["simulate", "--history", str(history), "--rules", str(rules)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {rules}: rules[1]: threshold_warning: ")


def test_missing_column_is_named(tmp_path, capsys):
    history = tmp_path / "h.csv"
    history.write_text("timestamp,service,code,region,usage\n2026-11-25T10:00:00Z,a,b,c,1\n")
    _, rules = write(tmp_path, [], FULL_AUTO)
    assert main(["simulate", "--history", str(history), "--rules", str(rules)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {history}: row 1: limit: missing column")


def test_plot_is_a_png(tmp_path, capsys):
    history, rules = write(tmp_path, rows_for([50, 80, 96, 99, 120]), FULL_AUTO)
    out = tmp_path / "out.png"
    assert (
        main(["simulate", "--history", str(history), "--rules", str(rules), "--plot", str(out)])
        == 0
    )
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "preemptive_increase" in capsys.readouterr().out

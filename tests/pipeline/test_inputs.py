"""Bad inputs to ``request`` and ``wait``: exit 2 with one line naming the file, no traceback,
and nothing created that was only meant to be read."""

from __future__ import annotations

import json

import pytest

from tests.pipeline.conftest import check_report, exceeds, write

BAD_FINDINGS = {
    "empty": b"",
    "blank": b"  \n",
    "binary": b"\x00\x01\xff\xfe",
    "invalid utf-8": b'{"passed": "\xe9"}',
    "invalid json": b'{"passed": false,',
    "a list": b"[]",
    "not a check report": b'{"requests": []}',
    "NaN": json.dumps(check_report(exceeds())).replace('"limit": 128', '"limit": NaN').encode(),
    "Infinity": json.dumps(check_report(exceeds())).replace("134", "Infinity").encode(),
    "1e309": json.dumps(check_report(exceeds())).replace("134", "1e309").encode(),
    "400 digits": json.dumps(check_report(exceeds())).replace("134", "9" * 400).encode(),
    "a bool": json.dumps(check_report(exceeds(desired_limit=True))).encode(),
    "a string number": json.dumps(check_report(exceeds(desired_limit="134"))).encode(),
    "negative": json.dumps(check_report(exceeds(desired_limit=-1))).encode(),
    "a list number": json.dumps(check_report(exceeds(usage=[1]))).encode(),
    "bad provider": json.dumps(check_report(exceeds(provider="azure"))).encode(),
    "blocked without findings": json.dumps(check_report()).encode(),
    "deep nesting": b"[" * 10_000 + b"]" * 10_000,
    "finding not an object": b'{"passed": false, "findings": [1], "quotas": []}',
    "gcp without project": json.dumps(
        check_report(exceeds(provider="gcp", service="compute.googleapis.com", command=""))
    ).encode(),
}


@pytest.mark.parametrize("case", sorted(BAD_FINDINGS))
def test_bad_findings_exit_2_naming_the_file(tmp_path, cli, case):
    path = tmp_path / "check.json"
    path.write_bytes(BAD_FINDINGS[case])
    run = cli("request", "--findings", str(path), "--dry-run")
    assert run.code == 2, (case, run.out, run.err)
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0], (case, run.err)
    assert "Traceback" not in run.err


def test_missing_file_and_directory(tmp_path, cli):
    missing = tmp_path / "nope" / "check.json"
    run = cli("request", "--findings", str(missing), "--dry-run")
    assert run.code == 2 and "no such file" in run.err
    assert not missing.parent.exists()
    run = cli("request", "--findings", str(tmp_path), "--dry-run")
    assert run.code == 2 and "is a directory" in run.err


def test_bad_numbers_on_the_command_line(tmp_path, cli):
    findings = write(tmp_path / "check.json", check_report(exceeds()))
    for value in ("nan", "inf", "-1"):
        run = cli("request", "--findings", str(findings), "--auto-approve-below", value)
        assert run.code == 2, value
    # (Usage errors such as --format xml belong to main()'s error handling, tested there.)
    assert cli("wait", "--requests", str(findings), "--timeout", "nan").code == 2


BAD_REQUESTS = {
    "a check report": json.dumps(check_report(exceeds())),
    "unknown status": json.dumps({"requests": [{"status": "lost", "method": "service_quotas"}]}),
    "requested without id": json.dumps(
        {
            "requests": [
                {
                    "provider": "aws",
                    "service": "ec2",
                    "code": "L-1216C47A",
                    "region": "us-east-1",
                    "current_limit": 128,
                    "desired_limit": 134,
                    "method": "service_quotas",
                    "estimated_monthly_cost": 1,
                    "approval": "auto",
                    "status": "requested",
                    "request_id": "",
                }
            ]
        }
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_REQUESTS))
def test_bad_requests_file_exit_2(tmp_path, cli, case):
    path = tmp_path / "requests.json"
    path.write_text(BAD_REQUESTS[case])
    run = cli("wait", "--requests", str(path))
    assert run.code == 2, (case, run.err)
    assert str(path) in run.err and len(run.err.strip().splitlines()) == 1
    assert not (tmp_path / "requests.json.wait-state.json").exists()


def test_a_dry_run_plan_cannot_be_waited_for(tmp_path, cli, connected):
    findings = write(tmp_path / "check.json", check_report(exceeds()))
    planned = tmp_path / "requests.json"
    assert cli("request", "--findings", str(findings), "--dry-run", "--output", str(planned))
    run = cli("wait", "--requests", str(planned))
    assert run.code == 2 and "dry run" in run.err


def test_unwritable_output_exit_2(tmp_path, cli):
    findings = write(tmp_path / "check.json", check_report(exceeds()))
    out = tmp_path / "missing-dir" / "requests.json"
    run = cli("request", "--findings", str(findings), "--dry-run", "--output", str(out))
    assert run.code == 2 and str(out) in run.err


def test_unwritable_step_summary_exit_2(tmp_path, cli, monkeypatch):
    summary = tmp_path / "summary-dir"
    summary.mkdir()  # a directory where the summary file should be
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    findings = write(tmp_path / "check.json", check_report(exceeds()))
    run = cli("request", "--findings", str(findings), "--dry-run", "--format", "github")
    assert run.code == 2 and str(summary) in run.err and "Traceback" not in run.err

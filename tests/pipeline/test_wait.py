"""``quotapilot wait`` end to end through the CLI: check JSON -> request -> wait, with
Stubber-validated AWS calls and a clock that never sleeps."""

from __future__ import annotations

import json

from tests.pipeline.conftest import check_report, exceeds, write


def filed(tmp_path, aws, cli, *findings) -> str:
    """Run `request` for real (stubbed AWS) and return the requests file it wrote."""
    path = write(tmp_path / "check.json", check_report(*findings))
    out = tmp_path / "requests.json"
    run = cli("request", "--findings", str(path), "--output", str(out), "--format", "json")
    assert run.code == 0, run.err
    return str(out)


def file_ec2(aws, request_id="r-1", code="L-1216C47A", desired=134.0) -> None:
    asked = {"ServiceCode": "ec2", "QuotaCode": code}
    aws.quota(128, code=code)
    aws.quotas_stub.add_response(
        "list_requested_service_quota_change_history_by_quota", {"RequestedQuotas": []}, asked
    )
    aws.quotas_stub.add_response(
        "request_service_quota_increase",
        {"RequestedQuota": {"Id": request_id, "Status": "PENDING", "DesiredValue": desired}},
        {**asked, "DesiredValue": desired, "SupportCaseAllowed": True},
    )


def test_granted_after_two_polls(tmp_path, aws, connected, cli, clock):
    file_ec2(aws)
    requests = filed(tmp_path, aws, cli, exceeds())
    aws.change("r-1", "PENDING")
    aws.change("r-1", "APPROVED")
    aws.quota(134)  # the grant is visible in the quota itself
    run = cli("wait", "--requests", requests, "--interval", "30")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].startswith("poll 1 (0s): 0/1 granted; pending: aws:ec2/L-1216C47A@us-east-1")
    assert "(PENDING)" in lines[0]
    assert lines[1] == "poll 2 (30s): 1/1 granted"
    assert lines[-1] == "all 1 increase(s) granted"
    assert clock.sleeps == [30]


def test_approved_but_not_yet_visible_keeps_waiting(tmp_path, aws, connected, cli, clock):
    file_ec2(aws)
    requests = filed(tmp_path, aws, cli, exceeds())
    aws.change("r-1", "APPROVED")
    aws.quota(128)  # approved, but the quota still says 128
    aws.change("r-1", "APPROVED")
    aws.quota(134)
    run = cli("wait", "--requests", requests, "--interval", "10")
    assert run.code == 0
    assert "APPROVED, limit still 128" in run.out.splitlines()[0]


def test_denied_exits_1_and_names_it(tmp_path, aws, connected, cli, clock):
    file_ec2(aws)
    requests = filed(tmp_path, aws, cli, exceeds())
    aws.change("r-1", "DENIED")
    run = cli("wait", "--requests", requests)
    assert run.code == 1
    assert "denied: aws:ec2/L-1216C47A@us-east-1" in run.err
    assert clock.sleeps == []  # a denial ends the wait at once


def test_deadline_names_what_is_still_pending(tmp_path, aws, connected, cli, clock):
    file_ec2(aws)
    requests = filed(tmp_path, aws, cli, exceeds())
    for _ in range(3):  # at 0 s, 60 s and at the deadline, 100 s
        aws.change("r-1", "CASE_OPENED")
    run = cli("wait", "--requests", requests, "--timeout", "100", "--interval", "60")
    assert run.code == 1
    assert clock.sleeps == [60, 40]
    assert "deadline passed; still pending: aws:ec2/L-1216C47A@us-east-1" in run.err


def test_interrupted_wait_resumes_without_polling_what_is_settled(
    tmp_path, aws, connected, cli, clock
):
    file_ec2(aws)
    file_ec2(aws, "r-2", code="L-34B43A08")
    requests = filed(
        tmp_path, aws, cli, exceeds(), exceeds(code="L-34B43A08", message="vt instances")
    )
    state = tmp_path / "requests.json.wait-state.json"
    # First run: one granted, the other pending, then Ctrl-C during the sleep.
    aws.change("r-1", "APPROVED")
    aws.quota(134)
    aws.change("r-2", "PENDING")
    clock.interrupt_at_sleep = 1
    run = cli("wait", "--requests", requests)
    assert run.code == 130
    assert "run the same command again to resume" in run.err
    saved = json.loads(state.read_text())
    assert saved["polls"] == 1
    assert sorted(r["state"] for r in saved["results"].values()) == ["granted", "pending"]
    assert not list(tmp_path.glob(".requests.json.wait-state.json.*"))  # no torn temp file

    # Second run: only the pending one is polled (the Stubber would reject a call for r-1).
    clock.interrupt_at_sleep = None
    aws.change("r-2", "APPROVED")
    aws.quota(134, code="L-34B43A08")
    run = cli("wait", "--requests", requests)
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == "poll 2 (0s): 2/2 granted"


def test_state_of_another_requests_file_is_not_reused(tmp_path, aws, connected, cli, clock):
    file_ec2(aws)
    requests = filed(tmp_path, aws, cli, exceeds())
    state = tmp_path / "requests.json.wait-state.json"
    state.write_text(
        json.dumps({"version": 1, "requests_digest": "other", "polls": 7, "results": {"x": {}}})
    )
    aws.change("r-1", "APPROVED")
    aws.quota(134)
    run = cli("wait", "--requests", requests)
    assert run.code == 0
    assert run.out.startswith("poll 1 ")


def test_needs_approval_fails_at_once(tmp_path, cli, clock, connected):
    findings = write(tmp_path / "check.json", check_report(exceeds(desired_limit=400)))
    out = tmp_path / "requests.json"
    assert cli("request", "--findings", str(findings), "--output", str(out)).code == 1
    run = cli("wait", "--requests", str(out))
    assert run.code == 1
    assert "not requested: aws:ec2/L-1216C47A@us-east-1 (needs_approval)" in run.out
    assert clock.sleeps == []


def test_support_case_resolved_and_visible(tmp_path, aws, connected, cli, clock):
    aws.quota(128, adjustable=False)
    aws.support_stub.add_response(
        "describe_cases", {"cases": []}, {"includeResolvedCases": False, "language": "en"}
    )
    aws.support_stub.add_response("create_case", {"caseId": "case-7"})
    requests = filed(tmp_path, aws, cli, exceeds())
    by_id = {"caseIdList": ["case-7"], "includeResolvedCases": True, "language": "en"}
    aws.support_stub.add_response(
        "describe_cases", {"cases": [{"caseId": "case-7", "status": "work-in-progress"}]}, by_id
    )
    aws.support_stub.add_response(
        "describe_cases", {"cases": [{"caseId": "case-7", "status": "resolved"}]}, by_id
    )
    aws.quota(128, adjustable=False)  # resolved, but not raised: a refusal
    run = cli("wait", "--requests", requests, "--interval", "5")
    assert run.code == 1
    assert "case resolved, but the limit is 128, below the 134 needed" in run.out


def test_the_gate_s_own_json_flows_through_request_and_wait(tmp_path, aws, connected, cli, clock):
    """The seam: what `check --format json` writes is what `request` reads, and so on."""
    from quotapilot.domain import PlannedResource
    from quotapilot.gate.check import run_check
    from quotapilot.gate.report import as_json
    from quotapilot.sources.snapshot import SnapshotSource

    plan = [
        PlannedResource(
            "aws:ec2/instance:Instance", f"web{i}", urn=f"urn:web{i}",
            properties={"instanceType": "m5.xlarge"},
        )
        for i in range(3)
    ]  # fmt: skip
    serving = SnapshotSource.from_document(
        {"provider": "aws", "account": "123456789012", "region": "us-east-1",
         "quotas": [{"service": "ec2", "code": "L-1216C47A", "limit": 16, "usage": 8}]}
    )  # fmt: skip
    result = run_check(plan, serving, regions={"aws": "us-east-1"})
    assert not result.passed
    check = tmp_path / "check.json"
    check.write_text(as_json(result))
    desired = json.loads(check.read_text())["findings"][0]["desired_limit"]
    aws.quota(16)
    aws.quotas_stub.add_response(
        "list_requested_service_quota_change_history_by_quota",
        {"RequestedQuotas": []},
        {"ServiceCode": "ec2", "QuotaCode": "L-1216C47A"},
    )
    aws.quotas_stub.add_response(
        "request_service_quota_increase",
        {"RequestedQuota": {"Id": "r-9", "Status": "PENDING"}},
        {"ServiceCode": "ec2", "QuotaCode": "L-1216C47A", "DesiredValue": float(desired),
         "SupportCaseAllowed": True},
    )  # fmt: skip
    out = tmp_path / "requests.json"
    run = cli("request", "--findings", str(check), "--output", str(out))
    assert run.code == 0, run.out + run.err
    aws.change("r-9", "APPROVED", desired=desired)
    aws.quota(desired)
    assert cli("wait", "--requests", str(out)).code == 0


def test_a_failing_poll_is_reported_and_retried_until_the_deadline(
    tmp_path, aws, connected, cli, clock
):
    file_ec2(aws)
    requests = filed(tmp_path, aws, cli, exceeds())
    aws.quotas_stub.add_client_error(
        "get_requested_service_quota_change", "AccessDeniedException", "not allowed"
    )
    aws.change("r-1", "APPROVED")
    aws.quota(134)
    run = cli("wait", "--requests", requests, "--interval", "5", "--timeout", "60")
    assert run.code == 0
    assert "poll failed: An error occurred (AccessDeniedException)" in run.out.splitlines()[0]

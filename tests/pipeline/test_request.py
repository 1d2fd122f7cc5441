"""``quotapilot request`` on AWS, through the CLI, against Stubber-validated Service Quotas and
Support calls."""

from __future__ import annotations

from datetime import UTC, datetime

from botocore.stub import ANY

from quotapilot.permissions import NO_RESOURCE_SCOPE
from quotapilot.pipeline.aws import AwsIncreases
from tests.pipeline.conftest import EC2, check_report, exceeds, write

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def requested(request_id: str, status: str = "PENDING", desired: float = 134.0) -> dict:
    return {
        "Id": request_id,
        "ServiceCode": "ec2",
        "QuotaCode": "L-1216C47A",
        "DesiredValue": desired,
        "Status": status,
        "Created": NOW,
    }


def test_adjustable_quota_is_requested_once_with_cost_and_id(
    tmp_path, aws, connected, cli, aws_operations
):
    findings = write(tmp_path / "check.json", check_report(exceeds()))
    aws.quota(128)
    aws.quotas_stub.add_response(
        "list_requested_service_quota_change_history_by_quota", {"RequestedQuotas": []}, EC2
    )
    aws.quotas_stub.add_response(
        "request_service_quota_increase",
        {"RequestedQuota": requested("r-1")},
        {**EC2, "DesiredValue": 134.0, "SupportCaseAllowed": True},
    )
    run = cli("request", "--findings", str(findings), "--format", "json")
    assert run.code == 0, run.err
    [request] = run.json()["requests"]
    assert request == {
        "provider": "aws",
        "service": "ec2",
        "code": "L-1216C47A",
        "region": "us-east-1",
        "account": "",
        "current_limit": 128.0,
        "desired_limit": 134.0,
        "method": "service_quotas",
        "estimated_monthly_cost": 432.0,  # 6 more instances at the engine's $72 each
        "approval": "auto",
        "status": "requested",
        "request_id": "r-1",
        "message": "",
    }
    # What was called is what the class declares (the pipeline role's policy).
    declared = {a for needs in AwsIncreases.permissions for a in needs.actions}
    assert aws_operations <= declared
    assert all(n.resource == NO_RESOURCE_SCOPE for n in AwsIncreases.permissions)


def test_open_request_is_reported_not_requested_again(tmp_path, aws, connected, cli):
    findings = write(tmp_path / "check.json", check_report(exceeds()))
    aws.quota(128)
    aws.quotas_stub.add_response(
        "list_requested_service_quota_change_history_by_quota",
        {"RequestedQuotas": [requested("r-0", "CASE_OPENED", desired=100)]},
        EC2,
    )
    # no RequestServiceQuotaIncrease stubbed: a second request would fail the Stubber
    run = cli("request", "--findings", str(findings), "--format", "json")
    assert run.code == 0, run.err
    [request] = run.json()["requests"]
    assert (request["status"], request["request_id"]) == ("already_open", "r-0")
    assert "only 100" in request["message"]  # the open one asks for less than the plan needs


def test_not_adjustable_quota_gets_a_support_case_with_the_justification(
    tmp_path, aws, connected, cli, monkeypatch
):
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/shop")
    monkeypatch.setenv("GITHUB_RUN_ID", "42")
    findings = write(tmp_path / "check.json", check_report(exceeds()))
    aws.quota(128, adjustable=False)
    aws.support_stub.add_response(
        "describe_cases",
        {
            "cases": [
                {"caseId": "c-other", "subject": "Quota increase: ec2 L-0263D0A3 in us-east-1"}
            ]
        },
        {"includeResolvedCases": False, "language": "en"},
    )
    aws.support_stub.add_response(
        "create_case",
        {"caseId": "case-7"},
        {
            "subject": "Quota increase: ec2 L-1216C47A in us-east-1",
            "serviceCode": "service-limit-increase",
            "categoryCode": "service-limit-increase",
            "severityCode": "normal",
            "communicationBody": ANY,
            "language": "en",
        },
    )
    sent: dict = {}
    aws.support.meta.events.register(
        "provide-client-params.support.CreateCase", lambda params, **_: sent.update(params)
    )
    run = cli("request", "--findings", str(findings), "--format", "json", "--environment", "prod")
    assert run.code == 0, run.err
    [request] = run.json()["requests"]
    assert (request["method"], request["status"], request["request_id"]) == (
        "support_case",
        "requested",
        "case-7",
    )
    body = sent["communicationBody"]
    for expected in ("prod environment", "current limit 128", "needs 40", "80 is already in use"):
        assert expected in body
    assert "raise ec2 quota L-1216C47A in us-east-1 (account this account) to 134" in body
    assert "https://github.com/acme/shop/actions/runs/42" in body


def test_open_support_case_is_not_duplicated(tmp_path, aws, connected, cli):
    findings = write(tmp_path / "check.json", check_report(exceeds()))
    aws.quota(128, adjustable=False)
    aws.support_stub.add_response(
        "describe_cases",
        {"cases": [{"caseId": "case-7", "subject": "Quota increase: ec2 L-1216C47A in us-east-1"}]},
        {"includeResolvedCases": False, "language": "en"},
    )
    run = cli("request", "--findings", str(findings), "--format", "json")
    assert run.code == 0
    [request] = run.json()["requests"]
    assert (request["status"], request["request_id"]) == ("already_open", "case-7")


def test_no_support_plan_means_not_adjustable_and_exit_1(tmp_path, aws, connected, cli):
    findings = write(tmp_path / "check.json", check_report(exceeds()))
    aws.quota(128, adjustable=False)
    aws.support_stub.add_client_error(
        "describe_cases", "SubscriptionRequiredException", "no premium support"
    )
    run = cli("request", "--findings", str(findings), "--format", "json")
    assert run.code == 1
    [request] = run.json()["requests"]
    assert request["status"] == "not_adjustable"
    assert "Quota increase: ec2 L-1216C47A in us-east-1" in request["message"]


def test_above_threshold_is_not_filed_and_says_how_to_approve(tmp_path, aws, connected, cli):
    findings = write(tmp_path / "check.json", check_report(exceeds(desired_limit=200)))
    # 72 more instances at $72: $5,184/month; nothing stubbed, so nothing may be called
    run = cli("request", "--findings", str(findings), "--format", "json")
    assert run.code == 1
    [request] = run.json()["requests"]
    assert (request["approval"], request["status"]) == ("required", "needs_approval")
    assert request["estimated_monthly_cost"] == 5184.0
    assert "--approve aws:ec2/L-1216C47A@us-east-1" in request["message"]

    # The approval given, it is filed (and still marked as one that needed approval).
    aws.quota(128)
    aws.quotas_stub.add_response(
        "list_requested_service_quota_change_history_by_quota", {"RequestedQuotas": []}, EC2
    )
    aws.quotas_stub.add_response(
        "request_service_quota_increase",
        {"RequestedQuota": requested("r-2", desired=200)},
        {**EC2, "DesiredValue": 200.0, "SupportCaseAllowed": True},
    )
    approved = cli(
        "request",
        "--findings",
        str(findings),
        "--format",
        "json",
        "--approve",
        "aws:ec2/L-1216C47A@us-east-1",
    )
    assert approved.code == 0, approved.err
    [request] = approved.json()["requests"]
    assert (request["approval"], request["status"]) == ("required", "requested")


def test_threshold_is_a_cli_choice(tmp_path, connected, cli):
    findings = write(tmp_path / "check.json", check_report(exceeds(desired_limit=200)))
    run = cli(
        "request", "--findings", str(findings), "--dry-run", "--format", "json",
        "--auto-approve-below", "6000",
    )  # fmt: skip
    assert run.code == 0
    assert run.json()["requests"][0]["status"] == "planned"


def test_dry_run_calls_no_cloud(tmp_path, cli, monkeypatch):
    def no_clouds():
        raise AssertionError("a dry run must not connect")

    monkeypatch.setattr("quotapilot.pipeline.clouds.connect", no_clouds)
    findings = write(
        tmp_path / "check.json",
        check_report(
            exceeds(),
            exceeds(
                kind="regression",
                policy="deny_regression",
                desired_limit=140,
                baseline_limit=140,
            ),
        ),
    )
    run = cli("request", "--findings", str(findings), "--dry-run", "--format", "json")
    assert run.code == 0
    # Two findings about one quota: one request, for the larger limit.
    [request] = run.json()["requests"]
    assert (request["status"], request["desired_limit"], request["request_id"]) == (
        "planned",
        140.0,
        "",
    )


def test_limit_already_raised_needs_no_request(tmp_path, aws, connected, cli):
    findings = write(tmp_path / "check.json", check_report(exceeds()))
    aws.quota(256)
    run = cli("request", "--findings", str(findings), "--format", "json")
    assert run.code == 0
    [request] = run.json()["requests"]
    assert (request["status"], request["current_limit"]) == ("granted", 256.0)


def test_access_denied_is_failed_and_exit_1(tmp_path, aws, connected, cli):
    findings = write(tmp_path / "check.json", check_report(exceeds()))
    aws.quotas_stub.add_client_error("get_service_quota", "AccessDeniedException", "no")
    run = cli("request", "--findings", str(findings), "--format", "json")
    assert run.code == 1
    [request] = run.json()["requests"]
    assert request["status"] == "failed" and "AccessDenied" in request["message"]


def test_blocking_finding_no_request_can_fix_fails_closed(tmp_path, connected, cli):
    allocation = exceeds(kind="allocation", policy="deny_allocation")
    del allocation["desired_limit"]
    findings = write(tmp_path / "check.json", check_report(allocation))
    run = cli("request", "--findings", str(findings), "--format", "json", "--dry-run")
    assert run.code == 1
    assert run.json() == {
        "requests": [],
        "unresolved": [{"kind": "allocation", "message": allocation["message"]}],
    }


def test_github_format_annotates_and_writes_the_summary(tmp_path, connected, cli, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    findings = write(tmp_path / "check.json", check_report(exceeds(desired_limit=200)))
    out = tmp_path / "requests.json"
    run = cli(
        "request", "--findings", str(findings), "--dry-run", "--format", "github",
        "--output", str(out),
    )  # fmt: skip
    assert run.code == 1
    assert run.out.startswith("::error title=quota request::aws:ec2/L-1216C47A@us-east-1")
    assert "needs_approval" in summary.read_text()
    assert '"needs_approval"' in out.read_text()  # the JSON wait reads, written as well


def test_lost_response_after_aws_acted_is_not_requested_twice(tmp_path, aws, connected, cli):
    """The retry of a request whose response was lost finds AWS already holds it."""
    findings = write(tmp_path / "check.json", check_report(exceeds()))
    aws.quota(128)
    aws.quotas_stub.add_response(
        "list_requested_service_quota_change_history_by_quota", {"RequestedQuotas": []}, EC2
    )
    aws.quotas_stub.add_client_error(
        "request_service_quota_increase", "ResourceAlreadyExistsException", "already requested"
    )
    aws.quotas_stub.add_response(
        "list_requested_service_quota_change_history_by_quota",
        {"RequestedQuotas": [requested("r-lost")]},
        EC2,
    )
    run = cli("request", "--findings", str(findings), "--format", "json")
    assert run.code == 0
    [request] = run.json()["requests"]
    assert (request["status"], request["request_id"]) == ("already_open", "r-lost")


def test_passed_check_requests_nothing(tmp_path, connected, cli):
    findings = write(tmp_path / "check.json", check_report(passed=True))
    run = cli("request", "--findings", str(findings), "--format", "json")
    assert (run.code, run.json()) == (0, {"requests": [], "unresolved": []})

"""GCP quota preferences through the CLI: ``request`` and ``wait`` against recorded Cloud
Quotas REST responses, through the client library's own transport."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from quotapilot.pipeline.gcp import GcpPreferences, preference_id
from tests.pipeline.conftest import PROJECT, check_report, exceeds, recording, write

CPUS = "CPUS-per-project-region"
NAME = (
    f"projects/{PROJECT}/locations/global/quotaPreferences/"
    "quotapilot-cpus-per-project-region-us-central1"
)


def gcp_finding(**overrides):
    fields = dict(
        provider="gcp",
        service="compute.googleapis.com",
        code=CPUS,
        region="us-central1",
        limit=72,
        usage=40,
        demand=40,
        desired_limit=96,
        message="gcp:compute.googleapis.com/CPUS-per-project-region@us-central1 needs 80",
        command=(
            "gcloud beta quotas preferences create --service=compute.googleapis.com "
            f"--quota-id={CPUS} --preferred-value=96 --project={PROJECT} "
            "--dimensions=region=us-central1"
        ),
    )
    return exceeds(**{**fields, **overrides})


def request_gcp(tmp_path, cli, gcp, *answers, finding=None):
    gcp.answers.extend(recording(name) for name in answers)
    findings = write(tmp_path / "check.json", check_report(finding or gcp_finding()))
    out = tmp_path / "requests.json"
    run = cli(
        "request", "--findings", str(findings), "--format", "json", "--output", str(out),
        "--contact-email", "oncall@example.com", "--environment", "prod",
    )  # fmt: skip
    return run, str(out)


def test_preference_is_created_idempotently_under_our_name(tmp_path, cli, gcp, connected):
    run, _ = request_gcp(
        tmp_path,
        cli,
        gcp,
        "quota_infos.json",
        "preferences_other_region.json",  # another region's preference is not ours ...
        "preferences_none.json",  # ... and the pager follows to the next page
        "preference_created.json",
    )
    assert run.code == 0, run.err
    [request] = run.json()["requests"]
    assert (request["method"], request["status"], request["request_id"]) == (
        "quota_preference",
        "requested",
        NAME,
    )
    assert (request["account"], request["current_limit"]) == (PROJECT, 72.0)
    patch = gcp.requests[-1]
    assert patch.method == "PATCH"
    assert urlsplit(patch.url).path == f"/v1/{NAME}"
    assert parse_qs(urlsplit(patch.url).query)["allowMissing"] == ["true"]
    body = json.loads(patch.body)
    assert body["quotaConfig"]["preferredValue"] == "96"
    assert body["dimensions"] == {"region": "us-central1"}
    assert body["contactEmail"] == "oncall@example.com"
    assert "prod environment" in body["justification"]
    assert not gcp.answers


def test_reconciling_preference_is_already_open(tmp_path, cli, gcp, connected):
    run, _ = request_gcp(tmp_path, cli, gcp, "quota_infos.json", "preferences_reconciling.json")
    assert run.code == 0
    [request] = run.json()["requests"]
    assert request["status"] == "already_open"
    assert request["request_id"].endswith("/quotaPreferences/cpus-central-by-hand")
    assert all(r.method == "GET" for r in gcp.requests)  # nothing filed


def test_fixed_quota_is_not_adjustable(tmp_path, cli, gcp, connected):
    finding = gcp_finding(code="SSD-TOTAL-GB-per-project-region", limit=500, desired_limit=510)
    run, _ = request_gcp(tmp_path, cli, gcp, "quota_infos.json", finding=finding)
    assert run.code == 1
    assert run.json()["requests"][0]["status"] == "not_adjustable"


def test_wait_reconciled_and_visible_in_the_quota(tmp_path, cli, gcp, connected, clock):
    run, requests = request_gcp(
        tmp_path,
        cli,
        gcp,
        "quota_infos.json",
        "preferences_none.json",
        "preference_created.json",
    )
    assert run.code == 0
    gcp.answers.extend(
        recording(name)
        for name in (
            "preference_reconciling.json",
            "preference_granted.json",
            "quota_infos_granted.json",
        )
    )
    run = cli("wait", "--requests", requests, "--interval", "60")
    assert run.code == 0, run.out + run.err
    lines = run.out.splitlines()
    assert "(reconciling)" in lines[0]
    assert lines[1] == "poll 2 (60s): 1/1 granted"
    assert urlsplit(gcp.requests[-2].url).path == f"/v1/{NAME}"
    assert not gcp.answers


def test_wait_denied_preference(tmp_path, cli, gcp, connected, clock):
    run, requests = request_gcp(
        tmp_path, cli, gcp, "quota_infos.json", "preferences_none.json", "preference_created.json"
    )
    gcp.answers.append(recording("preference_denied.json"))
    run = cli("wait", "--requests", requests)
    assert run.code == 1
    assert "insufficient usage history" in run.out


def test_preference_ids_are_valid_names():
    from quotapilot.domain import QuotaKey

    long = QuotaKey("gcp", "compute.googleapis.com", "X" * 80, "europe-west1")
    assert preference_id(long) == preference_id(long)
    assert len(preference_id(long)) <= 63 and not preference_id(long).endswith("-")
    assert preference_id(QuotaKey("gcp", "compute.googleapis.com", "NETWORKS-per-project")) == (
        "quotapilot-networks-per-project"
    )
    assert GcpPreferences.gcp_permissions == ("cloudquotas.quotas.get", "cloudquotas.quotas.update")

"""``quotapilot report``: raised quotas that stay mostly unused, and unused ledger allocations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import yaml

from quotapilot.ledger import open_ledger
from tests.pipeline.conftest import write

CPUS = "CPUS-per-project-region"


def snapshot(tmp_path, provider, quotas, **top):
    path = tmp_path / f"{provider}.yaml"
    path.write_text(yaml.safe_dump({"provider": provider, **top, "quotas": quotas}))
    return str(path)


def history(tmp_path, days, limits, peak):
    start = datetime(2026, 10, 1, tzinfo=UTC)
    rows = ["timestamp,service,code,region,usage,limit"]
    for day in range(days + 1):
        limit = limits[0] if day < days // 2 else limits[1]
        usage = peak if day == days - 3 else peak / 2
        at = (start + timedelta(days=day)).isoformat()
        rows.append(f"{at},ec2,L-1216C47A,us-east-1,{usage},{limit}")
    path = tmp_path / "history.csv"
    path.write_text("\n".join(rows) + "\n")
    return str(path)


def test_aws_raised_and_unused_cannot_be_decreased(tmp_path, cli):
    quotas = snapshot(
        tmp_path,
        "aws",
        [{"service": "ec2", "code": "L-1216C47A", "region": "us-east-1", "limit": 400}],
    )
    csv = history(tmp_path, 35, (100, 400), peak=60)
    run = cli("report", "--quotas", quotas, "--history", csv, "--format", "json")
    assert run.code == 0, run.err
    [candidate] = run.json()["quotas"]
    assert (candidate["quota"], candidate["peak_usage"], candidate["peak_pct"]) == (
        "aws:ec2/L-1216C47A@us-east-1",
        60.0,
        15.0,
    )
    assert candidate["raised"] is True  # the history shows it going from 100 to 400
    assert candidate["action"] == "cannot_decrease" and candidate["suggested_limit"] is None
    assert "AWS can't decrease a quota" in candidate["how"]


def test_busy_quota_and_short_history_are_not_candidates(tmp_path, cli):
    quotas = snapshot(
        tmp_path,
        "aws",
        [{"service": "ec2", "code": "L-1216C47A", "region": "us-east-1", "limit": 400}],
    )
    busy = cli(
        "report", "--quotas", quotas, "--history", history(tmp_path, 35, (100, 400), peak=200),
        "--format", "json",
    )  # fmt: skip
    assert busy.json()["quotas"] == []  # peak at 50%
    short = cli(
        "report", "--quotas", quotas, "--history", history(tmp_path, 10, (100, 400), peak=20),
        "--format", "json",
    )  # fmt: skip
    assert short.json()["quotas"] == []
    assert short.json()["skipped"] == [
        {"quota": "aws:ec2/L-1216C47A@us-east-1", "why": "history covers less than 30 days"}
    ]


def test_gcp_quota_the_pipeline_raised_can_be_lowered(tmp_path, cli):
    quotas = snapshot(
        tmp_path,
        "gcp",
        [{"service": "compute.googleapis.com", "code": CPUS, "region": "us-central1",
          "limit": 400, "usage": 45}],
        project="acme-prod",
    )  # fmt: skip
    requests = write(
        tmp_path / "requests.json",
        {
            "requests": [
                {
                    "provider": "gcp", "service": "compute.googleapis.com", "code": CPUS,
                    "region": "us-central1", "account": "acme-prod", "current_limit": 72,
                    "desired_limit": 400, "method": "quota_preference",
                    "estimated_monthly_cost": 10, "approval": "auto", "status": "requested",
                    "request_id": "projects/acme-prod/locations/global/quotaPreferences/x",
                }
            ]
        },
    )  # fmt: skip
    without = cli("report", "--quotas", quotas, "--format", "json")
    assert without.json()["quotas"] == []  # not known to be raised: not claimed
    run = cli("report", "--quotas", quotas, "--requests", str(requests), "--format", "json")
    [candidate] = run.json()["quotas"]
    assert candidate["action"] == "lower_preference"
    assert candidate["suggested_limit"] == 90.0  # the peak at half the limit
    assert (
        "--preferred-value=90 --project=acme-prod --dimensions=region=us-central1"
        in (candidate["how"])
    )
    assert candidate["evidence"].startswith("current usage only")


def test_unused_ledger_allocations(tmp_path, cli):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with open_ledger(url) as ledger:
        ledger.set_limit("acme", "vcpus", 1000)
        ledger.set_limit("acme/payments", "vcpus", 400)
        ledger.apply("acme/payments/api", {"vcpus": 20})
        ledger.set_limit("acme/search", "vcpus", 100)
        ledger.apply("acme/search", {"vcpus": 90})
    quotas = snapshot(tmp_path, "aws", [], account="111111111111")
    run = cli("report", "--quotas", quotas, "--ledger", url, "--format", "json")
    assert run.code == 0, run.err
    assert [(a["scope"], a["usage_pct"]) for a in run.json()["allocations"]] == [
        ("acme", 11.0),
        ("acme/payments", 5.0),
    ]
    table = cli("report", "--quotas", quotas, "--ledger", url)
    assert "ledger acme/payments: vcpus allocation 400, used 20 = 5%" in table.out


def test_report_only_reads(tmp_path, cli):
    quotas = snapshot(tmp_path, "aws", [], account="111111111111")
    missing = tmp_path / "typo" / "ledger.db"
    run = cli("report", "--quotas", quotas, "--ledger", f"sqlite:///{missing}")
    assert run.code == 2 and "no such ledger file" in run.err
    assert not missing.parent.exists()
    live = cli("report", "--quotas", "gcp:acme-prod")
    assert live.code == 2 and "--history" in live.err
    assert cli("report", "--quotas", quotas, "--below", "nan").code == 2

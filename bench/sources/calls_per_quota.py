"""AWS API calls per monitored quota: the AWS source against the naive approach.

One collection over N quotas spread across S services, both approaches answered by the same
in-process fake of Service Quotas and CloudWatch (plugged into botocore's ``before-call`` event,
the hook the Stubber uses; requests are still validated against the real API models, and no
network is used). Calls are counted with a ``before-call`` hook registered first.

The naive approach is one GetServiceQuota per quota (GetAWSDefaultServiceQuota after
NoSuchResource) plus one GetMetricData per quota.

    .venv/bin/python -m bench.sources.calls_per_quota --quotas 1000 --services 10
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse

from quotapilot.domain import QuotaKey
from quotapilot.sources.aws import AwsSource

REGION = "us-east-1"
ACCOUNT = "123456789012"
NOW = datetime(2026, 11, 25, tzinfo=UTC)


class FakeAws:
    """Service Quotas + CloudWatch for one account and region, answering from a table."""

    def __init__(self, services: int, quotas: int, unapplied_share: float) -> None:
        self.applied: dict[str, list[dict[str, Any]]] = {}
        self.defaults: dict[str, list[dict[str, Any]]] = {}
        self.keys: list[QuotaKey] = []
        per_service = quotas // services
        for s in range(services):
            service = f"svc{s:02d}"
            self.applied[service], self.defaults[service] = [], []
            for q in range(per_service):
                code = f"L-{s:02d}{q:06d}"
                quota = {
                    "ServiceCode": service,
                    "QuotaCode": code,
                    "QuotaName": code,
                    "Value": float(100 + q),
                    "Adjustable": True,
                    "UsageMetric": {
                        "MetricNamespace": "AWS/Usage",
                        "MetricName": "ResourceCount",
                        "MetricDimensions": {"Service": service, "Resource": code},
                        "MetricStatisticRecommendation": "Maximum",
                    },
                }
                self.defaults[service].append(quota)
                if q >= per_service * unapplied_share:
                    self.applied[service].append(quota)
                self.keys.append(QuotaKey("aws", service, code, REGION))
        self.calls: Counter[str] = Counter()
        self._params: dict[str, Any] = {}

    def attach(self, client: Any) -> Any:
        events = client.meta.events
        # The API parameters are seen before serialisation; the answer replaces the HTTP call.
        events.register("before-parameter-build.*.*", self._remember)
        events.register_first("before-call.*.*", self._count)
        events.register("before-call.*.*", self._answer)
        return client

    def _remember(self, params: dict[str, Any], **_: Any) -> None:
        self._params = dict(params)

    def _count(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    def _answer(self, model: Any, **_: Any) -> tuple[AWSResponse, dict]:
        handler = getattr(self, f"_{model.name}")
        status, body = handler(self._params)
        body.setdefault("ResponseMetadata", {"HTTPStatusCode": status})
        return AWSResponse("https://fake.invalid", status, {}, None), body

    def _page(self, quotas: list[dict], params: dict[str, Any]) -> tuple[int, dict]:
        start = int(params.get("NextToken") or 0)
        size = params.get("MaxResults", 100)
        body: dict[str, Any] = {"Quotas": quotas[start : start + size]}
        if start + size < len(quotas):
            body["NextToken"] = str(start + size)
        return 200, body

    def _ListServiceQuotas(self, params: dict[str, Any]) -> tuple[int, dict]:
        return self._page(self.applied[params["ServiceCode"]], params)

    def _ListAWSDefaultServiceQuotas(self, params: dict[str, Any]) -> tuple[int, dict]:
        return self._page(self.defaults[params["ServiceCode"]], params)

    def _find(self, table: dict[str, list[dict]], params: dict[str, Any]) -> tuple[int, dict]:
        for quota in table.get(params["ServiceCode"], []):
            if quota["QuotaCode"] == params["QuotaCode"]:
                return 200, {"Quota": quota}
        error = {"Code": "NoSuchResourceException", "Message": "no applied value"}
        return 400, {"Error": error}

    def _GetServiceQuota(self, params: dict[str, Any]) -> tuple[int, dict]:
        return self._find(self.applied, params)

    def _GetAWSDefaultServiceQuota(self, params: dict[str, Any]) -> tuple[int, dict]:
        return self._find(self.defaults, params)

    def _GetMetricData(self, params: dict[str, Any]) -> tuple[int, dict]:
        results = [
            {"Id": q["Id"], "StatusCode": "Complete", "Values": [7.0], "Timestamps": [NOW]}
            for q in params["MetricDataQueries"]
        ]
        return 200, {"MetricDataResults": results}


def clients(fake: FakeAws) -> dict[tuple[str, str], Any]:
    session = boto3.Session(
        aws_access_key_id="bench", aws_secret_access_key="bench", region_name=REGION
    )
    return {
        (name, REGION): fake.attach(session.client(name, region_name=REGION))
        for name in ("service-quotas", "cloudwatch")
    }


def collect_batched(fake: FakeAws) -> dict[QuotaKey, tuple[float | None, float | None]]:
    source = AwsSource(account=ACCOUNT, clients=clients(fake), clock=lambda: NOW)
    result = source.read(fake.keys)
    if result.unknown:
        raise SystemExit(f"batched collection left {len(result.unknown)} quotas unknown")
    return {
        key: (r.quota.limit, r.usage.value if r.usage else None)
        for key, r in result.readings.items()
    }


def collect_naive(fake: FakeAws) -> dict[QuotaKey, tuple[float | None, float | None]]:
    quotas_client = clients(fake)[("service-quotas", REGION)]
    cloudwatch = clients(fake)[("cloudwatch", REGION)]
    answers = {}
    for key in fake.keys:
        ask = {"ServiceCode": key.service, "QuotaCode": key.code}
        try:
            quota = quotas_client.get_service_quota(**ask)["Quota"]
        except quotas_client.exceptions.NoSuchResourceException:
            quota = quotas_client.get_aws_default_service_quota(**ask)["Quota"]
        metric = quota["UsageMetric"]
        query = {
            "Id": "q0",
            "MetricStat": {
                "Metric": {
                    "Namespace": metric["MetricNamespace"],
                    "MetricName": metric["MetricName"],
                    "Dimensions": [
                        {"Name": k, "Value": v} for k, v in metric["MetricDimensions"].items()
                    ],
                },
                "Period": 300,
                "Stat": "Maximum",
            },
        }
        data = cloudwatch.get_metric_data(MetricDataQueries=[query], StartTime=NOW, EndTime=NOW)
        values = data["MetricDataResults"][0]["Values"]
        answers[key] = (quota["Value"], max(values) if values else 0.0)
    return answers


def run(quotas: int = 1000, services: int = 10, unapplied_share: float = 0.1) -> dict[str, Any]:
    batched_fake = FakeAws(services, quotas, unapplied_share)
    naive_fake = FakeAws(services, quotas, unapplied_share)
    batched = collect_batched(batched_fake)
    naive = collect_naive(naive_fake)
    if batched != naive:
        raise SystemExit("the two approaches disagree on limits or usage")
    n = len(batched_fake.keys)
    source_calls = sum(batched_fake.calls.values())
    naive_calls = sum(naive_fake.calls.values())
    return {
        "quotas": n,
        "services": services,
        "source_calls": source_calls,
        "source_by_operation": dict(sorted(batched_fake.calls.items())),
        "naive_calls": naive_calls,
        "source_per_quota": source_calls / n,
        "naive_per_quota": naive_calls / n,
        "ratio": naive_calls / source_calls,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotas", type=int, default=1000)
    parser.add_argument("--services", type=int, default=10)
    parser.add_argument(
        "--unapplied-share",
        type=float,
        default=0.1,
        help="share of quotas with no applied value (answered by the AWS default)",
    )
    parser.add_argument("--target", type=float, default=0.03, help="max calls per quota")
    args = parser.parse_args(argv)
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    figures = run(args.quotas, args.services, args.unapplied_share)
    print(f"quotas: {figures['quotas']} in {figures['services']} services, one region")
    print(
        f"quotapilot AwsSource: {figures['source_calls']} calls "
        f"({figures['source_per_quota']:.3f}/quota) {figures['source_by_operation']}"
    )
    print(
        f"naive per-quota:      {figures['naive_calls']} calls "
        f"({figures['naive_per_quota']:.3f}/quota)"
    )
    print(f"ratio naive/source:   {figures['ratio']:.1f}x fewer calls")
    met = figures["source_per_quota"] <= args.target
    print(f"target <= {args.target}/quota: {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())

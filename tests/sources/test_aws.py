"""The AWS source against botocore Stubbers (Service Quotas, CloudWatch) and moto (STS)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.stub import Stubber

from quotapilot.domain import QuotaKey
from quotapilot.sources import QuotaSource, open_source
from quotapilot.sources.aws import AwsSource
from quotapilot.sources.aws.clients import RETRIES, AwsClients
from quotapilot.sources.aws.usage import (
    MAX_QUERIES_PER_CALL,
    MAX_SERVICE_QUOTA_FUNCTIONS_PER_CALL,
    batches,
)
from tests.sources.aws_fakes import service_quota, usage_metric

ACCOUNT = "123456789012"
NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
LAMBDA = usage_metric("ConcurrentExecutions")


def key(service, code, region="us-east-1"):
    return QuotaKey("aws", service, code, region)


class Stubs:
    """Stubbed service-quotas and cloudwatch clients per region."""

    def __init__(self, *regions):
        self.clients = {}
        self.stubbers = {}
        for region in regions or ("us-east-1",):
            for service in ("service-quotas", "cloudwatch"):
                client = boto3.client(service, region_name=region)
                self.clients[(service, region)] = client
                self.stubbers[(service, region)] = Stubber(client)

    def __getitem__(self, item):
        return self.stubbers[item]

    def source(self, **kwargs):
        for stubber in self.stubbers.values():
            stubber.activate()
        return AwsSource(account=ACCOUNT, clients=self.clients, clock=lambda: NOW, **kwargs)

    def done(self):
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()


def expect_list(stubber, operation, service, quotas, token=None, next_token=None):
    params = {"ServiceCode": service, "MaxResults": 100}
    if token:
        params["NextToken"] = token
    response = {"Quotas": quotas}
    if next_token:
        response["NextToken"] = next_token
    stubber.add_response(operation, response, params)


def metric_query(query_id, metric, stat="Maximum"):
    return {
        "Id": query_id,
        "MetricStat": {
            "Metric": {
                "Namespace": "AWS/Usage",
                "MetricName": metric["MetricName"],
                "Dimensions": [
                    {"Name": k, "Value": v} for k, v in sorted(metric["MetricDimensions"].items())
                ],
            },
            "Period": 300,
            "Stat": stat,
        },
        "ReturnData": True,
    }


def expect_metrics(stubber, queries, results):
    stubber.add_response(
        "get_metric_data",
        {"MetricDataResults": results},
        {
            "MetricDataQueries": queries,
            "StartTime": NOW - timedelta(hours=1),
            "EndTime": NOW,
            "ScanBy": "TimestampDescending",
        },
    )


def test_applied_value_default_fallback_and_usage_in_few_calls():
    stubs = Stubs()
    sq = stubs[("service-quotas", "us-east-1")]
    expect_list(
        sq,
        "list_service_quotas",
        "lambda",
        [
            service_quota("lambda", "L-B99A9384", 3000.0, metric=LAMBDA),
            service_quota("lambda", "L-OTHER", 5.0),
        ],
    )
    # L-2ACBD22F has no applied value: its AWS default answers (the NoSuchResource fallback).
    expect_list(
        sq,
        "list_aws_default_service_quotas",
        "lambda",
        [
            service_quota("lambda", "L-B99A9384", 1000.0),
            service_quota("lambda", "L-2ACBD22F", 75.0, Adjustable=False),
        ],
    )
    expect_metrics(
        stubs[("cloudwatch", "us-east-1")],
        [metric_query("q0", LAMBDA)],
        [
            {
                "Id": "q0",
                "StatusCode": "Complete",
                "Values": [120.0, 250.0, 90.0],
                "Timestamps": [NOW, NOW - timedelta(minutes=5), NOW - timedelta(minutes=10)],
            }
        ],
    )
    source = stubs.source()
    assert isinstance(source, QuotaSource)
    concurrency, storage = key("lambda", "L-B99A9384"), key("lambda", "L-2ACBD22F")
    result = source.read([concurrency, storage])
    stubs.done()

    reading = result.readings[concurrency]
    assert reading.quota.key == concurrency.in_account(ACCOUNT)
    assert reading.quota.limit == 3000.0
    assert reading.quota.adjustable is True
    assert reading.quota.usage_metric["MetricName"] == "ResourceCount"
    assert reading.usage.value == 250.0  # the peak over the window, not the latest point
    assert reading.usage.timestamp == NOW - timedelta(minutes=5)

    default = result.readings[storage]
    assert default.quota.limit == 75.0 and default.quota.default_limit == 75.0
    assert default.quota.adjustable is False
    assert default.usage is None  # no usage metric: the cloud doesn't measure it
    assert not result.unknown


def test_no_defaults_call_when_every_code_has_an_applied_value_and_pagination():
    stubs = Stubs()
    sq = stubs[("service-quotas", "us-east-1")]
    expect_list(sq, "list_service_quotas", "vpc", [service_quota("vpc", "L-1", 5.0)], None, "t1")
    expect_list(sq, "list_service_quotas", "vpc", [service_quota("vpc", "L-2", 7.0)], "t1")
    source = stubs.source()
    result = source.read([key("vpc", "L-1"), key("vpc", "L-2")])
    stubs.done()
    assert result.readings[key("vpc", "L-2")].quota.limit == 7.0
    assert result.readings[key("vpc", "L-1")].quota.limit == 5.0


def test_failing_service_is_unknown_with_reason_others_still_read():
    stubs = Stubs()
    sq = stubs[("service-quotas", "us-east-1")]
    sq.add_client_error(
        "list_service_quotas",
        service_error_code="AccessDeniedException",
        service_message="not allowed",
        expected_params={"ServiceCode": "ec2", "MaxResults": 100},
    )
    expect_list(sq, "list_service_quotas", "sns", [service_quota("sns", "L-61103206", 100000.0)])
    source = stubs.source()
    ec2, sns = key("ec2", "L-1216C47A"), key("sns", "L-61103206")
    result = source.read([ec2, sns])
    stubs.done()
    assert "AccessDeniedException" in result.unknown[ec2].reason
    assert "not allowed" in result.unknown[ec2].reason
    assert "ec2 in us-east-1" in result.unknown[ec2].reason
    assert result.readings[sns].quota.limit == 100000.0


def test_code_in_neither_list_is_unknown_and_missing_value_is_not_unlimited():
    stubs = Stubs()
    sq = stubs[("service-quotas", "us-east-1")]
    broken = service_quota(
        "iam",
        "L-BROKEN",
        None,
        ErrorReason={"ErrorCode": "DEPENDENCY_THROTTLING_ERROR", "ErrorMessage": "try later"},
    )
    expect_list(sq, "list_service_quotas", "iam", [broken])
    expect_list(sq, "list_aws_default_service_quotas", "iam", [])
    source = stubs.source()
    missing, global_broken = key("iam", "L-NOPE", "global"), key("iam", "L-BROKEN", "global")
    result = source.read([missing, global_broken])
    stubs.done()
    assert "no quota L-NOPE for iam in us-east-1" in result.unknown[missing].reason
    assert "DEPENDENCY_THROTTLING_ERROR" in result.unknown[global_broken].reason
    assert not result.readings


def test_global_key_reads_us_east_1_and_stays_global():
    stubs = Stubs()
    expect_list(
        stubs[("service-quotas", "us-east-1")],
        "list_service_quotas",
        "iam",
        [service_quota("iam", "L-FE177D64", 1000.0)],
    )
    source = stubs.source()
    roles = key("iam", "L-FE177D64", "global")
    reading = source.read([roles]).readings[roles]
    stubs.done()
    assert reading.quota.key == roles.in_account(ACCOUNT)
    assert reading.quota.key.is_global


def test_rate_quotas_are_excluded_from_usage_unless_asked():
    calls = usage_metric("Invoke", name="CallCount")
    quotas = [service_quota("lambda", "L-RATE", 10.0, metric=calls)]

    stubs = Stubs()
    expect_list(stubs[("service-quotas", "us-east-1")], "list_service_quotas", "lambda", quotas)
    rate = key("lambda", "L-RATE")
    result = stubs.source().read([rate])
    stubs.done()  # no GetMetricData was made
    assert result.readings[rate].usage is None

    stubs = Stubs()
    expect_list(stubs[("service-quotas", "us-east-1")], "list_service_quotas", "lambda", quotas)
    expect_metrics(
        stubs[("cloudwatch", "us-east-1")],
        [metric_query("q0", calls, stat="Sum")],
        [{"Id": "q0", "StatusCode": "Complete", "Values": [], "Timestamps": []}],
    )
    result = stubs.source(include_rate_quotas=True).read([rate])
    stubs.done()
    assert result.readings[rate].usage.value == 0.0  # no data points: nothing in use


def test_failed_metric_makes_only_its_key_unknown():
    vpcs, igws = usage_metric("vpc", "VPC"), usage_metric("igw", "VPC")
    stubs = Stubs()
    expect_list(
        stubs[("service-quotas", "us-east-1")],
        "list_service_quotas",
        "vpc",
        [
            service_quota("vpc", "L-F678F1CE", 5.0, metric=vpcs),
            service_quota("vpc", "L-A4707A72", 5.0, metric=igws),
        ],
    )
    expect_metrics(
        stubs[("cloudwatch", "us-east-1")],
        [metric_query("q0", vpcs), metric_query("q1", igws)],
        [
            {"Id": "q0", "StatusCode": "Complete", "Values": [3.0], "Timestamps": [NOW]},
            {
                "Id": "q1",
                "StatusCode": "InternalError",
                "Messages": [{"Code": "InternalError", "Value": "boom"}],
            },
        ],
    )
    vpc, igw = key("vpc", "L-F678F1CE"), key("vpc", "L-A4707A72")
    result = stubs.source().read([vpc, igw])
    stubs.done()
    assert result.readings[vpc].usage.value == 3.0
    assert "InternalError" in result.unknown[igw].reason and "boom" in result.unknown[igw].reason


def test_cloudwatch_error_makes_measured_keys_unknown():
    vpcs = usage_metric("vpc", "VPC")
    stubs = Stubs()
    expect_list(
        stubs[("service-quotas", "us-east-1")],
        "list_service_quotas",
        "vpc",
        [service_quota("vpc", "L-F678F1CE", 5.0, metric=vpcs), service_quota("vpc", "L-X", 9.0)],
    )
    stubs[("cloudwatch", "us-east-1")].add_client_error(
        "get_metric_data", service_error_code="AccessDenied", service_message="no cloudwatch"
    )
    vpc, other = key("vpc", "L-F678F1CE"), key("vpc", "L-X")
    result = stubs.source().read([vpc, other])
    stubs.done()
    assert "no cloudwatch" in result.unknown[vpc].reason
    assert result.readings[other].quota.limit == 9.0  # no metric, so no usage to lose


def test_several_regions_each_read_in_their_own_region():
    stubs = Stubs("us-east-1", "eu-west-1")
    for region, value in (("us-east-1", 1000.0), ("eu-west-1", 400.0)):
        expect_list(
            stubs[("service-quotas", region)],
            "list_service_quotas",
            "lambda",
            [service_quota("lambda", "L-B99A9384", value)],
        )
    source = stubs.source(regions=["us-east-1", "eu-west-1"])
    east, west = key("lambda", "L-B99A9384"), key("lambda", "L-B99A9384", "eu-west-1")
    result = source.read([east, west])
    stubs.done()
    assert result.readings[east].quota.limit == 1000.0
    assert result.readings[west].quota.limit == 400.0
    assert result.readings[west].quota.key.region == "eu-west-1"


def test_refuses_keys_outside_its_regions_account_or_provider():
    stubs = Stubs()
    source = stubs.source(regions=["us-east-1"])
    elsewhere = key("lambda", "L-B99A9384", "ap-south-1")
    other_account = key("lambda", "L-B99A9384").in_account("999999999999")
    gcp = QuotaKey("gcp", "compute.googleapis.com", "CPUS-per-project-region", "us-central1")
    result = source.read([elsewhere, other_account, gcp])
    stubs.done()  # nothing was called
    assert "does not read region ap-south-1" in result.unknown[elsewhere].reason
    assert "not 999999999999" in result.unknown[other_account].reason
    assert "AWS quotas only" in result.unknown[gcp].reason


def test_batches_respect_both_per_call_limits():
    plain = [{"Id": f"q{i}"} for i in range(MAX_QUERIES_PER_CALL * 2 + 1)]
    sizes = [len(batch) for batch in batches(plain)]
    assert sizes == [500, 500, 1]
    with_functions = [
        {"Id": f"e{i}", "Expression": f"m{i}/SERVICE_QUOTA(m{i})*100"} for i in range(25)
    ]
    split = list(batches(with_functions))
    assert [len(b) for b in split] == [10, 10, 5]
    assert all(
        sum("SERVICE_QUOTA(" in q["Expression"] for q in b) <= MAX_SERVICE_QUOTA_FUNCTIONS_PER_CALL
        for b in split
    )
    assert [q["Id"] for b in split for q in b] == [q["Id"] for q in with_functions]


def test_clients_retry_in_adaptive_mode():
    clients = AwsClients(session=boto3.Session(region_name="us-east-1"))
    client = clients.client("service-quotas", "eu-west-1")
    assert client.meta.config.retries["mode"] == "adaptive"
    assert client.meta.region_name == "eu-west-1"
    assert clients.client("service-quotas", "eu-west-1") is client


def test_assumed_role_reads_the_other_account():
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        arn = "arn:aws:iam::210987654321:role/quotapilot-reader"
        clients = AwsClients(session=boto3.Session(region_name="us-east-1"), role_arn=arn)
        assert clients.account_id() == "210987654321"
        # clients carry the role's credentials (from the same session: no reload of
        # botocore's data), assumed once for all of them
        identity = clients.client("sts", "us-east-1").get_caller_identity()
        assert identity["Account"] == "210987654321"
        assumed = clients._credentials()
        assert assumed["aws_access_key_id"] != "testing"
        clients.client("service-quotas", "us-east-1")
        assert clients._credentials() is assumed


def test_account_comes_from_sts_without_a_role():
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        source = AwsSource(session=boto3.Session(region_name="us-east-1"))
        assert source.account == "123456789012"


def test_open_source_aws_is_lazy():
    source = open_source("aws:us-east-1, eu-west-1")
    assert isinstance(source, AwsSource)
    assert source.regions == ["us-east-1", "eu-west-1"]
    assert open_source("aws").regions is None


def test_declared_permissions_are_the_operations_the_source_calls():
    import botocore.session

    from quotapilot.permissions import class_needs

    session = botocore.session.get_session()
    prefixes = {"servicequotas": "service-quotas", "cloudwatch": "cloudwatch", "sts": "sts"}
    declared = {action for needs in class_needs(AwsSource) for action in needs.actions}
    assert declared == {
        "servicequotas:ListServiceQuotas",
        "servicequotas:ListAWSDefaultServiceQuotas",
        "cloudwatch:GetMetricData",
        "sts:AssumeRole",
        "sts:GetCallerIdentity",
    }
    for action in declared:
        prefix, _, operation = action.partition(":")
        assert operation in session.get_service_model(prefixes[prefix]).operation_names


def fake_service_quotas(answers):
    """A Service Quotas client whose HTTP answers come from ``answers``, in order."""
    from botocore.awsrequest import AWSResponse

    clients = AwsClients(session=boto3.Session(region_name="us-east-1"))
    client = clients.client("service-quotas", "us-east-1")
    sent = []

    def answer(request, **_):
        sent.append(request.url)
        status, body = answers.pop(0)
        headers = {"Content-Type": "application/x-amz-json-1.1"}
        return AWSResponse(request.url, status, headers, _Raw(body))

    client.meta.events.register("before-send.service-quotas.*", answer)
    source = AwsSource(account=ACCOUNT, clients={("service-quotas", "us-east-1"): client})
    return source, sent


@pytest.fixture
def no_backoff(monkeypatch):
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda seconds: None)


def test_throttling_is_retried(no_backoff):
    throttled = (400, b'{"__type": "ThrottlingException", "message": "Rate exceeded"}')
    quotas = json_body({"Quotas": [service_quota("lambda", "L-B99A9384", 1000.0)]})
    source, sent = fake_service_quotas([throttled, (200, quotas)])
    concurrency = key("lambda", "L-B99A9384")
    assert source.read([concurrency]).readings[concurrency].quota.limit == 1000.0
    assert len(sent) == 2  # the throttled attempt was retried


def test_a_persistent_5xx_is_retried_then_unknown(no_backoff):
    server_error = (503, b'{"__type": "ServiceException", "message": "try again"}')
    source, sent = fake_service_quotas([server_error] * 20)
    result = source.read([key("ec2", "L-1216C47A")])
    # botocore counts max_attempts as retries after the first try.
    assert len(sent) == 1 + RETRIES["max_attempts"]
    assert "try again" in result.unknown[key("ec2", "L-1216C47A")].reason


class _Raw:
    """The raw body AWSResponse reads."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_):
        yield self.body


def json_body(document) -> bytes:
    import json

    return json.dumps(document).encode()


def test_get_metric_data_pages_are_followed_and_the_peak_kept():
    vpcs = usage_metric("vpc", "VPC")
    stubs = Stubs()
    expect_list(
        stubs[("service-quotas", "us-east-1")],
        "list_service_quotas",
        "vpc",
        [service_quota("vpc", "L-F678F1CE", 5.0, metric=vpcs)],
    )
    cloudwatch = stubs[("cloudwatch", "us-east-1")]
    params = {
        "MetricDataQueries": [metric_query("q0", vpcs)],
        "StartTime": NOW - timedelta(hours=1),
        "EndTime": NOW,
        "ScanBy": "TimestampDescending",
    }
    first = {"Id": "q0", "StatusCode": "PartialData", "Values": [2.0], "Timestamps": [NOW]}
    older = NOW - timedelta(minutes=30)
    second = {"Id": "q0", "StatusCode": "Complete", "Values": [4.0], "Timestamps": [older]}
    cloudwatch.add_response(
        "get_metric_data", {"MetricDataResults": [first], "NextToken": "more"}, params
    )
    cloudwatch.add_response(
        "get_metric_data", {"MetricDataResults": [second]}, {**params, "NextToken": "more"}
    )
    vpc = key("vpc", "L-F678F1CE")
    usage = stubs.source().read([vpc]).readings[vpc].usage
    stubs.done()
    assert (usage.value, usage.timestamp) == (4.0, older)


def test_bound_key_of_another_account_is_refused_after_asking_sts():
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        source = AwsSource(session=boto3.Session(region_name="us-east-1"))
        theirs = key("lambda", "L-B99A9384").in_account("999999999999")
        result = source.read([theirs])
        assert "reads account 123456789012, not 999999999999" in result.unknown[theirs].reason


def test_an_invalid_region_is_unknown_not_a_crash():
    source = AwsSource(account=ACCOUNT, session=boto3.Session(region_name="us-east-1"))
    bad = key("lambda", "L-B99A9384", "not a region!")
    assert "can't read AWS region not a region!" in source.read([bad]).unknown[bad].reason

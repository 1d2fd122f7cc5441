"""The regression watch, approved increases, and the engine's configuration."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import yaml

from quotapilot import wiring
from quotapilot.engine.accounts import AccountClients
from quotapilot.engine.act.alerts import Alerter, Cooldowns
from quotapilot.engine.approval.execute import execute_increase
from quotapilot.engine.approval.request import ApprovalRecords
from quotapilot.engine.audit import AuditLog
from quotapilot.engine.aws import make_client
from quotapilot.engine.config import EngineConfig
from quotapilot.engine.exceptions import ApprovalError, EngineConfigurationError
from quotapilot.engine.models import ExecuteIncreaseInput
from quotapilot.engine.regression import watch
from quotapilot.engine.roots.engine import build
from quotapilot.envvalues import decode_watch
from quotapilot.sources.snapshot import SnapshotSource
from tests.conftest import load_event
from tests.engine.fakes import GrowthForecaster, ServiceQuotasEndpoint

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def snapshot(tmp_path, name, limits):
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "provider": "aws",
                "quotas": [
                    {"service": s, "code": c, "region": "us-east-1", "limit": v}
                    for (s, c), v in limits.items()
                ],
            }
        )
    )
    return str(path)


def test_watch_alerts_when_serving_falls_behind(stack, tmp_path):
    loadtest = snapshot(
        tmp_path, "loadtest", {("lambda", "L-B99A9384"): 3000, ("ec2", "L-1216C47A"): 256}
    )
    serving = snapshot(
        tmp_path, "serving", {("lambda", "L-B99A9384"): 1000, ("ec2", "L-1216C47A"): 512}
    )
    config = decode_watch(
        json.dumps(
            {
                "serving": serving,
                "loadtest": loadtest,
                "quotas": [
                    {"service": "lambda", "code": "L-B99A9384", "region": "us-east-1"},
                    {"service": "ec2", "code": "L-1216C47A", "region": "us-east-1"},
                    {"service": "sqs", "code": "L-NOPE", "region": "us-east-1"},
                ],
            }
        ),
        wiring.ENV_REGRESSION_WATCH,
    )
    alerter = Alerter(stack.config.alerts_topic_arn, Cooldowns(stack.config.monitoring_table))
    audit = AuditLog(stack.config.log_table)
    report = watch(
        config, alerter, audit, open_source=lambda spec: SnapshotSource.from_file(spec), now=NOW
    )
    assert report.checked == 2
    assert [
        (r["serving_limit"], r["loadtest_limit"], r["shortfall"]) for r in report.regressions
    ] == [(1000, 3000, 2000)]
    assert len(report.unknown) == 1 and "L-NOPE" in report.unknown[0]["quota"]
    watch(config, alerter, audit, open_source=lambda spec: SnapshotSource.from_file(spec), now=NOW)
    alerts = stack.alerts()
    assert [a["kind"] for a in alerts] == ["quota_regression"]  # once a day, not every run
    assert alerts[0]["quota"] == "aws:lambda/L-B99A9384@us-east-1"


@pytest.mark.parametrize(
    ("raw", "entry"),
    [
        ({"loadtest": "a", "quotas": [{"service": "x", "code": "y"}]}, "serving"),
        ({"serving": "a", "loadtest": "b", "quotas": []}, "quotas"),
        ({"serving": "a", "loadtest": "b", "quotas": [{"service": "x"}]}, "quotas[0]"),
    ],
)
def test_watch_config_errors_name_the_entry(raw, entry):
    with pytest.raises(EngineConfigurationError) as caught:
        EngineConfig.from_env({wiring.ENV_REGRESSION_WATCH: json.dumps(raw)})
    assert str(caught.value).startswith(f"{wiring.ENV_REGRESSION_WATCH}: ") or entry in str(
        caught.value
    )
    assert entry in str(caught.value)


def approved_by_lead(stack, request_id: str) -> None:
    """The approval function's record, as it writes it from the approver's IAM identity."""
    stack.clients["dynamodb"].put_item(
        TableName=stack.config.monitoring_table,
        Item={
            "pk": {"S": f"approval#{request_id}"},
            "sk": {"S": "approval"},
            "status": {"S": "approved"},
            "approver": {"S": "arn:aws:iam::111111111111:role/capacity-lead"},
            "decided_at": {"S": NOW.isoformat()},
        },
    )


def test_execute_an_approved_increase(stack):
    endpoint = ServiceQuotasEndpoint()
    clients = AccountClients(stack.config.accounts)
    clients.inject(
        "service-quotas",
        "111111111111",
        "us-east-1",
        endpoint.attach(make_client("service-quotas", region="us-east-1")),
    )
    engine = build(
        stack.config,
        source_factory=lambda a, r: None,
        forecaster=GrowthForecaster(),
        clients=clients,
    )
    event = ExecuteIncreaseInput.model_validate(load_event("engine_execute_increase"))
    records = ApprovalRecords(stack.config.monitoring_table)
    # nobody approved it (the payload's "approval" is not evidence): refused, nothing filed
    with pytest.raises(ApprovalError, match="no approval is recorded"):
        execute_increase(engine.actions, event, records, now=NOW)
    assert endpoint.requests == []
    # the approval function's record, written from the approver's IAM identity
    approved_by_lead(stack, event.request.request_id)
    done = execute_increase(engine.actions, event, records, now=NOW)
    again = execute_increase(engine.actions, event, records, now=NOW)  # a retried invocation
    assert done["status"] == "requested" and again["status"] == "already_open"
    assert [(r["QuotaCode"], r["DesiredValue"]) for r in endpoint.requests] == [
        ("L-1216C47A", 150.0)
    ]
    audit = stack.scan(stack.config.log_table)
    # who approved comes from the record, not from the payload's "alice"
    assert {a["by"] for a in audit if a["kind"] == "approved_increase"} == {
        "arn:aws:iam::111111111111:role/capacity-lead"
    }
    assert [a["kind"] for a in audit].count("approved_increase_refused") == 1
    # the retry found the request it filed: one action, one record
    assert [a["kind"] for a in audit].count("approved_increase") == 1


def test_execute_does_not_report_an_increase_someone_else_is_filing(stack):
    from quotapilot.engine.act.increase import RequestLocks
    from quotapilot.engine.exceptions import IncreaseInFlight

    endpoint = ServiceQuotasEndpoint()
    clients = AccountClients(stack.config.accounts)
    clients.inject("service-quotas", "111111111111", "us-east-1",
                   endpoint.attach(make_client("service-quotas", region="us-east-1")))  # fmt: skip
    engine = build(stack.config, source_factory=lambda a, r: None,
                   forecaster=GrowthForecaster(), clients=clients)  # fmt: skip
    event = ExecuteIncreaseInput.model_validate(load_event("engine_execute_increase"))
    approved_by_lead(stack, event.request.request_id)
    # a cycle (not this workflow) took the lock a minute ago and has not filed yet
    RequestLocks(stack.config.monitoring_table).acquire(
        event.request.key.key(), event.request.desired_limit, NOW
    )
    with pytest.raises(IncreaseInFlight):
        execute_increase(engine.actions, event, ApprovalRecords(stack.config.monitoring_table),
                         now=NOW)  # fmt: skip
    assert endpoint.requests == []
    assert "approved_increase" not in {a["kind"] for a in stack.scan(stack.config.log_table)}


def test_execute_refuses_a_decrease():
    event = load_event("engine_execute_increase")
    event["request"]["desired_limit"] = 50
    with pytest.raises(ValueError, match="desired_limit must be above current_limit"):
        ExecuteIncreaseInput.model_validate(event)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        (wiring.ENV_ACCOUNTS, "not json", "not valid JSON"),
        (wiring.ENV_ACCOUNTS, json.dumps([{"role_arn": "x"}]), '"account"'),
        (wiring.ENV_REGRESSION_WATCH, "[1]", "JSON object"),
    ],
)
def test_configuration_errors_name_the_variable(name, value, words):
    with pytest.raises(EngineConfigurationError) as caught:
        EngineConfig.from_env({name: value})
    assert str(caught.value).startswith(name) and words in str(caught.value)


def test_configuration_reads_lists():
    config = EngineConfig.from_env(
        {
            wiring.ENV_REGIONS: '["us-east-1", "eu-west-1"]',
            wiring.ENV_APPROVERS: '["arn:a", "arn:b"]',
            wiring.ENV_ACCOUNTS: '[{"account": "1", "role_arn": "r"}]',
        }
    )
    assert config.regions == ("us-east-1", "eu-west-1") and config.approvers == {"arn:a", "arn:b"}
    assert config.accounts[0].role_arn == "r"

"""What the twin makes the deployed stack live through: a quota climbing for two days, every
kind of event, an approval that is given and one that times out, the regression watch.

Each scenario returns what happened, read back from the twin's AWS (alerts published, requests
filed, executions, audit records, dead letters); the tests assert on it, and the fault
benchmark runs the same scenarios with faults injected.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from quotapilot import wiring
from tests.twin.cloud import Twin
from tests.twin.materialise import ACCOUNT
from tests.twin.servicequotas import FakeQuota

EVENTS = Path(__file__).resolve().parents[1] / "events"
START = datetime(2026, 11, 20, tzinfo=UTC)
LAMBDA_DIMENSIONS = {
    "Service": "Lambda",
    "Type": "Resource",
    "Resource": "ConcurrentExecutions",
    "Class": "None",
}
APPROVER = "arn:aws:iam::123456789012:role/capacity-lead"
ROOT = Path(__file__).resolve().parents[2]
#: A stack with accounts, regions, the regression watch (a load-test snapshot uploaded to the
#: artifacts bucket) and approvers set; the schedule is prod's 5 minutes.
CONFIGURED = [
    'quotapilot:accounts=["123456789012"]',
    'quotapilot:regions=["us-east-1"]',
    'quotapilot:regression_watch=["aws:lambda/L-B99A9384@us-east-1"]',
    f"quotapilot:regression_baseline_snapshot={ROOT / 'examples/quotas/loadtest.yaml'}",
    f'quotapilot:approvers=["{APPROVER}"]',
    "quotapilot:schedule=rate(5 minutes)",
]
#: The same stack with the fan-out cycle over two regions (two shards, a batch each).
FAN_OUT = [
    *(c for c in CONFIGURED if not c.startswith("quotapilot:regions=")),
    'quotapilot:regions=["us-east-1", "eu-west-1"]',
    'quotapilot:fan_out={"batch_size": 1, "max_concurrency": 10}',
]
DETAIL_EVENTS = {
    wiring.DETAIL_THRESHOLD_EXCEEDED: "engine_threshold_exceeded",
    wiring.DETAIL_USAGE_SPIKE: "engine_usage_spike",
    wiring.DETAIL_PREDICTION_ALERT: "engine_prediction_alert",
    wiring.DETAIL_INFRASTRUCTURE_SCALING: "engine_infrastructure_scaling",
    wiring.DETAIL_DISASTER_RECOVERY: "engine_disaster_recovery",
    wiring.DETAIL_COST_OPTIMIZATION: "engine_cost_optimization",
}


def entry(name: str, bus: str | None) -> dict:
    """A sample event as a producer puts it on a bus (EventBridge adds the envelope)."""
    event = json.loads((EVENTS / f"{name}.json").read_text())
    detail = event["detail"]
    if "account" in detail:
        detail["account"] = ACCOUNT
    put = {
        "Source": event["source"],
        "DetailType": event["detail-type"],
        "Detail": json.dumps(detail),
    }
    if event["source"] == "aws.health":
        put["Resources"] = event["resources"]
    if bus:
        put["EventBusName"] = bus
    return put


@dataclass
class Outcome:
    alerts: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Any] = field(default_factory=list)
    executions: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    dead_letters: list[dict[str, Any]] = field(default_factory=list)
    invocations: list[Any] = field(default_factory=list)
    cycles: int = 0
    failed_cycles: int = 0

    @property
    def alert_kinds(self) -> Counter:
        return Counter(a.get("kind") for a in self.alerts)


def add_rule(twin: Twin, **rule: Any) -> None:
    table = twin.deployment.functions["engine"].environment[wiring.ENV_RULES_TABLE]
    item = {k: {"BOOL": v} if isinstance(v, bool) else {"S": str(v)} for k, v in rule.items()}
    twin.client("dynamodb").put_item(TableName=table, Item=item)


def watch_alerts(twin: Twin) -> str:
    """A queue subscribed to the alerts topic: what on-call would receive."""
    sqs, sns = twin.client("sqs"), twin.client("sns")
    url = sqs.create_queue(QueueName="twin-oncall")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    topic = twin.deployment.functions["engine"].environment[wiring.ENV_ALERTS_TOPIC_ARN]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    return url


def drain(twin: Twin, url: str) -> list[dict[str, Any]]:
    sqs = twin.client("sqs")
    out = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return out
        for message in got:
            body = json.loads(message["Body"])
            out.append(json.loads(body["Message"]) if "Message" in body else body)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def usage(
    twin: Twin, value: float, at: datetime, dimensions: dict[str, str] = LAMBDA_DIMENSIONS
) -> None:
    """AWS/Usage publishing a resource count. The dimensions go sorted by name: moto matches
    a query's dimensions to a metric's by order (its Dimension sorts wrongly), and the engine
    asks in name order; CloudWatch itself matches them as a set."""
    twin.client("cloudwatch").put_metric_data(
        Namespace="AWS/Usage",
        MetricData=[
            {
                "MetricName": "ResourceCount",
                "Dimensions": [{"Name": k, "Value": v} for k, v in sorted(dimensions.items())],
                "Timestamp": at,
                "Value": value,
                "Unit": "None",
            }
        ],
    )


def decide_by_url(twin: Twin, request_id: str, decision: str, caller: str = APPROVER) -> Any:
    """An approver's call to the approval function's IAM-authenticated URL: who calls comes
    from the URL's IAM context (the event's requestContext), which a caller can't forge."""
    event = json.loads((EVENTS / "engine_approval_decide_url.json").read_text())
    event["requestContext"]["authorizer"]["iam"]["userArn"] = caller
    event["body"] = json.dumps({"action": "decide", "request_id": request_id, "decision": decision})
    return twin.service.hosts["approval"].invoke(event, twin.now_text()).result


def pending_approvals(twin: Twin) -> list[str]:
    table = twin.deployment.functions["engine"].environment[wiring.ENV_MONITORING_TABLE]
    items = twin.client("dynamodb").scan(TableName=table).get("Items", [])
    return sorted(
        i["pk"]["S"].removeprefix("approval#")
        for i in items
        if i["pk"]["S"].startswith("approval#")
        and i["status"]["S"] == "pending"
        # an approver decides what they were asked about
        and "notified_at" in i
    )


def audit_records(twin: Twin) -> list[dict[str, Any]]:
    table = twin.deployment.functions["engine"].environment[wiring.ENV_LOG_TABLE]
    items = twin.client("dynamodb").scan(TableName=table).get("Items", [])
    return [{k: next(iter(v.values())) for k, v in item.items()} for item in items]


def climb_for_two_days(
    twin: Twin,
    *,
    hours: float = 48.0,
    before_step: Callable[[int, Twin], None] | None = None,
    before_decision: Callable[[int, Twin], None] | None = None,
    settle_seconds: float = 20.0,
) -> Outcome:
    """Lambda concurrency climbs from 60% to 99% of 1,000 on the 5-minute schedule. The rule
    alerts in the warning band, and from the critical band asks for an increase that needs
    approval; an approver approves through the URL, the workflow files it, and AWS grants it
    once the quota is in the emergency band. ``before_step`` and ``before_decision`` may
    arm faults (a crash) for what runs next."""
    oncall = watch_alerts(twin)
    add_rule(
        twin,
        rule_id="lambda-concurrency",
        service="lambda",
        code="L-B99A9384",
        automation_level="auto_approve",
        approval_required=True,
    )
    twin.quotas.state.add(
        FakeQuota(
            "lambda",
            "L-B99A9384",
            "Concurrent executions",
            1000,
            1000,
            dimensions=LAMBDA_DIMENSIONS,
        )
    )
    outcome = Outcome()
    steps = int(hours * 12)
    for step in range(steps):
        now = START + timedelta(minutes=5 * step)
        limit = twin.quotas.state.quotas[("lambda", "L-B99A9384")].value
        if before_step is not None:
            before_step(step, twin)
        usage(twin, 600 + 390 * step / (steps - 1), now)
        runs = len(twin.cycle_runs)
        for invocation in twin.tick(now):
            outcome.invocations.append(invocation)
            if invocation.function == "engine" and invocation.event == {"action": "cycle"}:
                outcome.cycles += 1
                outcome.failed_cycles += not invocation.ok
        # with the fan-out cycle, the schedule started the state machine instead
        for run in twin.cycle_runs[runs:]:
            outcome.cycles += 1
            outcome.failed_cycles += run["status"] != "SUCCEEDED"
        for request_id in pending_approvals(twin):
            if before_decision is not None:
                before_decision(step, twin)
            decide_by_url(twin, request_id, "approve")
        twin.settle_workflows(settle_seconds)
        # AWS takes its time: it grants the request once usage is deep in the emergency band
        for request in twin.quotas.state.requests:
            current = 600 + 390 * step / (steps - 1)
            if request.status == "PENDING" and current / limit >= 0.97:
                twin.quotas.state.decide(request.id, approve=True)
    outcome.alerts = drain(twin, oncall)
    outcome.requests = list(twin.quotas.state.requests)
    outcome.executions = twin.executions()
    outcome.audit = audit_records(twin)
    outcome.dead_letters = twin.dead_letters()
    return outcome

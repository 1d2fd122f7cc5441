"""Fixtures for the engine: moto AWS with the stack's tables, a topic with a queue to read
alerts from, the approval state machine, and a recorder of every AWS operation called."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import botocore.client
import pytest
from moto import mock_aws

from quotapilot import envvalues, wiring
from quotapilot.engine.aws import make_client
from quotapilot.engine.config import EngineConfig

REGION = "us-east-1"
#: IAM prefixes where they differ from the signing name.
IAM_PREFIX = {"monitoring": "cloudwatch"}


@pytest.fixture(autouse=True)
def _no_retry_sleep(monkeypatch):
    # Fault-injection tests retry hundreds of calls; the backoff itself is botocore's business.
    monkeypatch.setattr(
        "botocore.retries.standard.ExponentialBackoff.delay_amount", lambda self, ctx: 0
    )


@pytest.fixture
def aws_calls(monkeypatch) -> Iterator[set[str]]:
    """Every AWS operation any client makes during the test, as IAM actions."""
    calls: set[str] = set()
    original = botocore.client.BaseClient._make_api_call

    def recording(self, operation_name, api_params):
        model = self.meta.service_model
        calls.add(f"{IAM_PREFIX.get(model.signing_name, model.signing_name)}:{operation_name}")
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    yield calls


@dataclass
class Stack:
    config: EngineConfig
    queue_url: str
    clients: dict[str, Any]

    def alerts(self) -> list[dict[str, Any]]:
        sqs = self.clients["sqs"]
        messages = []
        while True:
            got = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get(
                "Messages", []
            )
            if not got:
                return messages
            for message in got:
                messages.append(json.loads(json.loads(message["Body"])["Message"]))
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def scan(self, table: str) -> list[dict[str, Any]]:
        from quotapilot.engine.aws import from_item

        pages = self.clients["dynamodb"].get_paginator("scan").paginate(TableName=table)
        return [from_item(item) for page in pages for item in page["Items"]]


def _create_table(dynamodb: Any, name: str, keys: tuple[str, str | None]) -> None:
    schema = [{"AttributeName": keys[0], "KeyType": "HASH"}]
    attributes = [{"AttributeName": keys[0], "AttributeType": "S"}]
    if keys[1]:
        schema.append({"AttributeName": keys[1], "KeyType": "RANGE"})
        attributes.append({"AttributeName": keys[1], "AttributeType": "S"})
    dynamodb.create_table(
        TableName=name,
        KeySchema=schema,
        AttributeDefinitions=attributes,
        BillingMode="PAY_PER_REQUEST",
    )


@pytest.fixture
def stack() -> Iterator[Stack]:
    with make_stack() as made:
        yield made


@contextlib.contextmanager
def make_stack() -> Iterator[Stack]:
    """A fresh local AWS with the stack's tables, topic, queue and state machine."""
    with mock_aws():
        clients = {
            name: make_client(name, region=REGION)
            for name in ("dynamodb", "sns", "sqs", "stepfunctions", "iam")
        }
        names = {
            wiring.ENV_MONITORING_TABLE: "monitoring",
            wiring.ENV_RULES_TABLE: "rules",
            wiring.ENV_LOG_TABLE: "log",
            wiring.ENV_EVENTS_TABLE: "events",
            wiring.ENV_IDEMPOTENCY_TABLE: "idempotency",
        }
        for env, table in names.items():
            _create_table(clients["dynamodb"], table, wiring.TABLE_KEYS[env])
        topic = clients["sns"].create_topic(Name="alerts")["TopicArn"]
        queue_url = clients["sqs"].create_queue(QueueName="alerts")["QueueUrl"]
        queue_arn = clients["sqs"].get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        clients["sns"].subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
        role = clients["iam"].create_role(RoleName="sfn", AssumeRolePolicyDocument="{}")["Role"][
            "Arn"
        ]
        definition = {"StartAt": "Wait", "States": {"Wait": {"Type": "Pass", "End": True}}}
        machine = clients["stepfunctions"].create_state_machine(
            name="approval", definition=json.dumps(definition), roleArn=role
        )["stateMachineArn"]
        env = {
            **names,
            wiring.ENV_ALERTS_TOPIC_ARN: topic,
            wiring.ENV_APPROVAL_STATE_MACHINE_ARN: machine,
            # encoded as the components encode them (one codec on both sides)
            wiring.ENV_APPROVERS: envvalues.encode_list(["arn:aws:iam::111111111111:user/alice"]),
            wiring.ENV_REGIONS: envvalues.encode_list(["us-east-1", "eu-west-1"]),
            wiring.ENV_ACCOUNTS: envvalues.encode_accounts(["111111111111", "222222222222"], "qp"),
        }
        yield Stack(EngineConfig.from_env(env), queue_url, clients)


def put_rules(stack: Stack, *rules: dict[str, Any]) -> None:
    from quotapilot.engine.aws import to_item

    for rule in rules:
        stack.clients["dynamodb"].put_item(
            TableName=stack.config.rules_table,
            Item=to_item({"rule_id": f"{rule['service']}/{rule['code']}", **rule}),
        )

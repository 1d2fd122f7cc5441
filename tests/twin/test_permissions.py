"""Permissions from use: every AWS action each function called, across all the twin's
scenarios, against the policy planned for it. Nothing the code calls is missing; nothing the
policy grants is unused, but for what AWS services do with the role on the function's behalf
and for the failure paths named below (each a deliberate, documented exception, so the set
stays exact: a new unused grant, or one of these becoming used, fails the test).

(Runs after the scenario modules; run on its own, it first runs them.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.twin import functions

#: Used by AWS with the function's role, never by its code: the Lambda service writes its logs
#: and traces; KMS decrypts the environment, and encrypts for SNS, SQS and DynamoDB.
SERVICE_SIDE = frozenset(
    {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
        "kms:Decrypt",
        "kms:GenerateDataKey",
    }
)
#: Failure paths the scenarios don't reach, each with the class that needs it.
UNREACHED = {
    "engine": {
        # Alerter gives its cooldown back when the publish fails (only under faults).
        "dynamodb:DeleteItem",
        # IncreaseRequester: a request still pending after days gets the support case Service
        # Quotas offers, and the Support API when that fails.
        "servicequotas:CreateSupportCase",
        "support:CreateCase",
        # AwsSource reads AWS's defaults only for a quota with no applied value.
        "servicequotas:ListAWSDefaultServiceQuotas",
        # The Lambda service dead-letters a failed asynchronous invocation with the role; no
        # scenario cycle fails (the events function's malformed event does exercise it).
        "sqs:SendMessage",
    },
    "events": {
        # RequestLocks reads a held lock only when two runs want the same increase at once.
        "dynamodb:GetItem",
        "servicequotas:CreateSupportCase",
        "support:CreateCase",
        # AwsSource asks STS which account it reads only when nothing says (an event names
        # its account). (sts:AssumeRole is granted only with member accounts configured, on
        # exactly their roles, and the configured stack's events use it.)
        "sts:GetCallerIdentity",
    },
    "approval": set(),
    "collector": {
        "servicequotas:ListAWSDefaultServiceQuotas",
        # Every shard names its account: the collector never has to ask.
        "sts:GetCallerIdentity",
    },
}
ROOT = Path(__file__).resolve().parents[2]


def planned_actions(policy: dict) -> set[str]:
    actions: set[str] = set()
    for statement in policy["Statement"]:
        given = statement["Action"]
        actions |= set(given if isinstance(given, list) else [given])
    return actions


SCENARIOS = ("test_approvals", "test_configured", "test_defaults", "test_fan_out")


@pytest.fixture(scope="module")
def recorded():
    missing = [m for m in SCENARIOS if m not in functions.FINISHED]
    if missing:
        # run on its own (or in another pytest-xdist worker than the scenarios): run them here
        here = Path(__file__).parent
        code = pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                            *(str(here / f"{m}.py") for m in missing)])  # fmt: skip
        assert code == 0, "the twin's scenarios failed"
    return functions.RECORDED


def test_no_call_any_function_made_was_refused(recorded):
    assert functions.DENIED == []


def test_every_planned_policy_grants_exactly_what_its_code_uses(recorded):
    granted: dict[str, set[str]] = {}
    used: dict[str, set[str]] = {}
    for (role, policy_text), calls in recorded.items():
        policy = planned_actions(json.loads(policy_text))
        # each configuration's policy allows what its code called
        assert calls <= policy, (role, calls - policy)
        granted.setdefault(role, set()).update(policy)
        used.setdefault(role, set()).update(calls)
    assert set(granted) == {"engine", "events", "approval", "collector"}
    for role in granted:
        # and across the configurations, nothing granted goes unused but the exceptions
        unused = granted[role] - used[role] - SERVICE_SIDE
        assert unused == UNREACHED[role], (role, sorted(unused))


def test_every_planned_policy_passes_the_lint(configured_plan, default_plan, fan_out_plan):
    """parliament (IAM lint) on every planned policy: actions that exist, resources of the
    right type (tests/iam_lint.py says where its tables are behind AWS)."""
    from tests.iam_lint import lint_failures

    linted = 0
    for plan in (configured_plan, default_plan, fan_out_plan):
        for resource in plan.resources:
            if resource.type != "aws:iam/rolePolicy:RolePolicy":
                continue
            assert lint_failures(resource.properties["policy"]) == [], resource.name
            linted += 1
    assert linted >= 8 + 3  # the fan-out stack: the collector's, the cycle's, its starter's

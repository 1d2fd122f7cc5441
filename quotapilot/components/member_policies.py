"""The documents of the role the engine assumes in a member account: who may assume it, and
what it may do there. Plain dicts: the Pulumi component and the CloudFormation StackSet
template are both rendered from these, so the two ways of deploying the role can't differ.

What the role may do is computed from the declarations of the code that runs with its
credentials (the AWS source reads, the increase requester files), split into reads and
increases: an account that only lends its quotas for reading never lets the engine file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from quotapilot.permissions import NO_RESOURCE_SCOPE, Needs

VERSION = "2012-10-17"
#: Actions that only read, by their verb: everything else changes something.
_READ_VERBS = ("List", "Get", "Describe")


def _member_needs() -> tuple[Needs, ...]:
    """What the engine does with a member account's credentials: only declarations on
    actions AWS can't scope to a resource ARN in that account (Service Quotas, CloudWatch
    metrics, Support); the engine's own tables and topics live in the engine account."""
    from quotapilot.engine.act.increase import IncreaseRequester
    from quotapilot.sources.aws.source import AwsSource

    declared = (*AwsSource.permissions, *IncreaseRequester.permissions)
    return tuple(n for n in declared if n.resource == NO_RESOURCE_SCOPE)


def member_actions(allow_increases: bool) -> tuple[str, ...]:
    """Exact action names (never a wildcard): reads, and the increase actions if allowed."""
    actions = {a for needs in _member_needs() for a in needs.actions}
    reads = {a for a in actions if a.partition(":")[2].startswith(_READ_VERBS)}
    return tuple(sorted(actions if allow_increases else reads))


def trust_policy(
    engine_role_arn: str | Sequence[str],
    organization_id: str | None = None,
    external_id: str | None = None,
) -> dict[str, Any]:
    """Only the engine's role (and, with the fan-out cycle, the collector's) may assume this
    one; in the organisation, with the external id, when given."""
    principals = [engine_role_arn] if isinstance(engine_role_arn, str) else list(engine_role_arn)
    conditions: dict[str, dict[str, str]] = {}
    if organization_id:
        conditions["StringEquals"] = {"aws:PrincipalOrgID": organization_id}
    if external_id:
        conditions.setdefault("StringEquals", {})["sts:ExternalId"] = external_id
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
        "Action": "sts:AssumeRole",
    }
    if conditions:
        statement["Condition"] = conditions
    return {"Version": VERSION, "Statement": [statement]}


def permissions_policy(allow_increases: bool) -> dict[str, Any]:
    statements = [
        {
            "Sid": "ReadQuotasAndUsage",
            "Effect": "Allow",
            "Action": list(member_actions(False)),
            # Service Quotas' list actions and GetMetricData take no resource ARN.
            "Resource": "*",
        }
    ]
    if allow_increases:
        statements.append(
            {
                "Sid": "RequestIncreases",
                "Effect": "Allow",
                "Action": sorted(set(member_actions(True)) - set(member_actions(False))),
                # Requests name quota ARNs the role can't know ahead; Support has no ARNs.
                "Resource": "*",
            }
        )
    return {"Version": VERSION, "Statement": statements}


def engine_role_arn(engine_account: str, engine_role_name: str) -> str:
    return f"arn:aws:iam::{engine_account}:role/{engine_role_name}"


def stackset_template(
    role_name: str,
    engine_role_arn: str | Sequence[str],
    *,
    organization_id: str | None = None,
    external_id: str | None = None,
    allow_increases: bool = False,
) -> str:
    """A CloudFormation template of the member role, for a service-managed StackSet that
    deploys it to every account of some organisational units."""
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "quotapilot: the role the quota engine assumes in this account",
        "Resources": {
            "QuotapilotMemberRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": role_name,
                    "AssumeRolePolicyDocument": trust_policy(
                        engine_role_arn, organization_id, external_id
                    ),
                    "Policies": [
                        {
                            "PolicyName": "quotapilot-member",
                            "PolicyDocument": permissions_policy(allow_increases),
                        }
                    ],
                    "Tags": [{"Key": "managed-by", "Value": "quotapilot"}],
                },
            }
        },
        "Outputs": {"RoleArn": {"Value": {"Fn::GetAtt": ["QuotapilotMemberRole", "Arn"]}}},
    }
    return json.dumps(template, indent=2, sort_keys=True)


def role_arns(accounts: Iterable[str], role_name: str) -> list[str]:
    """The member roles the engine may assume: one exact ARN per configured account."""
    return [f"arn:aws:iam::{account}:role/{role_name}" for account in accounts]

"""What the functions are told and what they may touch: their environment values, and the
ARNs each logical resource of :mod:`quotapilot.permissions` stands for in this stack."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from quotapilot import envvalues, permissions, wiring
from quotapilot.components.args import QuotaAutomationArgs
from quotapilot.components.messaging import Messaging
from quotapilot.components.tables import LAYOUTS


def function_environment(
    args: QuotaAutomationArgs,
    tables: Mapping[str, aws.dynamodb.Table],
    messaging: Messaging,
    state_machine_arn: pulumi.Input[str],
    regression_baseline: pulumi.Input[str],
    artifacts_bucket: pulumi.Input[str],  # its name (a bucket's id is its name)
) -> dict[str, pulumi.Input[str]]:
    """Every environment value the Lambda code reads, encoded as it decodes them."""
    return {
        **{LAYOUTS[logical][0]: table.name for logical, table in tables.items()},
        wiring.ENV_ALERTS_TOPIC_ARN: messaging.alerts_topic.arn,
        wiring.ENV_EVENTS_TOPIC_ARN: messaging.events_topic.arn,
        wiring.ENV_EVENT_BUS: messaging.bus.name,
        wiring.ENV_APPROVAL_STATE_MACHINE_ARN: state_machine_arn,
        wiring.ENV_APPROVERS: _encoded(args, "approvers", envvalues.encode_list),
        wiring.ENV_ACCOUNTS: _encoded(
            args,
            "accounts",
            lambda accounts, role: envvalues.encode_accounts(accounts, role),
            args.checked("member_role_name"),
        ),
        wiring.ENV_REGIONS: _encoded(args, "regions", envvalues.encode_list),
        wiring.ENV_REGRESSION_WATCH: _encoded(
            args,
            "regression_watch",
            lambda quotas, serving, baseline: envvalues.encode_watch(serving, baseline, quotas),
            args.checked("regression_serving"),
            regression_baseline,
        ),
        wiring.ENV_ENVIRONMENT: args.environment,
        wiring.ENV_ARTIFACTS_BUCKET: artifacts_bucket,
        wiring.ENV_ORGANIZATION: pulumi.Output.from_input(args.checked("member_role_name")).apply(
            lambda role: envvalues.encode_organization(args.organization_id, role)
        ),
    }


def resource_arns(
    args: QuotaAutomationArgs,
    tables: Mapping[str, aws.dynamodb.Table],
    messaging: Messaging,
    state_machine_arn: pulumi.Input[str],
    regression_baseline: pulumi.Input[str],
    artifacts_arn: pulumi.Input[str],
    key_arn: pulumi.Input[str],
) -> dict[str, list[pulumi.Input[str]]]:
    """Logical resource -> its ARNs here; an empty ARN means the stack has none."""
    baseline = pulumi.Output.from_input(regression_baseline)
    return {
        **{logical: [table.arn] for logical, table in tables.items()},
        permissions.TOPIC_ALERTS: [messaging.alerts_topic.arn],
        permissions.TOPIC_EVENTS: [messaging.events_topic.arn],
        permissions.EVENT_BUS: [messaging.bus.arn],
        permissions.STATE_MACHINE: [state_machine_arn],
        permissions.DEAD_LETTER_QUEUE: [messaging.dead_letters.arn],
        permissions.KMS_KEY: [key_arn],
        permissions.MEMBER_ACCOUNT_ROLE: _member_roles(args),
        # ListAccounts takes no resource ARN: "*" when the stack watches an organisation.
        permissions.ORGANIZATION: ["*"] if args.organization_id else [],
        permissions.BASELINE_SNAPSHOT: [baseline.apply(_snapshot_arn)],
        permissions.LOADTEST_ROLE: [baseline.apply(_loadtest_role)],
        # Only the fan-out cycle writes (the engine) and reads (its Map) shard lists.
        permissions.SHARD_LISTS: (
            [pulumi.Output.concat(artifacts_arn, "/", wiring.SHARDS_PREFIX, "*")]
            if args.fan_out is not None
            else []
        ),
    }


def _member_roles(args: QuotaAutomationArgs) -> list[pulumi.Input[str]]:
    """Exactly the roles the engine is told to assume, spelled by the same function (none:
    the engine works in its own account); with an organisation, the role in any account, on
    the condition (:func:`resource_conditions`) that the account is the organisation's."""
    role = args.checked("member_role_name")
    if args.organization_id:
        return [pulumi.Output.from_input(role).apply(lambda r: envvalues.member_role_arn("*", r))]
    return [
        pulumi.Output.all(args.checked("accounts", account), role).apply(
            lambda values: envvalues.member_role_arn(*values)
        )
        for account in args.accounts
    ]


def resource_conditions(args: QuotaAutomationArgs) -> dict[str, dict]:
    """Logical resource -> the IAM condition its statements carry."""
    if not args.organization_id:
        return {}
    organization = {"StringEquals": {"aws:ResourceOrgID": args.organization_id}}
    return {permissions.MEMBER_ACCOUNT_ROLE: organization}


def _encoded(args: QuotaAutomationArgs, name: str, encode, *more) -> pulumi.Output[str]:
    """A list field (and the other inputs its encoding needs) as the environment value the
    Lambda code decodes, through the one codec both sides share."""
    items = [args.checked(name, item) for item in getattr(args, name)]
    count = len(items)
    return pulumi.Output.all(*items, *more).apply(
        lambda values: encode(list(values[:count]), *values[count:])
    )


def _snapshot_arn(baseline: str) -> str:
    """The object an ``s3://BUCKET/KEY`` baseline names, as an ARN; empty otherwise."""
    if not baseline.startswith("s3://"):
        return ""
    return "arn:aws:s3:::" + baseline.removeprefix("s3://")


def _loadtest_role(baseline: str) -> str:
    """The role an ``aws:REGION;role=ARN`` baseline names; empty otherwise."""
    _, _, options = baseline.partition(";")
    name, _, arn = options.partition("=")
    return arn if name == "role" and arn.startswith("arn:aws") else ""

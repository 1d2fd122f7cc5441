"""What each of the stack's state machines has: an encrypted log group, a role Step Functions
assumes with the policy given, and the state machine itself, logging its errors and traced."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from quotapilot.components import documents


def state_machine_arn(
    region: pulumi.Input[str], account: pulumi.Input[str], name: str
) -> pulumi.Output[str]:
    """The ARN a state machine of this name will have: named before it exists, where a
    policy or the engine's environment must name it first."""
    return pulumi.Output.concat("arn:aws:states:", region, ":", account, ":stateMachine:", name)


def logged_state_machine(
    stem: str,
    logical_name: str,
    *,
    name: str,
    definition: pulumi.Input[str],
    policy: pulumi.Input[str],
    prefix: str,
    tags: dict[str, str],
    key_arn: pulumi.Input[str],
    log_retention_days: pulumi.Input[int],
    include_execution_data: bool,
    opts: pulumi.ResourceOptions,
) -> aws.sfn.StateMachine:
    """The state machine ``name``; its log group, role and policy are ``<prefix>-<stem>-logs``,
    ``-role`` and ``-policy`` (the names the stack's resources have always had)."""
    log_group = aws.cloudwatch.LogGroup(
        f"{prefix}-{stem}-logs",
        retention_in_days=log_retention_days,
        kms_key_id=key_arn,
        tags=tags,
        opts=opts,
    )
    role = aws.iam.Role(
        f"{prefix}-{stem}-role",
        assume_role_policy=json.dumps(documents.assume_role("states.amazonaws.com")),
        tags=tags,
        opts=opts,
    )
    role_policy = aws.iam.RolePolicy(
        f"{prefix}-{stem}-policy", role=role.id, policy=policy, opts=opts
    )
    return aws.sfn.StateMachine(
        logical_name,
        name=name,
        role_arn=role.arn,
        type="STANDARD",
        definition=definition,
        logging_configuration={
            "log_destination": log_group.arn.apply(lambda arn: f"{arn}:*"),
            "include_execution_data": include_execution_data,
            "level": "ERROR",
        },
        tracing_configuration={"enabled": True},
        tags=tags,
        # Step Functions checks, on creation, that the role may do what the definition does.
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[role_policy])),
    )

"""The approval workflow: a Step Functions state machine that parks a quota increase on an
approver's decision (a task token: no polling), then has the engine file it; and the
approval function's URL, through which approvers answer."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from quotapilot.components import documents
from quotapilot.components.part import TYPE_PREFIX, PartArgs, resource_options
from quotapilot.components.state_machine import logged_state_machine


@dataclass(frozen=True, kw_only=True)
class ApprovalWorkflowArgs(PartArgs):
    #: The state machine's physical name (fixed, so the engine can name its ARN before it
    #: exists: the engine starts the workflow, and the workflow invokes the engine).
    state_machine_name: str
    #: The approval function: it parks the request and takes the approver's decision.
    approval_function_arn: pulumi.Input[str]
    approval_function_name: pulumi.Input[str]
    #: The engine function: it files the approved increase.
    engine_function_arn: pulumi.Input[str]
    #: Where the workflow announces the outcome.
    events_topic_arn: pulumi.Input[str]
    #: The key encrypting the log group and the topic.
    key_arn: pulumi.Input[str]
    timeout_seconds: pulumi.Input[int]
    log_retention_days: pulumi.Input[int]


class ApprovalWorkflow(pulumi.ComponentResource):
    """The workflow with its role, logs and tracing, and the IAM-authenticated approval URL."""

    def __init__(
        self, name: str, args: ApprovalWorkflowArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_PREFIX + "ApprovalWorkflow", name, None, opts)
        child = resource_options(self, opts)
        prefix, tags = args.prefix, args.tags
        self.state_machine = logged_state_machine(
            "workflow",
            f"{prefix}-approval",
            name=args.state_machine_name,
            definition=pulumi.Output.all(
                args.approval_function_arn,
                args.engine_function_arn,
                args.events_topic_arn,
                args.timeout_seconds,
            ).apply(lambda a: json.dumps(documents.approval_state_machine(*a))),
            policy=pulumi.Output.all(
                args.approval_function_arn,
                args.engine_function_arn,
                args.events_topic_arn,
                args.key_arn,
            ).apply(lambda a: json.dumps(documents.workflow_policy(a[:2], a[2], a[3]))),
            prefix=prefix,
            tags=tags,
            key_arn=args.key_arn,
            log_retention_days=args.log_retention_days,
            include_execution_data=True,
            opts=child,
        )
        self.approval_url = aws.lambda_.FunctionUrl(
            f"{prefix}-approval-url",
            function_name=args.approval_function_name,
            authorization_type="AWS_IAM",
            opts=child,
        )
        self.register_outputs(
            {
                "state_machine_arn": self.state_machine.arn,
                "approval_url": self.approval_url.function_url,
            }
        )

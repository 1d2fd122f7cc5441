"""QuotaAutomation as another language's program reaches it through the plugin: inputs that
are other resources' outputs, and a prebuilt package for one function."""

import pulumi
import pulumi_aws as aws

from quotapilot.components.plugin import QuotaAutomation

config = pulumi.Config("outputs")
queue = aws.sqs.Queue("oncall")
approver = aws.iam.Role("approver", assume_role_policy="{}")
QuotaAutomation(
    "quota",
    {
        "environment": "prod",
        "alert_sqs_queue_arns": [queue.arn],
        "alert_emails": [pulumi.Output.from_input(config.get("email") or "oncall@example.com")],
        "approvers": [
            pulumi.Output.concat("arn:aws:iam::123456789012:role/", approver.name),
            "arn:aws:iam::123456789012:role/lead",
        ],
        "schedule": pulumi.Output.from_input("rate(10 minutes)"),
        "memory_mb": pulumi.Output.from_input(1024),
        "code": {"engine": pulumi.FileArchive(config.require("engine_zip"))},
    },
)

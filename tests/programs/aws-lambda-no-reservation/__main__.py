"""A function that reserves no concurrency: it draws on the shared pool."""

import pulumi
import pulumi_aws as aws

role = aws.iam.Role(
    "fn",
    assume_role_policy=aws.iam.get_policy_document(
        statements=[
            {
                "actions": ["sts:AssumeRole"],
                "principals": [{"type": "Service", "identifiers": ["lambda.amazonaws.com"]}],
            }
        ]
    ).json,
)
aws.lambda_.Function(
    "fn",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=pulumi.AssetArchive(
        {"index.py": pulumi.StringAsset("def handler(e, c):\n    return e\n")}
    ),
)

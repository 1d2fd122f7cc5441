"""A small but real program: data sources, an explicit provider, references, config."""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
size = config.require_int("size")
token = config.get_secret("token")  # encrypted in the stack file: unknown offline

identity = aws.get_caller_identity()
zones = aws.get_availability_zones()
ami = aws.ec2.get_ami(most_recent=True, owners=["amazon"])
template = aws.ec2.LaunchTemplate("web", image_id=ami.id, instance_type="m5.large")
aws.autoscaling.Group(
    "web",
    desired_capacity=size,
    min_size=1,
    max_size=10,
    availability_zones=zones.names[:2],
    launch_template={"id": template.id, "version": "$Latest"},
)
document = aws.iam.get_policy_document(
    statements=[
        {
            "actions": ["sts:AssumeRole"],
            "principals": [{"type": "Service", "identifiers": ["lambda.amazonaws.com"]}],
        }
    ]
)
role = aws.iam.Role("fn", assume_role_policy=document.json)
aws.iam.RolePolicyAttachment(
    "fn-logs",
    role=role.name,
    policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
)
east = aws.Provider("east", region="us-east-1")
aws.lambda_.Function(
    "fn",
    role=role.arn,
    runtime="python3.11",
    handler="index.handler",
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c): pass")}),
    reserved_concurrent_executions=50,
    opts=pulumi.ResourceOptions(provider=east),
)
pulumi.export("account", identity.account_id)
pulumi.export("policy", json.loads(document.json))

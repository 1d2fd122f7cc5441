"""A component of our own wrapping a role, a function and an instance, used twice; resource
objects passed as inputs and as dependencies."""

import json

import pulumi
import pulumi_aws as aws


class Worker(pulumi.ComponentResource):
    def __init__(self, name: str, concurrency: int, opts: pulumi.ResourceOptions | None = None):
        super().__init__("acme:index:Worker", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "sts:AssumeRole",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                        }
                    ],
                }
            ),
            opts=child,
        )
        self.function = aws.lambda_.Function(
            f"{name}-fn",
            role=self.role.arn,
            runtime="python3.12",
            handler="index.handler",
            code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c): pass\n")}),
            reserved_concurrent_executions=concurrency,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.role]),
        )
        self.host = aws.ec2.Instance(
            f"{name}-host", ami="ami-0abc", instance_type="t3.micro", opts=child
        )
        self.register_outputs({"function": self.function.arn})


first = Worker("ingest", 25)
second = Worker("enrich", 25, opts=pulumi.ResourceOptions(depends_on=[first]))
aws.sns.Topic("done", opts=pulumi.ResourceOptions(depends_on=[first, second]))

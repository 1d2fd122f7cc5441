"""Users, a role with managed policies attached two ways, an instance profile, a policy."""

import json

import pulumi_aws as aws

for name in ("ci-deployer", "auditor"):
    aws.iam.User(name, path="/service/")
policy = aws.iam.Policy(
    "read-config",
    policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}],
        }
    ),
)
role = aws.iam.Role(
    "app",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                }
            ],
        }
    ),
    managed_policy_arns=[
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
    ],
)
aws.iam.RolePolicyAttachment("app-config", role=role.name, policy_arn=policy.arn)
aws.iam.InstanceProfile("app", role=role.name)

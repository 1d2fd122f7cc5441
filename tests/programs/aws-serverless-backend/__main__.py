"""A serverless backend: tables, a bucket, a topic and a queue, a key, logs, a registry and a
workflow."""

import json

import pulumi_aws as aws

key = aws.kms.Key("data", enable_key_rotation=True)
for name in ("orders", "customers"):
    aws.dynamodb.Table(
        name,
        billing_mode="PAY_PER_REQUEST",
        hash_key="id",
        attributes=[{"name": "id", "type": "S"}],
        server_side_encryption={"enabled": True, "kms_key_arn": key.arn},
    )
aws.s3.BucketV2("uploads")
aws.sns.Topic("events", kms_master_key_id=key.id)
aws.sqs.Queue("work")
aws.cloudwatch.LogGroup("workflow", retention_in_days=30)
aws.ecr.Repository("app")
role = aws.iam.Role(
    "workflow",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"Service": "states.amazonaws.com"},
                }
            ],
        }
    ),
)
aws.sfn.StateMachine(
    "workflow",
    role_arn=role.arn,
    definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
)

"""A Fargate service: three tasks of one vCPU, with its role and log group."""

import json

import pulumi_aws as aws

cluster = aws.ecs.Cluster("web")
logs = aws.cloudwatch.LogGroup("web", retention_in_days=14)
role = aws.iam.Role(
    "task-exec",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                }
            ],
        }
    ),
)
aws.iam.RolePolicyAttachment(
    "task-exec",
    role=role.name,
    policy_arn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
)
task = aws.ecs.TaskDefinition(
    "web",
    family="web",
    cpu="1024",
    memory="2048",
    network_mode="awsvpc",
    requires_compatibilities=["FARGATE"],
    execution_role_arn=role.arn,
    container_definitions=logs.name.apply(
        lambda group: json.dumps(
            [
                {
                    "name": "web",
                    "image": "nginx",
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": {"awslogs-group": group},
                    },
                }
            ]
        )
    ),
)
aws.ecs.Service(
    "web",
    cluster=cluster.arn,
    task_definition=task.arn,
    desired_count=3,
    launch_type="FARGATE",
    network_configuration={"subnets": ["subnet-0a"], "assign_public_ip": True},
)

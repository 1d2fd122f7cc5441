"""ECS on EC2: the cluster's capacity is an Auto Scaling group; the service uses EC2."""

import json

import pulumi_aws as aws

cluster = aws.ecs.Cluster("app")
template = aws.ec2.LaunchTemplate(
    "ecs-hosts",
    image_id="ami-0ecs",
    instance_type="t3.large",
    user_data=cluster.name.apply(lambda n: f"ECS_CLUSTER={n}"),
)
aws.autoscaling.Group(
    "ecs-hosts",
    min_size=1,
    max_size=5,
    desired_capacity=3,
    availability_zones=["us-west-2a"],
    launch_template={"id": template.id, "version": "$Latest"},
)
task = aws.ecs.TaskDefinition(
    "api",
    family="api",
    requires_compatibilities=["EC2"],
    container_definitions=json.dumps([{"name": "api", "image": "nginx", "memory": 256}]),
)
aws.ecs.Service(
    "api", cluster=cluster.arn, task_definition=task.arn, desired_count=2, launch_type="EC2"
)

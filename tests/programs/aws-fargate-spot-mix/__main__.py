"""A service spread over Fargate and Fargate Spot by a capacity provider strategy."""

import pulumi_aws as aws

cluster = aws.ecs.Cluster("workers")
aws.ecs.ClusterCapacityProviders(
    "workers", cluster_name=cluster.name, capacity_providers=["FARGATE", "FARGATE_SPOT"]
)
task = aws.ecs.TaskDefinition(
    "worker",
    family="worker",
    cpu="512",
    memory="1024",
    network_mode="awsvpc",
    requires_compatibilities=["FARGATE"],
    container_definitions='[{"name": "worker", "image": "busybox"}]',
)
aws.ecs.Service(
    "worker",
    cluster=cluster.id,
    task_definition=task.arn,
    desired_count=6,
    capacity_provider_strategies=[
        {"capacity_provider": "FARGATE", "base": 1, "weight": 1},
        {"capacity_provider": "FARGATE_SPOT", "weight": 4},
    ],
    network_configuration={"subnets": ["subnet-0a"]},
)

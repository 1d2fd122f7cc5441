"""EKS with two managed node groups, one on-demand and one on Spot."""

import json

import pulumi_aws as aws


def service_role(name: str, service: str) -> aws.iam.Role:
    statement = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}
    return aws.iam.Role(
        name, assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )


cluster_role = service_role("eks-cluster", "eks.amazonaws.com")
aws.iam.RolePolicyAttachment(
    "eks-cluster",
    role=cluster_role.name,
    policy_arn="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
)
node_role = service_role("eks-nodes", "ec2.amazonaws.com")
for index, policy in enumerate(
    ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"]
):
    aws.iam.RolePolicyAttachment(
        f"eks-nodes-{index}", role=node_role.name, policy_arn=f"arn:aws:iam::aws:policy/{policy}"
    )
cluster = aws.eks.Cluster(
    "main",
    role_arn=cluster_role.arn,
    vpc_config={"subnet_ids": ["subnet-0a", "subnet-0b"]},
)
aws.eks.NodeGroup(
    "general",
    cluster_name=cluster.name,
    node_role_arn=node_role.arn,
    subnet_ids=["subnet-0a", "subnet-0b"],
    instance_types=["m5.xlarge"],
    scaling_config={"desired_size": 3, "min_size": 1, "max_size": 6},
)
aws.eks.NodeGroup(
    "spot",
    cluster_name=cluster.name,
    node_role_arn=node_role.arn,
    subnet_ids=["subnet-0a", "subnet-0b"],
    capacity_type="SPOT",
    instance_types=["m5.large", "m5a.large"],
    scaling_config={"desired_size": 4, "min_size": 0, "max_size": 10},
)

"""A Postgres instance and an Aurora cluster with two instances."""

import pulumi_aws as aws

subnets = aws.rds.SubnetGroup("db", subnet_ids=["subnet-0a", "subnet-0b"])
aws.rds.Instance(
    "reporting",
    engine="postgres",
    instance_class="db.m6g.large",
    allocated_storage=100,
    db_subnet_group_name=subnets.name,
    username="app",
    manage_master_user_password=True,
    skip_final_snapshot=True,
)
cluster = aws.rds.Cluster(
    "orders",
    engine="aurora-postgresql",
    db_subnet_group_name=subnets.name,
    master_username="app",
    manage_master_user_password=True,
    skip_final_snapshot=True,
)
for index in range(2):
    aws.rds.ClusterInstance(
        f"orders-{index}",
        cluster_identifier=cluster.id,
        engine="aurora-postgresql",
        instance_class="db.r6g.large",
    )

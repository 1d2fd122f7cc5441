"""The AWS quotas the rules consume: Service Quotas service code + quota code.

Codes are the ones Service Quotas lists (``aws service-quotas list-service-quotas``); names are
what the console calls them. Resource types AWS sets no count quota on (SQS queues, Secrets
Manager secrets, CloudWatch alarms and dashboards) have no rule: see ``UNTRACKED``.
"""

from __future__ import annotations

from quotapilot.catalogue.registry import QuotaRef
from quotapilot.catalogue.types import EC2_CLASS_QUOTAS
from quotapilot.domain import Scope

R, G = Scope.REGIONAL, Scope.GLOBAL


def ref(service: str, code: str, name: str, scope: Scope = R, **kw) -> QuotaRef:
    return QuotaRef("aws", service, code, scope, name, **kw)


# AWS keeps 100 of the account's concurrency unreserved: reservations can use limit - 100.
LAMBDA_CONCURRENCY = ref("lambda", "L-B99A9384", "Concurrent executions", floor=100)
EC2_VCPUS = {cls: ref("ec2", code, name) for cls, (code, name) in EC2_CLASS_QUOTAS.items()}
EC2_EIPS = ref("ec2", "L-0263D0A3", "EC2-VPC Elastic IPs")
ASG_GROUPS = ref("autoscaling", "L-CDE20ADC", "Auto Scaling groups per region")
LAUNCH_CONFIGURATIONS = ref("autoscaling", "L-6B80B8FA", "Launch configurations per region")
FARGATE_VCPUS = ref("fargate", "L-3032A538", "Fargate On-Demand vCPU resource count")
FARGATE_SPOT_VCPUS = ref("fargate", "L-36FBB829", "Fargate Spot vCPU resource count")
TARGET_GROUPS = ref("elasticloadbalancing", "L-B22855CB", "Target Groups per Region")
IAM_USERS = ref("iam", "L-F55AF5E4", "Users per account", G)
INSTANCE_PROFILES = ref("iam", "L-6E65F664", "Instance profiles per account", G)
RDS_SUBNET_GROUPS = ref("rds", "L-48C6BF61", "DB subnet groups")
KINESIS_SHARDS = ref("kinesis", "L-0918CF54", "Shards per Region")
VPCS = ref("vpc", "L-F678F1CE", "VPCs per Region")
INTERNET_GATEWAYS = ref("vpc", "L-A4707A72", "Internet gateways per Region")
EGRESS_ONLY_GATEWAYS = ref("vpc", "L-45FE3B85", "Egress-only internet gateways per Region")
NAT_GATEWAYS = ref("vpc", "L-FE5A380F", "NAT gateways per Availability Zone", per="AZ")
SECURITY_GROUPS = ref("vpc", "L-E79EC296", "VPC security groups per Region")
VPC_TYPE = "aws:ec2/vpc:Vpc"
SG_RULES = ref(
    "vpc",
    "L-0EA8095F",
    "Inbound or outbound rules per security group",
    per="security group",
    parent_type="aws:ec2/securityGroup:SecurityGroup",
)
SUBNETS = ref("vpc", "L-407747CB", "Subnets per VPC", per="VPC", parent_type=VPC_TYPE)
ROUTE_TABLES = ref("vpc", "L-589F43AA", "Route tables per VPC", per="VPC", parent_type=VPC_TYPE)
ALBS = ref("elasticloadbalancing", "L-53DA6B97", "Application Load Balancers per Region")
NLBS = ref("elasticloadbalancing", "L-69A177A2", "Network Load Balancers per Region")
CLBS = ref("elasticloadbalancing", "L-E9E9831D", "Classic Load Balancers per Region")
CLOUDFRONT = ref("cloudfront", "L-24B04930", "Web distributions per AWS account", G)
DYNAMODB_TABLES = ref("dynamodb", "L-F98FE922", "Maximum number of tables")
RDS_INSTANCES = ref("rds", "L-7B6409FD", "DB instances")
RDS_STORAGE = ref("rds", "L-7ADDB58A", "Total storage for all DB instances")
RDS_CLUSTERS = ref("rds", "L-952B80B8", "DB clusters")
ELASTICACHE_NODES = ref("elasticache", "L-DFE45DF3", "Nodes per Region")
S3_BUCKETS = ref("s3", "L-DC2B2D3D", "General purpose buckets", G)
ECR_REPOSITORIES = ref("ecr", "L-CFEB8E8D", "Registered repositories")
KMS_KEYS = ref("kms", "L-C2F1777E", "Customer Master Keys (CMKs)")
LOG_GROUPS = ref("logs", "L-C7B9AAAB", "Log groups")
SNS_TOPICS = ref("sns", "L-61103206", "Topics per Account")
EVENT_BUSES = ref("events", "L-658A4FD9", "Event buses")
EVENT_RULES = ref(
    "events",
    "L-244521F2",
    "Number of rules",
    per="event bus",
    parent_type="aws:cloudwatch/eventBus:EventBus",
)
STATE_MACHINES = ref("states", "L-B66B0F91", "Registered state machines")
IAM_ROLES = ref("iam", "L-FE177D64", "Roles per account", G)
IAM_POLICIES = ref("iam", "L-E95E4862", "Customer managed policies per account", G)
IAM_ROLE_POLICIES = ref(
    "iam", "L-0DA4ABF3", "Managed policies per role", G, per="role", parent_type="aws:iam/role:Role"
)
ECS_CLUSTERS = ref("ecs", "L-21C621EB", "Clusters per account")
ECS_SERVICES = ref(
    "ecs",
    "L-9EF96962",
    "Services per cluster",
    per="cluster",
    parent_type="aws:ecs/cluster:Cluster",
)
EKS_CLUSTERS = ref("eks", "L-1194D53C", "Clusters")
EBS_STORAGE_TIB = {
    "gp2": ref("ebs", "L-D18FCD1D", "Storage for General Purpose SSD (gp2) volumes, in TiB"),
    "gp3": ref("ebs", "L-7A658B76", "Storage for General Purpose SSD (gp3) volumes, in TiB"),
    "io1": ref("ebs", "L-FD252861", "Storage for Provisioned IOPS SSD (io1) volumes, in TiB"),
    "io2": ref("ebs", "L-09BD8365", "Storage for Provisioned IOPS SSD (io2) volumes, in TiB"),
    "st1": ref("ebs", "L-82ACEF56", "Storage for Throughput Optimized HDD (st1) volumes, in TiB"),
    "sc1": ref("ebs", "L-17AF77E8", "Storage for Cold HDD (sc1) volumes, in TiB"),
    "standard": ref("ebs", "L-9CF3C2EB", "Storage for Magnetic (standard) volumes, in TiB"),
}

#: Resource types with no count quota in Service Quotas, and why they have no rule.
UNTRACKED = {
    "aws:sqs/queue:Queue": "SQS sets no limit on the number of queues",
    "aws:secretsmanager/secret:Secret": "Secrets Manager's secret count (500,000 per Region) "
    "is not a Service Quotas quota",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "CloudWatch sets no limit on the number of "
    "alarms per account",
    "aws:cloudwatch/dashboard:Dashboard": "CloudWatch dashboards have no Service Quotas count "
    "quota",
    "aws:ec2/launchTemplate:LaunchTemplate": "counted through the instances and Auto Scaling "
    "groups that launch from it",
}

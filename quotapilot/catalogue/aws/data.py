"""Data stores and keys: DynamoDB, RDS, ElastiCache, S3, ECR, KMS, CloudWatch Logs."""

from __future__ import annotations

from quotapilot.catalogue.aws import refs
from quotapilot.catalogue.counting import count_rule
from quotapilot.catalogue.props import UNKNOWN, NotKnown, get, number, text
from quotapilot.catalogue.registry import DemandRule, catalogue, register

count_rule(
    catalogue, "aws:dynamodb/table:Table", "aws", "One DynamoDB table.", refs.DYNAMODB_TABLES
)
count_rule(catalogue, "aws:rds/cluster:Cluster", "aws", "One RDS DB cluster.", refs.RDS_CLUSTERS)
count_rule(
    catalogue,
    "aws:rds/clusterInstance:ClusterInstance",
    "aws",
    "One DB instance in a cluster (Aurora instances count as DB instances).",
    refs.RDS_INSTANCES,
)
count_rule(
    catalogue,
    "aws:rds/subnetGroup:SubnetGroup",
    "aws",
    "One RDS DB subnet group.",
    refs.RDS_SUBNET_GROUPS,
)
count_rule(
    catalogue,
    "aws:s3/bucket:Bucket",
    "aws",
    "One S3 general purpose bucket (a global quota).",
    refs.S3_BUCKETS,
)
count_rule(
    catalogue,
    "aws:s3/bucketV2:BucketV2",
    "aws",
    "One S3 general purpose bucket (a global quota).",
    refs.S3_BUCKETS,
)
count_rule(
    catalogue, "aws:ecr/repository:Repository", "aws", "One ECR repository.", refs.ECR_REPOSITORIES
)
count_rule(catalogue, "aws:kms/key:Key", "aws", "One customer managed KMS key.", refs.KMS_KEYS)
count_rule(
    catalogue,
    "aws:cloudwatch/logGroup:LogGroup",
    "aws",
    "One CloudWatch Logs log group.",
    refs.LOG_GROUPS,
)


@register("aws:rds/instance:Instance")
class RdsInstance(DemandRule):
    """One DB instance, and its allocated storage against the account's total."""

    provider = "aws"
    quotas = (refs.RDS_INSTANCES, refs.RDS_STORAGE)

    def demand(self, resource, region, plan=None):
        yield self.one(refs.RDS_INSTANCES, resource, region, 1)
        props = resource.properties
        try:
            engine = text(props, "engine", "")
            if engine.startswith("aurora") or (
                get(props, "allocatedStorage") is None
                and (get(props, "replicateSourceDb") is not None)
            ):
                return  # Aurora storage belongs to the cluster; replicas copy their source
            storage = number(props, "allocatedStorage")
        except NotKnown as error:
            yield self.unknown(refs.RDS_STORAGE, resource, error.reason)
            return
        yield self.one(refs.RDS_STORAGE, resource, region, storage)


@register("aws:elasticache/cluster:Cluster")
class ElastiCacheCluster(DemandRule):
    """The cluster's cache nodes against the nodes-per-Region quota."""

    provider = "aws"
    quotas = (refs.ELASTICACHE_NODES,)

    def demand(self, resource, region, plan=None):
        try:
            # A cluster joining a replication group takes its node count from the group.
            nodes = number(resource.properties, "numCacheNodes", 1)
        except NotKnown as error:
            yield self.unknown(refs.ELASTICACHE_NODES, resource, error.reason)
            return
        yield self.one(refs.ELASTICACHE_NODES, resource, region, nodes)


@register("aws:kinesis/stream:Stream")
class KinesisStream(DemandRule):
    """A provisioned stream's shards against the shards per Region (on-demand streams are
    sized by AWS and limited per account by stream count instead)."""

    provider = "aws"
    quotas = (refs.KINESIS_SHARDS,)

    def demand(self, resource, region, plan=None):
        props = resource.properties
        mode = get(props, "streamModeDetails.streamMode", "PROVISIONED")
        if mode == "ON_DEMAND":
            return
        try:
            if mode is UNKNOWN:
                raise NotKnown("streamModeDetails.streamMode is not known until apply")
            shards = number(props, "shardCount")
        except NotKnown as error:
            yield self.unknown(refs.KINESIS_SHARDS, resource, error.reason)
            return
        yield self.one(refs.KINESIS_SHARDS, resource, region, shards)

"""A provisioned stream and an on-demand one."""

import pulumi_aws as aws

aws.kinesis.Stream("clicks", shard_count=8, retention_period=48)
aws.kinesis.Stream("audit", stream_mode_details={"stream_mode": "ON_DEMAND"})

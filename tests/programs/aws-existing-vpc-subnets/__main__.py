"""Subnets added to a VPC that exists already (its id comes from the project's config)."""

import pulumi
import pulumi_aws as aws

vpc_id = pulumi.Config().require("vpcId")
for index in range(4):
    aws.ec2.Subnet(f"data-{index}", vpc_id=vpc_id, cidr_block=f"10.20.{index}.0/24")
aws.ec2.RouteTable("data", vpc_id=vpc_id)

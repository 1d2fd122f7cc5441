"""No stack file: the config comes from the project's defaults in Pulumi.yaml."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
for index in range(config.require_int("replicas")):
    aws.ec2.Instance(f"app-{index}", ami="ami-0abc", instance_type=config.require("instanceType"))

"""Every setting from the command line (--config), including the provider's region."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
template = aws.ec2.LaunchTemplate(
    "api", image_id="ami-0abc", instance_type=config.require("instanceType")
)
aws.autoscaling.Group(
    "api",
    min_size=1,
    max_size=10,
    desired_capacity=config.require_int("replicas"),
    availability_zones=["eu-central-1a"],
    launch_template={"id": template.id},
)

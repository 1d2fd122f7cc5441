"""Capacity read from another stack: what depends on it is unknown offline."""

import pulumi
import pulumi_aws as aws

network = pulumi.StackReference("acme/network/prod")
subnet = network.get_output("appSubnetId")
for index in range(2):
    aws.ec2.Instance(f"bastion-{index}", ami="ami-0abc", instance_type="t3.small", subnet_id=subnet)
template = aws.ec2.LaunchTemplate("app", image_id="ami-0abc", instance_type="m5.large")
aws.autoscaling.Group(
    "app",
    min_size=1,
    max_size=20,
    desired_capacity=network.get_output("appCapacity"),
    vpc_zone_identifiers=[subnet],
    launch_template={"id": template.id},
)

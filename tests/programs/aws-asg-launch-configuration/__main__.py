"""An older program: an Auto Scaling group from a launch configuration, min size only."""

import pulumi_aws as aws

config = aws.ec2.LaunchConfiguration("workers", image_id="ami-0abc", instance_type="c5.xlarge")
aws.autoscaling.Group(
    "workers",
    min_size=3,
    max_size=6,
    launch_configuration=config.name,
    availability_zones=["us-west-2a"],
)

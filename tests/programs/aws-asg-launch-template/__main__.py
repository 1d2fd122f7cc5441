"""An Auto Scaling group launching from a launch template."""

import pulumi_aws as aws

template = aws.ec2.LaunchTemplate("web", image_id="ami-0abc", instance_type="m5.large")
aws.autoscaling.Group(
    "web",
    min_size=2,
    max_size=8,
    desired_capacity=4,
    vpc_zone_identifiers=["subnet-0a", "subnet-0b"],
    launch_template=aws.autoscaling.GroupLaunchTemplateArgs(id=template.id, version="$Latest"),
)

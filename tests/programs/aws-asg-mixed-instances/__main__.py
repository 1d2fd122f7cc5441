"""A mixed-instances group: the first override's type is what it launches first."""

import pulumi_aws as aws

template = aws.ec2.LaunchTemplate("batch", image_id="ami-0abc")
aws.autoscaling.Group(
    "batch",
    min_size=0,
    max_size=10,
    desired_capacity=2,
    availability_zones=["us-west-2a", "us-west-2b"],
    mixed_instances_policy={
        "launch_template": {
            "launch_template_specification": {"launch_template_id": template.id},
            "overrides": [{"instance_type": "c5.2xlarge"}, {"instance_type": "c5.4xlarge"}],
        },
    },
)

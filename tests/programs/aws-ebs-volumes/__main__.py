"""Volumes of three types, attached to an instance."""

import pulumi_aws as aws

host = aws.ec2.Instance(
    "db", ami="ami-0abc", instance_type="r5.2xlarge", availability_zone="us-west-2a"
)
volumes = [
    aws.ebs.Volume("data", availability_zone="us-west-2a", size=500, type="gp3"),
    aws.ebs.Volume("wal", availability_zone="us-west-2a", size=1024, type="io2", iops=4000),
    aws.ebs.Volume("scratch", availability_zone="us-west-2a", size=100),
]
for index, volume in enumerate(volumes):
    aws.ec2.VolumeAttachment(
        f"attach-{index}",
        device_name=f"/dev/sd{'fgh'[index]}",
        volume_id=volume.id,
        instance_id=host.id,
    )

"""One program, three regions: the default provider, an explicit provider, and pulumi-aws 7's
per-resource region."""

import pulumi
import pulumi_aws as aws

aws.ec2.Instance("home", ami="ami-0abc", instance_type="m5.large")
virginia = aws.Provider("virginia", region="us-east-1")
aws.ec2.Instance(
    "replica",
    ami="ami-0abc",
    instance_type="c5.xlarge",
    opts=pulumi.ResourceOptions(provider=virginia),
)
aws.ec2.Instance("edge", ami="ami-0abc", instance_type="t3.micro", region="us-west-2")

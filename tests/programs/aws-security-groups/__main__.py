"""Security groups in the default VPC, with inline rules."""

import pulumi_aws as aws

vpc = aws.ec2.get_vpc(default=True)
aws.ec2.SecurityGroup(
    "web",
    vpc_id=vpc.id,
    ingress=[
        {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]},
        {
            "protocol": "tcp",
            "from_port": 80,
            "to_port": 80,
            "cidr_blocks": ["10.0.0.0/8", "192.168.0.0/16"],
        },
        {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.1.0.0/16"]},
    ],
    egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}],
)
aws.ec2.SecurityGroup("internal", vpc_id=vpc.id, description="no rules yet")

"""A VPC with a public and a private subnet in each of three zones, and a NAT gateway each."""

import pulumi_aws as aws

zones = aws.get_availability_zones(state="available").names[:3]
vpc = aws.ec2.Vpc("main", cidr_block="10.0.0.0/16", enable_dns_hostnames=True)
gateway = aws.ec2.InternetGateway("main", vpc_id=vpc.id)
public_routes = aws.ec2.RouteTable(
    "public", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": gateway.id}]
)
for index, zone in enumerate(zones):
    public = aws.ec2.Subnet(
        f"public-{zone}",
        vpc_id=vpc.id,
        cidr_block=f"10.0.{index}.0/24",
        availability_zone=zone,
        map_public_ip_on_launch=True,
    )
    aws.ec2.RouteTableAssociation(
        f"public-{zone}", subnet_id=public.id, route_table_id=public_routes.id
    )
    address = aws.ec2.Eip(f"nat-{zone}", domain="vpc")
    nat = aws.ec2.NatGateway(f"nat-{zone}", subnet_id=public.id, allocation_id=address.id)
    private = aws.ec2.Subnet(
        f"private-{zone}",
        vpc_id=vpc.id,
        cidr_block=f"10.0.{index + 10}.0/24",
        availability_zone=zone,
    )
    private_routes = aws.ec2.RouteTable(
        f"private-{zone}",
        vpc_id=vpc.id,
        routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat.id}],
    )
    aws.ec2.RouteTableAssociation(
        f"private-{zone}", subnet_id=private.id, route_table_id=private_routes.id
    )

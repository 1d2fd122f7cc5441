"""Reads data sources the gate has no answer for, and uses what they return."""

import pulumi_aws as aws

size = aws.ec2.get_instance_type(instance_type="m5.large")
aws.ec2.Instance("sized", ami="ami-0abc", instance_type=size.instance_type)
zone = aws.route53.get_zone(name="example.com")
aws.route53.Record("www", zone_id=zone.zone_id, name="www", type="A", ttl=60, records=["10.0.0.1"])

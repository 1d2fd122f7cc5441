"""An application and a network load balancer with their target groups."""

import pulumi_aws as aws

subnets = ["subnet-0a", "subnet-0b"]
web = aws.lb.LoadBalancer("web", load_balancer_type="application", subnets=subnets)
edge = aws.lb.LoadBalancer("edge", load_balancer_type="network", subnets=subnets)
blue = aws.lb.TargetGroup("blue", port=8080, protocol="HTTP", vpc_id="vpc-0a")
green = aws.lb.TargetGroup("green", port=8080, protocol="HTTP", vpc_id="vpc-0a")
tcp = aws.alb.TargetGroup("tcp", port=443, protocol="TCP", vpc_id="vpc-0a")
aws.lb.Listener(
    "web",
    load_balancer_arn=web.arn,
    port=80,
    default_actions=[{"type": "forward", "target_group_arn": blue.arn}],
)
aws.lb.Listener(
    "edge",
    load_balancer_arn=edge.arn,
    port=443,
    protocol="TCP",
    default_actions=[{"type": "forward", "target_group_arn": tcp.arn}],
)

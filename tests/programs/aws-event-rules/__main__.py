"""Rules on a new custom bus and on the account's default bus."""

import json

import pulumi_aws as aws

bus = aws.cloudwatch.EventBus("orders")
for kind in ("created", "paid", "shipped"):
    aws.cloudwatch.EventRule(
        f"order-{kind}",
        event_bus_name=bus.name,
        event_pattern=json.dumps({"source": ["shop"], "detail-type": [f"Order {kind}"]}),
    )
aws.cloudwatch.EventRule("nightly", schedule_expression="cron(0 2 * * ? *)")
aws.cloudwatch.EventRule("hourly", schedule_expression="rate(1 hour)")

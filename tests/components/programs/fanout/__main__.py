"""An organisation's automation stack with the fan-out cycle: three member accounts in two
regions, collected by a Distributed Map in batches of two."""

import pulumi

from quotapilot.components import FanOut, QuotaAutomation, QuotaAutomationArgs

automation = QuotaAutomation(
    "quota",
    QuotaAutomationArgs(
        environment="prod",
        accounts=("111111111111", "222222222222", "333333333333"),
        regions=("us-east-1", "eu-west-1"),
        fan_out=FanOut(max_concurrency=40, batch_size=2, tolerated_failure_percentage=5),
    ),
)
pulumi.export("cycle_state_machine_arn", automation.cycle_state_machine.arn)

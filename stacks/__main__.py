"""The automation stack, one per environment: `pulumi up --stack dev|loadtest|prod`."""

import pulumi

from quotapilot.components import QuotaAutomation
from quotapilot.components.config import args_from_config

automation = QuotaAutomation("quota", args_from_config(pulumi.Config("quotapilot")))

pulumi.export("alerts_topic_arn", automation.alerts_topic.arn)
pulumi.export("bus_name", automation.bus.name)
pulumi.export("state_machine_arn", automation.state_machine.arn)
pulumi.export("approval_url", automation.approval_url_resource.function_url)
pulumi.export("dashboard_url", automation.dashboard_url)
pulumi.export("tables", {k.split(":", 1)[1]: t.name for k, t in automation.tables.items()})

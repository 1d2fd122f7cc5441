"""Pure builders of the JSON documents the stack needs: IAM and resource policies, the
approval and fan-out state machines, event patterns, the dashboard. Plain values in, plain
dicts out: tested without Pulumi. One module per topic; every builder is importable from here."""

from quotapilot.components.documents.cycle import fan_out_state_machine
from quotapilot.components.documents.dashboard import dashboard
from quotapilot.components.documents.events import service_quotas_pattern, threshold_pattern
from quotapilot.components.documents.iam import (
    VERSION,
    assume_role,
    cycle_policy,
    function_policy,
    start_execution_policy,
    workflow_policy,
)
from quotapilot.components.documents.resource_policies import (
    alarms_topic_policy,
    dead_letters_policy,
    key_policy,
)
from quotapilot.components.documents.workflow import approval_state_machine

__all__ = [
    "VERSION",
    "alarms_topic_policy",
    "approval_state_machine",
    "assume_role",
    "cycle_policy",
    "dashboard",
    "dead_letters_policy",
    "fan_out_state_machine",
    "function_policy",
    "key_policy",
    "service_quotas_pattern",
    "start_execution_policy",
    "threshold_pattern",
    "workflow_policy",
]

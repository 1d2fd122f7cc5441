"""The plugin's adapters as the component provider host calls them (snake_case dicts, lists
for tuples): the automation stack fanned out, a member role trusting its engine and
collector, and the StackSet."""

from quotapilot.components.plugin import QuotaAutomation
from quotapilot.components.plugin_members import QuotaMemberRole, QuotaMemberRoleStackSet

automation = QuotaAutomation(
    "quota",
    {"environment": "prod", "accounts": ["444455556666"], "fan_out": {"batch_size": 5}},
)
role = {
    "engine_account": "111122223333",
    "engine_role_name": automation.engine_role_name,
    "collector_role_name": automation.collector_role_name,
}
QuotaMemberRole("member", role)
QuotaMemberRoleStackSet(
    "organisation",
    {"role": {**role, "organization_id": "o-abcd123456"}, "organizational_unit_ids": ["r-ab12"]},
)

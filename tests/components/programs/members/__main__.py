"""A member account's role (read only) and the organisation-wide StackSet (increases allowed,
organisation and external id set)."""

import pulumi

from quotapilot.components import (
    QuotaMemberRole,
    QuotaMemberRoleArgs,
    QuotaMemberRoleStackSet,
    QuotaMemberRoleStackSetArgs,
)

reader = QuotaMemberRole(
    "reader",
    QuotaMemberRoleArgs(engine_account="111122223333", engine_role_name="quotapilot-engine"),
)
QuotaMemberRoleStackSet(
    "organisation",
    QuotaMemberRoleStackSetArgs(
        role=QuotaMemberRoleArgs(
            engine_account="111122223333",
            engine_role_name="quotapilot-engine",
            organization_id="o-abcd123456",
            external_id="quotapilot-prod",
            allow_increases=True,
        ),
        organizational_unit_ids=["ou-ab12-cdef3456"],
    ),
)
pulumi.export("member_role_arn", reader.role_arn)

"""The member-account role and its StackSet for other languages (see :mod:`plugin`): a
TypeScript or Go program deploys the role the engine assumes with the same inputs, in
camelCase. (No ``from __future__ import annotations``: the analyzer reads the annotations.)
"""

from typing import NotRequired, TypedDict

import pulumi

from quotapilot.components import member_role


class QuotaMemberRoleInputs(TypedDict):
    """The role the engine assumes in a member account."""

    engine_account: str
    """The account the automation stack (the engine) runs in."""
    engine_role_name: pulumi.Input[str]
    """The engine function's role name there (QuotaAutomation's ``engine_role_name``)."""
    collector_role_name: NotRequired[pulumi.Input[str]]
    """With the fan-out cycle, the collector function's role name in the engine account (QuotaAutomation's ``collector_role_name``): it reads the quotas, so it is trusted too."""  # noqa: E501
    role_name: NotRequired[str]
    """This role's name: the engine assumes ``arn:aws:iam::<member>:role/<role_name>``."""
    organization_id: NotRequired[str]
    """Only principals of this organisation may assume the role (aws:PrincipalOrgID)."""
    external_id: NotRequired[str]
    """The external id the engine must present (sts:ExternalId)."""
    allow_increases: NotRequired[bool]
    """Let the engine file increase requests and support cases here; default: read only."""


def _role_args(given: QuotaMemberRoleInputs) -> member_role.QuotaMemberRoleArgs:
    return member_role.QuotaMemberRoleArgs(**dict(given))


class QuotaMemberRole(member_role.QuotaMemberRole):
    """The role, in the account the program's provider points at."""

    role_arn: pulumi.Output[str]
    """What goes into the automation stack's accounts."""

    def __init__(
        self, name: str, args: QuotaMemberRoleInputs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, _role_args(args), opts)


class QuotaMemberRoleStackSetInputs(TypedDict):
    """The member role in every account of some organisational units."""

    role: QuotaMemberRoleInputs
    """The role each account gets."""
    organizational_unit_ids: list[str]
    """The organisational units (ou-... or the root r-...) whose accounts get the role."""
    region: NotRequired[str]
    """IAM is global: one region is enough to create the role in each account."""


class QuotaMemberRoleStackSet(member_role.QuotaMemberRoleStackSet):
    """A service-managed StackSet of the member role, following the organisation."""

    stack_set_name: pulumi.Output[str]
    """The StackSet's name."""

    def __init__(
        self,
        name: str,
        args: QuotaMemberRoleStackSetInputs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        given = dict(args)
        super().__init__(
            name,
            member_role.QuotaMemberRoleStackSetArgs(
                role=_role_args(given.pop("role")),
                organizational_unit_ids=tuple(given.pop("organizational_unit_ids")),
                **given,
            ),
            opts,
        )

"""``QuotaMemberRole``: the role the engine assumes in a member account, and
``QuotaMemberRoleStackSet``: the same role in every account of some organisational units.

Two ways to put the role everywhere (README, "Member accounts"):
- a CloudFormation StackSet with service-managed permissions (``QuotaMemberRoleStackSet``),
  deployed once from the management or a delegated administrator account: new accounts in
  the OUs get the role automatically;
- one ``QuotaMemberRole`` per account, each with a Pulumi AWS provider for that account
  (``opts=ResourceOptions(provider=...)``): no StackSets, one stack knows every account.
Both render the role from :mod:`quotapilot.components.member_policies`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from quotapilot.components import member_policies as documents
from quotapilot.exceptions import ConfigurationError

__all__ = [
    "QuotaMemberRole",
    "QuotaMemberRoleArgs",
    "QuotaMemberRoleStackSet",
    "QuotaMemberRoleStackSetArgs",
]

TYPE = "quotapilot:index:QuotaMemberRole"
STACKSET_TYPE = "quotapilot:index:QuotaMemberRoleStackSet"
#: The name the engine assumes by default (QuotaAutomationArgs.member_role_name).
DEFAULT_ROLE_NAME = "quotapilot-collector"


@dataclass(frozen=True)
class QuotaMemberRoleArgs:
    #: The account the automation stack (the engine) runs in.
    engine_account: str
    #: The engine function's role name there (QuotaAutomation's ``engine_role_name``).
    engine_role_name: pulumi.Input[str]
    #: This role's name: the engine assumes ``arn:aws:iam::<member>:role/<role_name>``.
    role_name: str = DEFAULT_ROLE_NAME
    #: Only principals of this organisation may assume the role (aws:PrincipalOrgID).
    organization_id: str | None = None
    #: The external id the engine must present (sts:ExternalId).
    external_id: str | None = None
    #: Let the engine file increase requests and support cases here; default: read only.
    allow_increases: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)
    #: With the fan-out cycle, the collector function's role name in the engine account
    #: (QuotaAutomation's ``collector_role_name``): it reads the quotas, so it is trusted too.
    collector_role_name: pulumi.Input[str] | None = None

    def principal_arns(self) -> pulumi.Output[list[str]]:
        """The roles this one trusts, in the engine account."""
        names = [self.engine_role_name]
        if self.collector_role_name is not None:
            names.append(self.collector_role_name)
        return pulumi.Output.all(*names).apply(
            lambda given: [documents.engine_role_arn(self.engine_account, n) for n in given]
        )

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\d{12}", self.engine_account):
            raise ConfigurationError("must be a 12-digit AWS account id", field="engine_account")
        if not re.fullmatch(r"[\w+=,.@-]{1,64}", self.role_name):
            raise ConfigurationError("not a valid IAM role name", field="role_name")
        if self.organization_id is not None and not re.fullmatch(
            r"o-[a-z0-9]{10,32}", self.organization_id
        ):
            raise ConfigurationError(
                "an organisation id looks like o-abcd123456", field="organization_id"
            )
        if self.external_id is not None and not re.fullmatch(
            r"[\w+=,.@:/-]{2,1224}", self.external_id
        ):
            raise ConfigurationError(
                "2 to 1,224 characters of letters, digits and +=,.@:/-", field="external_id"
            )


class QuotaMemberRole(pulumi.ComponentResource):
    """The role, in the account its provider points at. ``role_arn`` is what goes into the
    automation stack's ``accounts`` config."""

    role_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: QuotaMemberRoleArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE, name, None, opts)
        import pulumi_aws as aws

        trust = args.principal_arns().apply(
            lambda principals: json.dumps(
                documents.trust_policy(principals, args.organization_id, args.external_id)
            )
        )
        role = aws.iam.Role(
            f"{name}-role",
            name=args.role_name,
            assume_role_policy=trust,
            max_session_duration=3600,
            tags={"managed-by": "quotapilot", **args.tags},
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=json.dumps(documents.permissions_policy(args.allow_increases)),
            opts=pulumi.ResourceOptions(parent=role),
        )
        self.role_arn = role.arn
        self.register_outputs({"role_arn": role.arn})


@dataclass(frozen=True)
class QuotaMemberRoleStackSetArgs:
    role: QuotaMemberRoleArgs
    #: The organisational units (ou-... or the root r-...) whose accounts get the role.
    organizational_unit_ids: Sequence[str]
    #: IAM is global: one region is enough to create the role in each account.
    region: str = "us-east-1"

    def __post_init__(self) -> None:
        if not self.organizational_unit_ids:
            raise ConfigurationError("name at least one OU", field="organizational_unit_ids")
        for ou in self.organizational_unit_ids:
            if not re.fullmatch(r"(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})", ou):
                raise ConfigurationError(
                    "an OU id looks like ou-ab12-cdef3456 (or the root, r-ab12)",
                    field="organizational_unit_ids",
                    value=ou,
                )


class QuotaMemberRoleStackSet(pulumi.ComponentResource):
    """A service-managed StackSet that creates the member role in every account of the
    OUs, now and as accounts join (auto-deployment); deployed from the management account
    or a delegated administrator."""

    stack_set_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: QuotaMemberRoleStackSetArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(STACKSET_TYPE, name, None, opts)
        import pulumi_aws as aws

        role = args.role
        template = role.principal_arns().apply(
            lambda principals: documents.stackset_template(
                role.role_name,
                principals,
                organization_id=role.organization_id,
                external_id=role.external_id,
                allow_increases=role.allow_increases,
            )
        )
        stack_set = aws.cloudformation.StackSet(
            f"{name}-stackset",
            permission_model="SERVICE_MANAGED",
            auto_deployment={"enabled": True, "retain_stacks_on_account_removal": False},
            capabilities=["CAPABILITY_NAMED_IAM"],
            template_body=template,
            managed_execution={"active": True},
            operation_preferences={
                "failure_tolerance_percentage": 10,
                "max_concurrent_percentage": 25,
                "region_concurrency_type": "PARALLEL",
            },
            tags={"managed-by": "quotapilot", **role.tags},
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.cloudformation.StackSetInstance(
            f"{name}-instances",
            stack_set_name=stack_set.name,
            deployment_targets={"organizational_unit_ids": list(args.organizational_unit_ids)},
            region=args.region,
            opts=pulumi.ResourceOptions(parent=stack_set),
        )
        self.stack_set_name = stack_set.name
        self.register_outputs({"stack_set_name": stack_set.name})

"""Terraform names for the catalogue's Pulumi types: one catalogue serves both.

pulumi-aws and pulumi-gcp are bridged from the Terraform providers, so every Pulumi type is a
Terraform type renamed by the bridge's conventions: ``aws:lambda/function:Function`` is
``aws_lambda_function`` (provider prefix, module, the name in snake_case). The conventions are
applied here mechanically; :data:`EXCEPTIONS` holds the only names they don't produce, so a
rule registered for a Pulumi type serves the Terraform type too, with no second copy.

Arguments are renamed the same way (``instance_type`` is ``instanceType``), and nested blocks
change shape: see :mod:`quotapilot.catalogue.terraform_schema`.
"""

from __future__ import annotations

import re
from functools import cache

from quotapilot.catalogue.registry import catalogue

#: Terraform's provider prefix for each Pulumi package.
PROVIDER_PREFIX = {"aws": "aws", "gcp": "google"}

#: Every name the conventions below get wrong, in one table.
EXCEPTIONS: dict[str, dict[str, str]] = {
    # Pulumi module -> the Terraform spelling of that module ("" drops it). The EC2 types
    # predate the module prefix (aws_instance, aws_vpc, aws_subnet, aws_launch_template).
    "modules": {
        "aws:ec2": "",
        "gcp:cloudrun": "cloud_run",
        "gcp:cloudrunv2": "cloud_run_v2",
        "gcp:cloudfunctionsv2": "cloudfunctions2",
    },
    # Whole types whose Terraform name follows no module rule.
    "types": {
        "aws:lb/loadBalancer:LoadBalancer": "aws_lb",
        "aws:alb/loadBalancer:LoadBalancer": "aws_alb",
        "aws:elb/loadBalancer:LoadBalancer": "aws_elb",
        "aws:rds/instance:Instance": "aws_db_instance",
        "aws:rds/subnetGroup:SubnetGroup": "aws_db_subnet_group",
    },
}

#: Catalogue types with no Terraform type of their own, and why.
PULUMI_ONLY = {
    "aws:s3/bucketV2:BucketV2": "pulumi-aws's deprecated alias of aws:s3/bucket:Bucket: both are "
    "aws_s3_bucket, which maps to aws:s3/bucket:Bucket",
}

#: Types the rules look up in a plan without having a rule of their own (an Auto Scaling
#: group's launch template, an ECS service's task definition, a group's instance template).
LOOKED_UP = (
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:ecs/taskDefinition:TaskDefinition",
    "gcp:compute/instanceTemplate:InstanceTemplate",
)


def snake(name: str) -> str:
    """``launchTemplate`` -> ``launch_template``; ``ipv6CidrBlocks`` -> ``ipv6_cidr_blocks``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def camel(name: str) -> str:
    """``launch_template`` -> ``launchTemplate`` (the bridge's rule for argument names)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def terraform_type(token: str) -> str:
    """The Terraform resource type of the Pulumi type ``token``."""
    if token in EXCEPTIONS["types"]:
        return EXCEPTIONS["types"][token]
    package, module_path, name = token.split(":")
    module = module_path.split("/")[0]
    spelled = EXCEPTIONS["modules"].get(f"{package}:{module}", module)
    parts = [PROVIDER_PREFIX[package], spelled, snake(name)]
    return "_".join(part for part in parts if part)


def mapped_types() -> tuple[str, ...]:
    """Every Pulumi type a Terraform plan can be read as: the rules' and those they look up."""
    ruled = (rule.resource_type for rule in catalogue)
    return tuple(sorted({*ruled, *LOOKED_UP} - set(PULUMI_ONLY)))


@cache
def pulumi_types() -> dict[str, str]:
    """Terraform type -> Pulumi type, for every type the gate reads."""
    return {terraform_type(token): token for token in mapped_types()}


def pulumi_type(terraform: str) -> str | None:
    """The Pulumi type a Terraform resource type is read as; None when no rule needs it."""
    return pulumi_types().get(terraform)

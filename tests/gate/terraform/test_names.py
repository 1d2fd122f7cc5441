"""One catalogue for both: every rule has a Terraform type (or says why not), the names are
the providers' own, and the block shapes are what the installed SDKs declare."""

from __future__ import annotations

import json

import pytest

from quotapilot.catalogue import catalogue
from quotapilot.catalogue.props import UNKNOWN
from quotapilot.catalogue.terraform_names import (
    EXCEPTIONS,
    LOOKED_UP,
    PULUMI_ONLY,
    camel,
    pulumi_type,
    snake,
    terraform_type,
)
from quotapilot.catalogue.terraform_schema import (
    ABSENT,
    SCHEMA_FILE,
    generate,
    schema_of,
    to_pulumi,
)


def test_every_catalogue_rule_has_a_terraform_type_or_is_documented_pulumi_only():
    for rule in catalogue:
        token = rule.resource_type
        if token in PULUMI_ONLY:
            assert PULUMI_ONLY[token], token
            continue
        name = terraform_type(token)
        assert pulumi_type(name) == token, (token, name)
        assert schema_of(token), f"no schema for {token}: regenerate terraform_schema.json"
    assert set(PULUMI_ONLY) <= {rule.resource_type for rule in catalogue}


def test_looked_up_types_map_too():
    for token in LOOKED_UP:
        assert pulumi_type(terraform_type(token)) == token


# Terraform's own names, from the providers' documentation, for a sample of the rules: the
# conventions and the exceptions table must produce exactly these.
KNOWN = {
    "aws:ec2/instance:Instance": "aws_instance",
    "aws:ec2/launchTemplate:LaunchTemplate": "aws_launch_template",
    "aws:ec2/natGateway:NatGateway": "aws_nat_gateway",
    "aws:autoscaling/group:Group": "aws_autoscaling_group",
    "aws:lambda/function:Function": "aws_lambda_function",
    "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig": (
        "aws_lambda_provisioned_concurrency_config"
    ),
    "aws:rds/instance:Instance": "aws_db_instance",
    "aws:rds/cluster:Cluster": "aws_rds_cluster",
    "aws:lb/loadBalancer:LoadBalancer": "aws_lb",
    "aws:cloudwatch/eventRule:EventRule": "aws_cloudwatch_event_rule",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "aws_iam_role_policy_attachment",
    "aws:ebs/volume:Volume": "aws_ebs_volume",
    "gcp:compute/instance:Instance": "google_compute_instance",
    "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": (
        "google_compute_region_instance_group_manager"
    ),
    "gcp:container/nodePool:NodePool": "google_container_node_pool",
    "gcp:cloudrunv2/service:Service": "google_cloud_run_v2_service",
    "gcp:cloudrun/service:Service": "google_cloud_run_service",
    "gcp:cloudfunctionsv2/function:Function": "google_cloudfunctions2_function",
}


@pytest.mark.parametrize("token", sorted(KNOWN))
def test_names_match_the_providers(token):
    assert terraform_type(token) == KNOWN[token]


def test_the_exceptions_table_is_small_and_each_entry_is_needed():
    assert len(EXCEPTIONS["types"]) + len(EXCEPTIONS["modules"]) <= 10
    for token, name in EXCEPTIONS["types"].items():
        package, module, kind = token.split(":")
        convention = f"{'aws' if package == 'aws' else 'google'}_{module.split('/')[0]}_"
        assert name != convention + snake(kind), token  # the convention would have done


def test_argument_names_convert_both_ways():
    assert camel("reserved_concurrent_executions") == "reservedConcurrentExecutions"
    assert snake("ipv6CidrBlocks") == "ipv6_cidr_blocks"
    assert camel(snake("launchTemplateSpecification")) == "launchTemplateSpecification"


def keep(path, spec):
    return UNKNOWN


def test_blocks_of_one_are_flattened_list_blocks_pluralised_and_map_keys_kept():
    group = to_pulumi(
        {
            "launch_template": [{"id": "lt-1", "version": "$Latest"}],
            "vpc_zone_identifier": ["subnet-a"],
            "tag": [{"key": "team", "value": "web", "propagate_at_launch": True}],
        },
        schema_of("aws:autoscaling/group:Group"),
        keep,
    )
    assert group == {
        "launchTemplate": {"id": "lt-1", "version": "$Latest"},
        "vpcZoneIdentifiers": ["subnet-a"],
        "tags": [{"key": "team", "value": "web", "propagateAtLaunch": True}],
    }
    run = to_pulumi(
        {
            "template": [
                {"containers": [{"resources": [{"limits": {"cpu": "2", "nvidia_gpu": "1"}}]}]}
            ]
        },
        schema_of("gcp:cloudrunv2/service:Service"),
        keep,
    )
    assert run == {
        "template": {"containers": [{"resources": {"limits": {"cpu": "2", "nvidia_gpu": "1"}}}]}
    }


def test_an_empty_block_of_one_is_absent_and_unknowns_go_to_the_resolver():
    seen = []

    def resolve(path, spec):
        seen.append(path)
        return ABSENT

    out = to_pulumi(
        {"launch_template": [], "desired_capacity": UNKNOWN},
        schema_of("aws:autoscaling/group:Group"),
        resolve,
    )
    assert out == {"launchTemplate": None}
    assert seen == [("desired_capacity",)]


def _contradictions(stored, fresh, path=""):
    """Where the stored shape says one thing and the SDK another (a block that became a list,
    a value that became a map). Fields one side has and the other hasn't are new or retired
    arguments: provider releases add them all the time, and they don't change a shape the
    gate reads."""
    if isinstance(stored, dict) and isinstance(fresh, dict):
        return [
            found
            for key in stored.keys() & fresh.keys()
            for found in _contradictions(stored[key], fresh[key], f"{path}.{key}")
        ]
    if isinstance(stored, list) and isinstance(fresh, list):
        return ([path] if stored[0] != fresh[0] else []) + _contradictions(
            stored[1], fresh[1], path
        )
    return [] if type(stored) is type(fresh) and stored == fresh else [path]


def test_the_schema_file_agrees_with_the_installed_sdks():
    pytest.importorskip("pulumi_gcp")
    stored = json.loads(SCHEMA_FILE.read_text())
    fresh = json.loads(json.dumps(generate()))
    assert set(stored) <= set(fresh), "a resource type the gate reads is gone from the SDKs"
    assert _contradictions(stored, fresh) == [], (
        "the SDKs changed a block's shape: python -m quotapilot.catalogue.terraform_schema"
    )

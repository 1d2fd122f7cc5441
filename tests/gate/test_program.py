"""Reading a real program's plan under mocks: config, data sources, references, errors."""

from __future__ import annotations

import json

import pytest

from quotapilot.catalogue import UNKNOWN
from quotapilot.exceptions import InputError, ProgramError
from quotapilot.gate.program import locate, read_plan
from tests.gate.conftest import PROGRAMS


@pytest.fixture(scope="module")
def basic_plan():
    return read_plan(PROGRAMS / "basic", "prod")


def test_every_custom_resource_is_recorded_with_its_properties(basic_plan):
    by_type = {r.type: r for r in basic_plan.resources}
    assert set(by_type) == {
        "aws:ec2/launchTemplate:LaunchTemplate",
        "aws:autoscaling/group:Group",
        "aws:iam/role:Role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:lambda/function:Function",
    }
    group = by_type["aws:autoscaling/group:Group"]
    assert group.properties["desiredCapacity"] == 3  # from Pulumi.prod.yaml
    assert group.properties["availabilityZones"] == ["eu-west-1a", "eu-west-1b"]
    # the reference to the template resolved to the template's mocked id
    template = by_type["aws:ec2/launchTemplate:LaunchTemplate"]
    assert group.properties["launchTemplate"]["id"] == template.id
    assert template.properties["imageId"].startswith("ami-")
    assert group.urn == "urn:pulumi:prod::basic::aws:autoscaling/group:Group::web"


def test_explicit_provider_region_and_rendered_policy_document(basic_plan):
    function = next(r for r in basic_plan.resources if r.type == "aws:lambda/function:Function")
    assert function.region == "us-east-1"
    assert basic_plan.aws_region == "eu-west-1"
    role = next(r for r in basic_plan.resources if r.type == "aws:iam/role:Role")
    policy = json.loads(role.properties["assumeRolePolicy"])
    assert policy["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert policy["Statement"][0]["Action"] == "sts:AssumeRole"
    # the attachment names the role by its (mocked) physical name
    attachment = next(r for r in basic_plan.resources if "rolePolicyAttachment" in r.type)
    assert attachment.properties["role"] == role.properties["name"]


def test_config_override_and_unknown_outputs():
    plan = read_plan(PROGRAMS / "basic", "prod", ["size=7"])
    group = next(r for r in plan.resources if r.type == "aws:autoscaling/group:Group")
    assert group.properties["desiredCapacity"] == 7
    function = next(r for r in plan.resources if r.type == "aws:lambda/function:Function")
    # role.arn is filled by the mocks; a computed output nobody set stays unknown
    assert isinstance(function.properties["role"], str)
    assert function.properties.get("qualifiedArn", UNKNOWN) in (UNKNOWN, None)


def test_missing_config_key_names_the_key():
    with pytest.raises(ProgramError) as caught:
        read_plan(PROGRAMS / "needs_config", "dev")
    assert "needs-config:vpcCidr" in str(caught.value)


def test_missing_provider_package_names_the_pip_package():
    with pytest.raises(ProgramError) as caught:
        read_plan(PROGRAMS / "missing_package", "dev")
    assert "pip install pulumi-azure-native" in str(caught.value)


def test_exception_in_the_program_names_its_file_and_line():
    with pytest.raises(ProgramError) as caught:
        read_plan(PROGRAMS / "raises", "dev")
    text = str(caught.value)
    assert "KeyError" in text and "raises/__main__.py:5" in text


def test_input_errors_name_the_input(tmp_path):
    with pytest.raises(InputError, match=r"no Pulumi\.yaml"):
        locate(tmp_path)
    # A stack without a config file runs on the project's config, as in Pulumi: what the
    # program requires and nobody set is named.
    with pytest.raises(InputError, match="missing required config key 'basic:size'"):
        read_plan(PROGRAMS / "basic", "staging")
    with pytest.raises(InputError, match="KEY=VALUE"):
        read_plan(PROGRAMS / "basic", "prod", ["size"])

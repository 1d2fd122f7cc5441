"""The components as a plugin for other languages: the schema the provider host infers.

Run in a child interpreter: the provider host imports pulumi's own copy of the
``google.rpc.Status`` proto, which can't share a process with googleapis-common-protos (the
GCP source's dependency) — the plugin process never loads the GCP clients.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from quotapilot._version import __version__
from quotapilot.components.args import QuotaAutomationArgs

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "quotapilot"

SCRIPT = """
import json
from pulumi.provider.experimental.analyzer import Analyzer
from quotapilot.components.plugin import COMPONENTS
defs = Analyzer("quotapilot").analyze(COMPONENTS)["component_definitions"]
print(json.dumps({name: {"inputs": {k: p.optional for k, p in d.inputs.items()},
                         "outputs": sorted(d.outputs)} for name, d in defs.items()}))
"""


def test_schema_has_the_inputs_and_outputs_other_languages_see():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    components = json.loads(done.stdout)
    automation = components["QuotaAutomation"]
    assert {"environment", "alertEmails", "approvalTimeoutSeconds"} <= set(automation["inputs"])
    assert all(automation["inputs"].values())  # every input optional: safe defaults
    assert {"alertsTopicArn", "stateMachineArn", "approvalUrl", "dashboardUrl"} <= set(
        automation["outputs"]
    )
    requests = components["QuotaRequests"]["inputs"]
    assert requests["levels"] is False and requests["parityWith"] is True


def documented_fields(source: Path, cls: str) -> dict[str, str]:
    """The ``#:`` docs of a dataclass's fields, joined across lines."""
    body = source.read_text().split(f"class {cls}", 1)[1].split("def __post_init__", 1)[0]
    docs: dict[str, str] = {}
    pending: list[str] = []
    for line in body.splitlines():
        text = line.strip()
        if text.startswith("#:"):
            pending.append(text[2:].strip())
        elif pending and re.match(r"^\w+:", text):
            docs[text.split(":", 1)[0]] = " ".join(pending)
            pending = []
    return docs


@pytest.fixture(scope="module")
def served_schema():
    """The schema the plugin serves when the Pulumi CLI starts it (`python components/`)."""
    process = subprocess.Popen(
        [sys.executable, "-u", str(ROOT / "components"), "127.0.0.1:1"],
        cwd=ROOT / "components",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(process.stdout.readline().strip())
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=30)
        stub = provider_pb2_grpc.ResourceProviderStub(channel)
        info = stub.GetPluginInfo(empty_pb2.Empty())
        schema = json.loads(stub.GetSchema(provider_pb2.GetSchemaRequest()).schema)
        channel.close()
        yield info.version, schema
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_plugin_is_versioned_as_the_package(served_schema):
    version, schema = served_schema
    assert version == __version__
    assert schema["version"] == __version__


def test_inputs_carry_the_argument_docs(served_schema):
    _, schema = served_schema
    inputs = schema["resources"]["quotapilot:index:QuotaAutomation"]["inputProperties"]
    docs = documented_fields(PACKAGE / "components" / "args.py", "QuotaAutomationArgs")
    assert set(docs) == set(QuotaAutomationArgs.__dataclass_fields__)  # every field documented
    camel = {re.sub(r"_(\w)", lambda m: m.group(1).upper(), k): v for k, v in docs.items()}
    assert {k: p.get("description") for k, p in inputs.items()} == camel
    requests = schema["resources"]["quotapilot:index:QuotaRequests"]["inputProperties"]
    assert all(p.get("description") for p in requests.values())


def test_values_that_flow_into_resources_accept_outputs(served_schema):
    _, schema = served_schema
    inputs = schema["resources"]["quotapilot:index:QuotaAutomation"]["inputProperties"]
    for name in ("schedule", "memberRoleName", "approvalTimeoutSeconds", "memoryMb"):
        assert not inputs[name].get("plain"), name
    for name in ("alertSqsQueueArns", "alertEmails", "approvers", "accounts", "regions"):
        # the list's length decides which resources exist; its items may be outputs
        assert not inputs[name]["items"].get("plain"), name
    assert inputs["environment"].get("plain")  # names resources: must be known
    assert inputs["code"]["additionalProperties"]["$ref"] == "pulumi.json#/Archive"


def test_the_fan_out_is_an_object_input_with_every_setting(served_schema):
    from dataclasses import fields

    from quotapilot.components import FanOut

    _, schema = served_schema
    inputs = schema["resources"]["quotapilot:index:QuotaAutomation"]["inputProperties"]
    fan_out = schema["types"][inputs["fanOut"]["$ref"].removeprefix("#/types/")]
    expected = {re.sub(r"_(\w)", lambda m: m.group(1).upper(), f.name) for f in fields(FanOut)}
    assert set(fan_out["properties"]) == expected
    assert all(p["type"] == "integer" for p in fan_out["properties"].values())


def test_the_member_role_and_its_stackset_are_served_with_their_docs(served_schema):
    _, schema = served_schema
    resources = schema["resources"]
    role = resources["quotapilot:index:QuotaMemberRole"]
    docs = documented_fields(PACKAGE / "components" / "member_role.py", "QuotaMemberRoleArgs")
    camel = {re.sub(r"_(\w)", lambda m: m.group(1).upper(), k): v for k, v in docs.items()}
    assert {k: p.get("description") for k, p in role["inputProperties"].items()} == camel
    assert set(role["requiredInputs"]) == {"engineAccount", "engineRoleName"}
    assert "roleArn" in role["properties"]
    stack_set = resources["quotapilot:index:QuotaMemberRoleStackSet"]
    assert set(stack_set["requiredInputs"]) == {"role", "organizationalUnitIds"}
    assert "stackSetName" in stack_set["properties"]
    # what a member role needs from the automation stack, other languages get as outputs
    automation = resources["quotapilot:index:QuotaAutomation"]["properties"]
    assert {"engineRoleName", "collectorRoleName", "cycleStateMachineArn"} <= set(automation)


def test_the_adapters_build_what_their_inputs_say():
    """As the provider host calls them: dicts of snake_case inputs, lists, nested objects."""
    from quotapilot.gate.program import read_plan

    plan = read_plan(Path(__file__).parent / "programs" / "adapters", "org")
    by_type: dict[str, list] = {}
    for resource in plan.resources:
        by_type.setdefault(resource.type, []).append(resource)
    roles = {r.name: r.properties for r in by_type["aws:iam/role:Role"]}
    engine, collector = roles["quota-engine-role"]["name"], roles["quota-collector-role"]["name"]
    trusted = [
        f"arn:aws:iam::111122223333:role/{engine}",
        f"arn:aws:iam::111122223333:role/{collector}",
    ]
    member = json.loads(roles["member-role"]["assumeRolePolicy"])
    assert member["Statement"][0]["Principal"]["AWS"] == trusted
    [stack_set] = by_type["aws:cloudformation/stackSet:StackSet"]
    template = json.loads(stack_set.properties["templateBody"])
    trust = template["Resources"]["QuotapilotMemberRole"]["Properties"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"]["AWS"] == trusted
    assert trust["Statement"][0]["Condition"]["StringEquals"] == {
        "aws:PrincipalOrgID": "o-abcd123456"
    }
    [machine] = [m for m in by_type["aws:sfn/stateMachine:StateMachine"] if m.name == "quota-cycle"]
    assert (
        json.loads(machine.properties["definition"])["States"]["Collect"]["ItemBatcher"][
            "MaxItemsPerBatch"
        ]
        == 5
    )

"""The policy pack through the Analyzer gRPC protocol, as the Pulumi CLI drives it: start
the pack (`python policies/`, read the port it prints), GetAnalyzerInfo, Configure,
AnalyzeStack with planned resources, read the diagnostics."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from tests.gate.conftest import PROGRAMS

ROOT = Path(__file__).resolve().parents[2]
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's unknown-value sentinel


@pytest.fixture(scope="module")
def analyzer():
    process = subprocess.Popen(
        [sys.executable, "-u", str(ROOT / "policies")],
        cwd=ROOT / "policies",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(process.stdout.readline().strip())
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=30)
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


def struct(value) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(value)
    return message


def configure(stub, **config):
    level = analyzer_pb2.EnforcementLevel
    stub.Configure(
        analyzer_pb2.ConfigureAnalyzerRequest(
            policyConfig={
                "quota-gate": analyzer_pb2.PolicyConfig(
                    enforcementLevel=level.MANDATORY, properties=struct(config)
                ),
                "quota-gate-advisories": analyzer_pb2.PolicyConfig(
                    enforcementLevel=level.ADVISORY, properties=struct(config)
                ),
            }
        )
    )


def resources(instance_count: int, *, unknown_type: bool = False, size: str = "m5.xlarge"):
    provider = analyzer_pb2.AnalyzerProviderResource(
        type="pulumi:providers:aws",
        name="default",
        properties=struct({"region": "eu-west-1"}),
        urn="urn:pulumi:prod::app::pulumi:providers:aws::default",
    )
    out = []
    for index in range(instance_count):
        instance_type = UNKNOWN if unknown_type and index == 0 else size
        out.append(
            analyzer_pb2.AnalyzerResource(
                type="aws:ec2/instance:Instance",
                name=f"web{index}",
                urn=f"urn:pulumi:prod::app::aws:ec2/instance:Instance::web{index}",
                properties=struct({"instanceType": instance_type, "ami": "ami-1"}),
                provider=provider,
            )
        )
    return out


@pytest.fixture
def serving(snapshot):
    return str(snapshot([{"service": "ec2", "code": "L-1216C47A", "limit": 64, "usage": 40}]))


def test_analyzer_info_lists_both_policies_with_a_config_schema(analyzer):
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "quotapilot" and info.supportsConfig
    names = {p.name: p for p in info.policies}
    assert set(names) == {"quota-gate", "quota-gate-advisories"}
    schema = json_format.MessageToDict(names["quota-gate"].configSchema.properties)
    assert {"serving", "baseline", "buffer_pct", "strict", "opa_url"} <= set(schema)


def test_blocking_and_passing_plans_through_analyze_stack(analyzer, serving):
    configure(analyzer, serving=serving)
    # 5 x 4 vCPUs + 40 = 60 > 64 x 0.9: a mandatory violation with the fix
    blocked = analyzer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=resources(5)))
    mandatory = [
        d
        for d in blocked.diagnostics
        if d.enforcementLevel == analyzer_pb2.EnforcementLevel.MANDATORY
    ]
    assert len(mandatory) == 1 and mandatory[0].policyName == "quota-gate"
    assert "[exceeds]" in mandatory[0].message and "--desired-value 67" in mandatory[0].message
    # 1 instance fits (44 of 57.6), but leaves the quota 69% full: no diagnostics at all
    passed = analyzer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=resources(1)))
    assert list(passed.diagnostics) == []


def test_the_same_resources_with_other_properties_are_checked_again(analyzer, serving):
    configure(analyzer, serving=serving)
    small = analyzer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=resources(1)))
    assert list(small.diagnostics) == []
    # same URN, 96 vCPUs instead of 4: a cache keyed on URNs would pass it again
    big = analyzer.AnalyzeStack(
        analyzer_pb2.AnalyzeStackRequest(resources=resources(1, size="m5.24xlarge"))
    )
    assert any(d.policyName == "quota-gate" and "[exceeds]" in d.message for d in big.diagnostics)


def test_unknown_values_during_preview_are_reported_not_crashed(analyzer, serving):
    configure(analyzer, serving=serving)
    answer = analyzer.AnalyzeStack(
        analyzer_pb2.AnalyzeStackRequest(resources=resources(2, unknown_type=True))
    )
    advisories = [d for d in answer.diagnostics if d.policyName == "quota-gate-advisories"]
    assert any("[unknown]" in d.message and "web0" in d.message for d in advisories)
    configure(analyzer, serving=serving, strict=True)
    strict = analyzer.AnalyzeStack(
        analyzer_pb2.AnalyzeStackRequest(resources=resources(2, unknown_type=True))
    )
    assert any(
        d.policyName == "quota-gate" and "[unknown]" in d.message for d in strict.diagnostics
    )


def test_missing_configuration_blocks_with_a_clear_message(analyzer):
    configure(analyzer)
    answer = analyzer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=resources(1)))
    [diagnostic] = [d for d in answer.diagnostics if d.policyName == "quota-gate"]
    assert "needs 'serving'" in diagnostic.message


def test_pack_and_cli_agree(analyzer, snapshot, capsys):
    """The same plan gives the same blocking verdicts in the pack and in `quotapilot check`."""
    from quotapilot.cli.app import main
    from quotapilot.gate.program import read_plan

    serving = str(
        snapshot(
            [
                {"service": "ec2", "code": "L-1216C47A", "limit": 8, "usage": 4},
                {
                    "service": "lambda",
                    "code": "L-B99A9384",
                    "limit": 1000,
                    "usage": 0,
                    "region": "us-east-1",
                },
            ]
        )
    )
    plan = read_plan(PROGRAMS / "basic", "prod")
    configure(analyzer, serving=serving, aws_region="eu-west-1")
    # As in a real preview: new resources' ids are unknown; the engine says which resource
    # each property depends on.
    ids = {r.id: r.urn for r in plan.resources}
    pack_resources = []
    for r in plan.resources:
        props = json.loads(json.dumps(dict(r.properties), default=lambda v: UNKNOWN))
        dependencies = {}
        if r.type == "aws:autoscaling/group:Group":
            template_urn = ids[props["launchTemplate"]["id"]]
            props["launchTemplate"]["id"] = UNKNOWN
            dependencies["launchTemplate"] = analyzer_pb2.AnalyzerPropertyDependencies(
                urns=[template_urn]
            )
        pack_resources.append(
            analyzer_pb2.AnalyzerResource(
                type=r.type,
                name=r.name,
                urn=r.urn,
                properties=struct(props),
                propertyDependencies=dependencies,
            )
        )
    answer = analyzer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=pack_resources))
    pack_blocks = sorted(
        d.message.split("\n")[-1].split("]")[0]
        for d in answer.diagnostics
        if d.policyName == "quota-gate"
    )
    assert (
        main(
            [
                "check",
                str(PROGRAMS / "basic"),
                "--stack",
                "prod",
                "--quotas",
                serving,
                "--format",
                "json",
            ]
        )
        == 1
    )
    cli_blocks = sorted(
        "[" + f["kind"]
        for f in json.loads(capsys.readouterr().out)["findings"]
        if f["severity"] == "block"
    )
    assert pack_blocks == cli_blocks == ["[exceeds"]

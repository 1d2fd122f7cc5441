"""The plugin's QuotaAutomation takes outputs where a TypeScript caller would pass them
(``queue.arn``), checks them when they resolve, and takes a prebuilt package per function."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from quotapilot import wiring
from quotapilot.exceptions import ProgramError
from quotapilot.gate.program import read_plan

PROGRAM = Path(__file__).parent / "programs" / "outputs"


@pytest.fixture(scope="module")
def engine_zip(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("prebuilt") / "engine.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return 'prebuilt'\n")
    return path


def plan_of(engine_zip: Path, *overrides: str):
    return read_plan(PROGRAM, "prod", [f"outputs:engine_zip={engine_zip}", *overrides])


def test_outputs_flow_into_the_resources(engine_zip):
    plan = plan_of(engine_zip)
    [queue] = [r for r in plan.resources if r.type == "aws:sqs/queue:Queue" and r.name == "oncall"]
    subscriptions = {
        r.properties["protocol"]: r.properties["endpoint"]
        for r in plan.resources
        if r.type == "aws:sns/topicSubscription:TopicSubscription"
    }
    assert subscriptions == {"sqs": queue.properties["arn"], "email": "oncall@example.com"}
    [role] = [r for r in plan.resources if r.name == "approver"]
    engine = next(r for r in plan.resources if r.name == f"quota-{wiring.FUNCTION_ENGINE}")
    variables = engine.properties["environment"]["variables"]
    approvers = variables.get(wiring.ENV_APPROVERS)
    if approvers is not None:  # the engine reads them only if its function declares it
        assert approvers == (
            f"arn:aws:iam::123456789012:role/{role.properties['name']},"
            "arn:aws:iam::123456789012:role/lead"
        )
    assert engine.properties["memorySize"] == 1024
    [cycle] = [r for r in plan.resources if r.name == "quota-cycle"]
    assert cycle.properties["scheduleExpression"] == "rate(10 minutes)"


def test_a_prebuilt_package_is_used_as_given(engine_zip):
    plan = plan_of(engine_zip)
    packages = {
        r.name: json.dumps(r.properties.get("source"))
        for r in plan.resources
        if r.type == "aws:s3/bucketObjectv2:BucketObjectv2"
    }
    # the plan records archives by kind: the given FileArchive, and for the others the
    # handler-only AssetArchive a plan read offline gets instead of a build
    assert "FileArchive" in packages["quota-engine-package"]
    assert "AssetArchive" in packages["quota-events-package"]


def test_an_output_that_resolves_to_a_bad_value_fails_naming_the_field(engine_zip):
    with pytest.raises(ProgramError, match="alert_emails"):
        plan_of(engine_zip, "outputs:email=not-an-email")


def test_code_takes_zip_paths_or_archives_keyed_by_function(tmp_path):
    import pulumi

    from quotapilot.components.args import QuotaAutomationArgs
    from quotapilot.components.functions import package_code
    from quotapilot.exceptions import ConfigurationError

    archive = pulumi.FileArchive(str(tmp_path / "events.zip"))
    args = QuotaAutomationArgs(code={"engine": str(tmp_path / "engine.zip"), "events": archive})
    engine = package_code(wiring.FUNCTION_ENGINE, args.code)
    assert isinstance(engine, pulumi.FileArchive) and engine.path == str(tmp_path / "engine.zip")
    assert package_code(wiring.FUNCTION_EVENTS, args.code) is archive
    with pytest.raises(ConfigurationError, match="code"):
        QuotaAutomationArgs(code={"enigne": "x.zip"})

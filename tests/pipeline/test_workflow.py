"""The reusable workflow: the steps run in the reference design's order, and every quotapilot
command it runs names only options the CLI has (what one step writes, the next reads)."""

from __future__ import annotations

import re
import shlex

import typer.main
import yaml

from quotapilot.cli.app import app
from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "quota-pipeline.yml"
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def steps() -> list[dict]:
    return workflow()["jobs"]["deliver"]["steps"]


def test_steps_run_in_the_reference_order():
    numbered = [s["name"] for s in steps() if s.get("name", "")[:1].isdigit()]
    assert [name.split()[0] for name in numbered] == ["1", "2", "3", "4", "5", "6", "7"]
    runs = {s["name"]: s.get("run", "") for s in steps() if s.get("name")}
    assert (
        "quotapilot check" in runs["1 check"] and "--format json > check.json" in (runs["1 check"])
    )
    assert (
        "--findings check.json" in runs["2 request"]
        and "--output requests.json" in (runs["2 request"])
    )
    assert "--requests requests.json" in runs["3 wait"]
    assert "pulumi preview" in runs["4 pulumi preview with the pack"]
    assert "--policy-pack" in runs["4 pulumi preview with the pack"]
    assert "pulumi up" in runs["5 deploy"]
    assert "quotapilot ledger record" in runs["6 ledger record"]


def test_every_input_the_steps_use_is_declared():
    text = WORKFLOW.read_text()
    declared = set(workflow()[True]["workflow_call"]["inputs"])  # YAML reads `on` as True
    used = set(re.findall(r"inputs\.([a-z0-9-]+)", text))
    assert used <= declared, used - declared


def _command(words: list[str]):
    command = typer.main.get_command(app)
    # (typer may bring its own click, so groups are recognised by their commands)
    while hasattr(command, "commands") and words and words[0] in command.commands:
        command = command.commands[words.pop(0)]
    return command


def test_quotapilot_invocations_use_real_options():
    checked = 0
    for step in steps():
        script = EXPRESSION.sub("X", step.get("run", "")).replace("\\\n", " ")
        for line in script.splitlines():
            if "quotapilot " not in line or line.strip().startswith("#"):
                continue
            words = shlex.split(line[line.index("quotapilot ") :])[1:]
            command = _command(words)
            options = {o for p in command.params for o in p.opts}
            used = {w for w in words if w.startswith("--")}
            assert used <= options, (step.get("name"), used - options)
            checked += 1
    assert checked >= 5


def test_readme_lists_exactly_the_actions_the_pipeline_declares():
    from quotapilot.pipeline.aws import AwsIncreases
    from quotapilot.pipeline.gcp import GcpPreferences

    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("The role the pipeline runs as") :]
    section = section[: section.index("###")]
    listed = set(re.findall(r"`((?:servicequotas|support):\w+)`", section))
    declared = {a for needs in AwsIncreases.permissions for a in needs.actions}
    assert listed == declared
    assert all(f"`{p}`" in section for p in GcpPreferences.gcp_permissions)

"""The GitHub side: the composite action other repositories use, and the bundled workflow's
least privilege (OIDC only where needed, never for forks, every job bounded in time)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "quota-gate.yml"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def test_the_action_takes_the_gates_inputs_and_installs_from_its_own_checkout():
    action = load(ROOT / "action.yml")
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"program-dir", "stack", "quotas", "baseline", "format", "args"}
    assert action["inputs"]["quotas"]["required"]
    # a Pulumi stack or a Terraform plan: the step builds the command for whichever is given
    assert "terraform-plan" in action["inputs"]
    check = next(s["run"] for s in action["runs"]["steps"] if "check" in s.get("name", ""))
    assert '--terraform-plan "$TERRAFORM_PLAN"' in check and '--stack "$STACK"' in check
    scripts = [step["run"] for step in action["runs"]["steps"] if "run" in step]
    install = next(s for s in scripts if 'pip" install' in s)
    assert '"$GITHUB_ACTION_PATH"' in install  # this checkout, not a package index
    assert any('/bin/quotapilot" check' in s for s in scripts)
    for script in scripts:  # inputs arrive as env vars, never spliced into shell text
        assert "${{" not in script, script
    cache = next(
        s for s in action["runs"]["steps"] if s.get("uses", "").startswith("actions/cache")
    )
    assert "pyproject" in cache["with"]["key"]


def test_every_job_is_bounded_and_only_the_live_job_gets_an_oidc_token():
    workflow = load(WORKFLOW)
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int) and job["timeout-minutes"] <= 60, name
        writes_token = job.get("permissions", {}).get("id-token") == "write"
        assumes_role = any(
            step.get("uses", "").startswith("aws-actions/configure-aws-credentials")
            for step in job["steps"]
        )
        assert writes_token == assumes_role, name
        if assumes_role:  # pull requests from forks never run with the repository's role
            condition = re.sub(r"\s+", " ", job["if"])
            assert "github.event.pull_request.head.repo.full_name == github.repository" in condition


def test_the_pip_cache_is_keyed_on_pyproject():
    for job in load(WORKFLOW)["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/setup-python"):
                assert step["with"].get("cache") == "pip"
                assert step["with"].get("cache-dependency-path") == "pyproject.toml"


def test_the_offline_job_runs_the_action_from_this_checkout():
    offline = load(WORKFLOW)["jobs"]["offline-check"]
    [gate] = [step for step in offline["steps"] if step.get("uses") == "./"]
    assert gate["with"]["program-dir"] == "stacks"
    assert (ROOT / gate["with"]["quotas"]).is_file() and (ROOT / gate["with"]["baseline"]).is_file()

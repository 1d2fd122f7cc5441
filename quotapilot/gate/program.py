"""Planned resources from a Pulumi program directory, read offline under the SDK's mocks.

Finds the project and its config (:mod:`quotapilot.gate.project`) and runs the program in a
child interpreter (:mod:`quotapilot.gate.runner`), as ``pulumi preview`` would run it: the
program's own code executes. The child gets a deadline and its own process group (a timeout
kills whatever it started), and an environment without the caller's credentials: under
mocks it needs none, and a program has no business reading them.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quotapilot import wiring
from quotapilot.catalogue.gcp.refs import zone_region
from quotapilot.catalogue.props import UNKNOWN
from quotapilot.domain import PlannedResource
from quotapilot.exceptions import InputError, ProgramError
from quotapilot.gate.project import SECRET_PLACEHOLDER, Project, load_config, locate

__all__ = ["SECRET_PLACEHOLDER", "Plan", "Project", "child_environment", "locate", "read_plan"]

DEFAULT_TIMEOUT = 300.0

#: Variables that carry credentials or tokens: never passed to the program.
SECRET_VARIABLES = frozenset(
    {
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "GOOGLE_CREDENTIALS",
        "GOOGLE_OAUTH_ACCESS_TOKEN",
        "ARM_CLIENT_SECRET",
        "ARM_CLIENT_CERTIFICATE_PASSWORD",
        "ARM_OIDC_TOKEN",
        "PULUMI_ACCESS_TOKEN",
        "PULUMI_CONFIG_PASSPHRASE",
        "GITHUB_TOKEN",
    }
)
SECRET_PREFIXES = ("ACTIONS_ID_TOKEN_REQUEST_",)


@dataclass
class Plan:
    project: str
    stack: str
    config: dict[str, str]
    resources: list[PlannedResource] = field(default_factory=list)
    components: list[PlannedResource] = field(default_factory=list)
    #: Lookups the gate answered with stand-ins (and stack references): what the plan's
    #: demand may rest on without the gate knowing the real value.
    lookups: list[str] = field(default_factory=list)

    @property
    def aws_region(self) -> str | None:
        """The AWS provider's region: its config, else the variables the provider reads."""
        return self.config.get("aws:region") or _first_env(AWS_REGION_VARIABLES)

    @property
    def gcp_region(self) -> str | None:
        """The GCP provider's region: its region, else its zone's, from config or from the
        variables the provider reads."""
        return (
            self.config.get("gcp:region")
            or zone_region(self.config.get("gcp:zone"))
            or _first_env(GCP_REGION_VARIABLES)
            or zone_region(_first_env(GCP_ZONE_VARIABLES))
        )

    @property
    def gcp_project(self) -> str:
        return self.config.get("gcp:project") or _first_env(GCP_PROJECT_VARIABLES) or ""


# Where the providers look when the stack's config doesn't say (the Terraform providers the
# Pulumi ones are bridged from read these).
AWS_REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")
GCP_REGION_VARIABLES = ("GOOGLE_REGION", "GCLOUD_REGION", "CLOUDSDK_COMPUTE_REGION")
GCP_ZONE_VARIABLES = ("GOOGLE_ZONE", "GCLOUD_ZONE", "CLOUDSDK_COMPUTE_ZONE")
GCP_PROJECT_VARIABLES = (
    "GOOGLE_PROJECT",
    "GOOGLE_CLOUD_PROJECT",
    "GCLOUD_PROJECT",
    "CLOUDSDK_CORE_PROJECT",
)


def _first_env(names: tuple[str, ...]) -> str | None:
    return next((os.environ[n] for n in names if os.environ.get(n)), None)


def child_environment(parent: dict[str, str] | None = None) -> dict[str, str]:
    """The program's environment: the caller's, less credentials and tokens."""
    parent = dict(os.environ if parent is None else parent)
    return {
        name: value
        for name, value in parent.items()
        if name not in SECRET_VARIABLES and not name.startswith(SECRET_PREFIXES)
    }


def read_plan(
    program_dir: str | Path,
    stack: str,
    overrides: list[str] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> Plan:
    """Run the program under mocks and return every resource it registers."""
    if not timeout > 0:
        raise InputError("must be more than 0 seconds", option="--timeout", value=timeout)
    project = locate(program_dir)
    config, secrets = load_config(project, stack, overrides or [])
    plan = Plan(project.name, stack, config)
    spec = {
        "program": str(project.program_dir),
        "main": str(project.main),
        "project": project.name,
        "stack": stack,
        "config": config,
        "secret_keys": secrets,
        "offline_env": wiring.ENV_OFFLINE_PLAN,
        "aws_region": plan.aws_region,
        "gcp_region": plan.gcp_region,
        "gcp_project": plan.gcp_project,
    }
    result = _run_child(spec, project, timeout)
    if "error" in result:
        error = dict(result["error"])
        message = error.pop("message")
        raise ProgramError(message, program=str(project.main), **error)
    providers = {
        f"{r['urn']}::{r['id']}": r
        for r in result["resources"]
        if r["type"].startswith("pulumi:providers:")
    }
    for record in result["resources"]:
        if record["type"].startswith("pulumi:providers:"):
            continue
        resource = _resource(record, providers)
        (plan.resources if record["custom"] else plan.components).append(resource)
    plan.lookups = list(result.get("lookups", []))
    return plan


def _run_child(spec: dict[str, Any], project: Project, timeout: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="quotapilot-plan-") as scratch:
        spec_path, result_path = Path(scratch, "spec.json"), Path(scratch, "result.json")
        spec_path.write_text(json.dumps(spec))
        env = child_environment()
        env["PYTHONPATH"] = os.pathsep.join(
            [str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")]
        )
        # stderr goes to a file, not a pipe: a process the program leaves behind would hold
        # a pipe open and keep us waiting for it.
        with open(Path(scratch, "stderr.txt"), "w+", encoding="utf-8", errors="replace") as log:
            child = subprocess.Popen(
                [sys.executable, "-m", "quotapilot.gate.runner", str(spec_path), str(result_path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                env=env,
                start_new_session=True,  # its own process group: a timeout kills all it started
            )
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise ProgramError(
                    f"the program did not finish in {timeout:g} s (raise --timeout if it needs "
                    "longer)",
                    program=str(project.main),
                ) from None
            finally:
                _kill_group(child)  # whatever the program left running, too
            log.seek(0)
            stderr = log.read()
        if not result_path.is_file():
            tail = stderr.strip().splitlines()[-1:] or ["no output"]
            raise ProgramError(
                f"the program could not be run: {tail[0]}", program=str(project.main)
            )
        return json.loads(result_path.read_text())


def _kill_group(child: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def _unmark(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get("__quotapilot_unknown__") is True and len(value) == 1:
            return UNKNOWN
        return {k: _unmark(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unmark(v) for v in value]
    return value


def _resource(record: dict[str, Any], providers: dict[str, dict[str, Any]]) -> PlannedResource:
    properties = _unmark(record["properties"])
    region = None
    provider = providers.get(record.get("provider") or "")
    if provider is not None:
        given = provider["properties"].get("region")
        region = given if isinstance(given, str) and given else None
        if region is None and record["type"].startswith("gcp:"):
            region = zone_region(provider["properties"].get("zone"))
    own = properties.get("region") if record["type"].startswith("aws:") else None
    if isinstance(own, str) and own:
        region = own  # pulumi-aws 7 takes a per-resource region
    return PlannedResource(
        type=record["type"],
        name=record["name"],
        urn=record["urn"],
        id=record["id"],
        properties=properties,
        parent=record.get("parent"),
        provider=(record.get("provider") or "").split("::")[0] or None,
        region=region,
        aliases=tuple(record.get("aliases", ())),
    )

"""Planned resources from a Pulumi program directory, read offline under the SDK's mocks.

Finds the project (``Pulumi.yaml`` in the directory or a parent; ``main`` and
``stackConfigDir`` honoured), loads the stack's config (``Pulumi.<stack>.yaml``, then
``--config`` overrides), and runs the program in a child interpreter
(:mod:`quotapilot.gate.runner`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quotapilot import wiring
from quotapilot.catalogue.props import UNKNOWN
from quotapilot.domain import PlannedResource
from quotapilot.exceptions import InputError, ProgramError

SECRET_PLACEHOLDER = "[secret]"


@dataclass(frozen=True)
class Project:
    root: Path  # the directory holding Pulumi.yaml
    name: str
    program_dir: Path
    main: Path
    stack_config_dir: Path

    def stack_file(self, stack: str) -> Path:
        return self.stack_config_dir / f"Pulumi.{stack}.yaml"


@dataclass
class Plan:
    project: str
    stack: str
    config: dict[str, str]
    resources: list[PlannedResource] = field(default_factory=list)
    components: list[PlannedResource] = field(default_factory=list)

    @property
    def aws_region(self) -> str | None:
        return self.config.get("aws:region")

    @property
    def gcp_region(self) -> str | None:
        return self.config.get("gcp:region")


def _yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text()) or {}
    except OSError as error:
        raise InputError(f"can't read it: {error}", path=str(path)) from None
    except yaml.YAMLError as error:
        raise InputError(f"not valid YAML: {error}", path=str(path)) from None


def locate(program_dir: str | Path) -> Project:
    start = Path(program_dir).resolve()
    if not start.is_dir():
        raise InputError("not a directory", program=str(program_dir))
    for directory in (start, *start.parents):
        found = directory / "Pulumi.yaml"
        if found.is_file():
            break
    else:
        raise InputError("no Pulumi.yaml in it or any parent directory", program=str(start))
    document = _yaml(found)
    if not isinstance(document, dict) or not isinstance(document.get("name"), str):
        raise InputError("a Pulumi project file needs a name", path=str(found))
    runtime = document.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise InputError(
            f"quotapilot reads Python programs; this project's runtime is {runtime_name!r}",
            path=str(found),
        )
    root = found.parent
    main_dir = root / str(document.get("main") or ".")
    # A directory below the project that holds the program is the program itself.
    program = start if (start / "__main__.py").is_file() else main_dir
    main_file = program / "__main__.py" if program.is_dir() else program
    if not main_file.is_file():
        raise InputError("no __main__.py to run", program=str(program))
    config_dir = root / str(document.get("stackConfigDir") or ".")
    return Project(root, document["name"], main_file.parent, main_file, config_dir)


def load_config(
    project: Project, stack: str, overrides: list[str]
) -> tuple[dict[str, str], list[str]]:
    """The stack's config as the SDK sees it: namespaced keys, string values."""
    path = project.stack_file(stack)
    if not path.is_file():
        raise InputError(f"no stack config file for stack {stack!r}", path=str(path))
    document = _yaml(path)
    raw = (document.get("config") or {}) if isinstance(document, dict) else None
    if not isinstance(raw, dict):
        raise InputError("config must be a mapping", path=str(path))
    config: dict[str, str] = {}
    secrets: list[str] = []
    for key, value in raw.items():
        full = _namespaced(str(key), project.name)
        if isinstance(value, dict) and set(value) == {"secure"}:
            config[full] = SECRET_PLACEHOLDER  # encrypted: not readable offline
            secrets.append(full)
        elif isinstance(value, dict | list):
            config[full] = json.dumps(value)
        elif isinstance(value, bool):
            config[full] = "true" if value else "false"
        else:
            config[full] = "" if value is None else str(value)
    for override in overrides:
        key, sep, value = override.partition("=")
        if not sep or not key:
            raise InputError("expected KEY=VALUE", option="--config", value=override)
        config[_namespaced(key, project.name)] = value
    return config, secrets


def _namespaced(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def read_plan(
    program_dir: str | Path,
    stack: str,
    overrides: list[str] | None = None,
    *,
    timeout: float = 600,
) -> Plan:
    """Run the program under mocks and return every resource it registers."""
    project = locate(program_dir)
    config, secrets = load_config(project, stack, overrides or [])
    spec = {
        "program": str(project.program_dir),
        "main": str(project.main),
        "project": project.name,
        "stack": stack,
        "config": config,
        "secret_keys": secrets,
        "offline_env": wiring.ENV_OFFLINE_PLAN,
    }
    with tempfile.TemporaryDirectory(prefix="quotapilot-plan-") as scratch:
        spec_path, result_path = Path(scratch, "spec.json"), Path(scratch, "result.json")
        spec_path.write_text(json.dumps(spec))
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(
                [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")]
            ),
        )
        try:
            child = subprocess.run(
                [sys.executable, "-m", "quotapilot.gate.runner", str(spec_path), str(result_path)],
                capture_output=True,
                text=True,
                timeout=timeout,
                env=env,
            )
        except subprocess.TimeoutExpired:
            raise ProgramError(
                f"the program did not finish in {timeout:.0f} s", program=str(project.main)
            ) from None
        if not result_path.is_file():
            tail = (child.stderr or "").strip().splitlines()[-1:] or ["no output"]
            raise ProgramError(
                f"the program could not be run: {tail[0]}", program=str(project.main)
            )
        result = json.loads(result_path.read_text())
    if "error" in result:
        error = dict(result["error"])
        message = error.pop("message")
        raise ProgramError(message, program=str(project.main), **error)
    plan = Plan(project.name, stack, config)
    providers = {
        f"{r['urn']}::{r['id']}": r
        for r in result["resources"]
        if r["type"].startswith("pulumi:providers:")
    }
    for record in result["resources"]:
        resource = _resource(record, providers)
        if record["type"].startswith("pulumi:providers:"):
            continue
        (plan.resources if record["custom"] else plan.components).append(resource)
    return plan


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
        region = given if isinstance(given, str) else None
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
    )

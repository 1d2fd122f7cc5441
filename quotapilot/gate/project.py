"""A Pulumi project on disk: where its program is and what config a stack runs with.

Config is assembled as the Pulumi CLI does it: the project's ``config:`` block in
``Pulumi.yaml`` (values and defaults), then the stack's ``Pulumi.<stack>.yaml`` if there is
one (it is optional: a new stack has none), then ``--config KEY=VALUE`` overrides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quotapilot.exceptions import InputError

SECRET_PLACEHOLDER = "[secret]"


@dataclass(frozen=True)
class Project:
    root: Path  # the directory holding Pulumi.yaml
    name: str
    program_dir: Path
    main: Path
    stack_config_dir: Path
    config: Any = None  # the project file's config block, as written

    def stack_file(self, stack: str) -> Path:
        return self.stack_config_dir / f"Pulumi.{stack}.yaml"


def _yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"can't read it: {error}", path=str(path)) from None
    except yaml.YAMLError as error:
        text = " ".join(str(error).split())
        raise InputError(f"not valid YAML: {text}", path=str(path)) from None


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
    return Project(
        root, document["name"], main_file.parent, main_file, config_dir, document.get("config")
    )


def load_config(
    project: Project, stack: str, overrides: list[str]
) -> tuple[dict[str, str], list[str]]:
    """The stack's config as the SDK sees it: namespaced keys, string values, and the keys
    whose values are secret (unreadable offline)."""
    config: dict[str, str] = {}
    secrets: list[str] = []
    project_file = project.root / "Pulumi.yaml"
    if project.config is not None:
        if not isinstance(project.config, dict):
            raise InputError("config must be a mapping", path=str(project_file), field="config")
        for key, declared in project.config.items():
            value = _project_value(declared)
            if value is not _UNSET:
                config[_namespaced(str(key), project.name)] = _text(value)
    path = project.stack_file(stack)
    if path.is_file():
        document = _yaml(path)
        raw = (document.get("config") or {}) if isinstance(document, dict) else None
        if not isinstance(raw, dict):
            raise InputError("config must be a mapping", path=str(path))
        for key, value in raw.items():
            full = _namespaced(str(key), project.name)
            if isinstance(value, dict) and set(value) == {"secure"}:
                config[full] = SECRET_PLACEHOLDER  # encrypted: not readable offline
                secrets.append(full)
            else:
                config[full] = _text(value)
    for override in overrides:
        key, sep, value = override.partition("=")
        if not sep or not key:
            raise InputError("expected KEY=VALUE", option="--config", value=override)
        config[_namespaced(key, project.name)] = value
    return config, secrets


_UNSET = object()


def _project_value(declared: Any) -> Any:
    """A project-level config entry's value: a plain value, ``value:``, or ``default:``."""
    if isinstance(declared, dict):
        if "value" in declared:
            return declared["value"]
        if "default" in declared:
            return declared["default"]
        return _UNSET  # declared with a type only: the stack must set it
    return declared


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _namespaced(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"

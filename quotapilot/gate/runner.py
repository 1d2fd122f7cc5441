"""Run one Pulumi program under mocks and write what it registered (a child process).

Run as ``python -m quotapilot.gate.runner SPEC.json RESULT.json``. The SDK keeps global
state (settings, the root stack, outstanding RPCs), so each plan gets a fresh interpreter;
:mod:`quotapilot.gate.program` starts it and reads the result. The result is JSON:
``{"resources": [...]}`` or ``{"error": {"message": ..., **context}}``.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import traceback
from pathlib import Path
from typing import Any

UNKNOWN_MARK = {"__quotapilot_unknown__": True}
_SECRET_SIG = "4dabf18193072939515e22adb298388d"


def plain(value: Any) -> Any:
    """A JSON-able copy of a deserialized property: unknowns marked, secrets unwrapped."""
    from pulumi.output import Unknown

    if isinstance(value, Unknown):
        return UNKNOWN_MARK
    if isinstance(value, dict):
        if value.get(_SECRET_SIG) == "1b47061264138c4ac30d75fd1eb44270":
            return plain(value.get("value"))
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)  # assets, archives, resource references


def run(spec: dict[str, Any]) -> dict[str, Any]:
    import pulumi
    from pulumi.runtime import mocks as sdk_mocks
    from pulumi.runtime import rpc
    from pulumi.runtime.stack import wait_for_rpcs
    from pulumi.runtime.sync_await import _sync_await

    from quotapilot.gate.mocks import PlanMocks

    records: list[dict[str, Any]] = []

    class RecordingMonitor(sdk_mocks.MockMonitor):
        def make_urn(self, parent: str, type_: str, name: str) -> str:
            # The engine leaves the root stack out of its children's type chain.
            if parent and parent.split("::")[2].split("$")[-1] == "pulumi:pulumi:Stack":
                parent = ""
            return super().make_urn(parent, type_, name)

        def RegisterResource(self, request):
            response = super().RegisterResource(request)
            if request.type != "pulumi:pulumi:Stack":
                inputs = rpc.deserialize_properties(request.object, keep_unknowns=True)
                registered = self.resources.get(response.urn)
                state = dict(registered.state) if registered else {}
                state.update(inputs)  # inputs as given, with their unknowns
                records.append(
                    {
                        "type": request.type,
                        "name": request.name,
                        "urn": response.urn,
                        "id": response.id or "",
                        "custom": bool(request.custom),
                        "parent": request.parent or None,
                        "provider": request.provider or None,
                        "properties": plain(state),
                    }
                )
            return response

    config = spec["config"]
    mocks = PlanMocks(
        aws_region=config.get("aws:region", ""),
        gcp_project=config.get("gcp:project", ""),
        gcp_region=config.get("gcp:region", ""),
    )
    pulumi.runtime.set_all_config(config, spec.get("secret_keys", []))
    pulumi.runtime.set_mocks(
        mocks, spec["project"], spec["stack"], preview=True, monitor=RecordingMonitor(mocks)
    )
    program_dir = spec["program"]
    sys.path.insert(0, program_dir)
    os.chdir(program_dir)
    runpy.run_path(spec["main"], run_name="__main__")
    _sync_await(wait_for_rpcs())
    return {"resources": records}


def explain(error: BaseException, program_dir: str) -> dict[str, Any]:
    """An input error a person can act on, never a traceback."""
    import pulumi

    if isinstance(error, pulumi.ConfigMissingError):
        return {
            "message": f"missing required config key {error.key!r}: set it in the stack's "
            "config file or pass --config KEY=VALUE",
            "key": error.key,
        }
    if isinstance(error, ModuleNotFoundError) and error.name:
        top = error.name.split(".")[0]
        package = top.replace("_", "-") if top.startswith("pulumi_") else top
        return {
            "message": f"the program imports {error.name!r}, which is not installed: "
            f"pip install {package}",
            "package": package,
        }
    where = None
    root = str(Path(program_dir).resolve())
    for frame in traceback.extract_tb(error.__traceback__):
        if str(Path(frame.filename).resolve()).startswith(root):
            where = f"{frame.filename}:{frame.lineno}"
    message = f"the program failed: {type(error).__name__}: {error}"
    return {"message": message, "at": where} if where else {"message": message}


def main(argv: list[str]) -> int:
    spec_path, result_path = argv
    spec = json.loads(Path(spec_path).read_text())
    os.environ[spec["offline_env"]] = "1"
    # The program's own prints must not mix with anything we write.
    sys.stdout = sys.stderr
    try:
        result = run(spec)
        code = 0
    except BaseException as error:  # the program's failure is an input error for the user
        if isinstance(error, KeyboardInterrupt):
            raise
        result = {"error": explain(error, spec["program"])}
        code = 3
    Path(result_path).write_text(json.dumps(result))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

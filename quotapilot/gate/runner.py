"""Run one Pulumi program under mocks and write what it registered (a child process).

Run as ``python -m quotapilot.gate.runner SPEC.json RESULT.json``. The SDK keeps global
state (settings, the root stack, outstanding RPCs), so each plan gets a fresh interpreter;
:mod:`quotapilot.gate.program` starts it (in its own process group, with a deadline) and
reads the result. The result is JSON: ``{"resources": [...], "lookups": [...]}`` or
``{"error": {"message": ..., **context}}``.
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
_SIG = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"


def plain(value: Any) -> Any:
    """A JSON-able copy of a deserialized property: unknowns marked, secrets unwrapped."""
    from pulumi.output import Unknown

    if isinstance(value, Unknown):
        return UNKNOWN_MARK
    if isinstance(value, dict):
        if value.get(_SIG) == _SECRET_SIG:
            return plain(value.get("value"))
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    path = getattr(value, "path", None)
    if isinstance(path, str):  # a file asset or archive: where it is, as stack exports say
        return {"kind": type(value).__name__, "path": path}
    return repr(value)  # other assets and archives


def dereference(value: Any) -> Any:
    """Replace resource references in a wire value by what a provider would see.

    The engine hands a provider that takes no references the resource's id (a custom
    resource) or its URN (a component). Doing the same here keeps references out of the
    mock's answers: rehydrating them would build resources on the monitor's worker thread,
    whose event loop is not the program's.
    """
    if isinstance(value, dict):
        if value.get(_SIG) == _RESOURCE_SIG:
            return value.get("id") or value.get("urn") or ""
        return {k: dereference(v) for k, v in value.items()}
    if isinstance(value, list):
        return [dereference(v) for v in value]
    return value


def _make_monitor(mocks: Any, records: list[dict[str, Any]]) -> Any:
    import pulumi
    from google.protobuf import json_format, struct_pb2
    from pulumi.runtime import mocks as sdk_mocks
    from pulumi.runtime import rpc
    from pulumi.runtime.proto import resource_pb2
    from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

    class RecordingMonitor(sdk_mocks.MockMonitor):
        def make_urn(self, parent: str, type_: str, name: str) -> str:
            # As the engine builds it: the parent's whole type chain (the SDK's mock keeps
            # only its last link), less the root stack.
            chain = parent.split("::")[2] if parent else ""
            if chain and chain.split("$")[-1] != "pulumi:pulumi:Stack":
                type_ = f"{chain}${type_}"
            return f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::{type_}::{name}"

        def alias_urns(self, request) -> list[str]:
            """The URNs a resource's aliases name: the ones it was registered under before,
            which the engine would carry over rather than replace."""
            urns = []
            for alias in request.aliases:
                if alias.WhichOneof("alias") == "urn":
                    urns.append(alias.urn)
                    continue
                spec = alias.spec
                parent = "" if spec.noParent else (spec.parentUrn or request.parent)
                urn = self.make_urn(parent, spec.type or request.type, spec.name or request.name)
                if spec.stack or spec.project:  # an alias from another stack or project
                    head, project, kind, name = urn.split("::", 3)
                    stack = spec.stack or head.removeprefix("urn:pulumi:")
                    urn = f"urn:pulumi:{stack}::{spec.project or project}::{kind}::{name}"
                urns.append(urn)
            return list(dict.fromkeys(urns))  # the SDK may pass one alias twice

        def RegisterResource(self, request):
            urn = self.make_urn(request.parent, request.type, request.name)
            if request.type == "pulumi:pulumi:Stack":
                return resource_pb2.RegisterResourceResponse(urn=urn)
            _ensure_event_loop()
            wire = request.object
            if _RESOURCE_SIG.encode() in wire.SerializeToString():
                wire = struct_pb2.Struct()
                wire.update(dereference(json_format.MessageToDict(request.object)))
            inputs = rpc.deserialize_properties(wire, keep_unknowns=True)
            args = sdk_mocks.MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=inputs,
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom or False,
            )
            if request.remote:
                resource_id, state = self.mocks.remote_component(args)
            else:
                resource_id, state = self.mocks.new_resource(args)
            answer = _sync_await(rpc.serialize_properties(state, {}))
            self.resources[urn] = sdk_mocks.MockMonitor.ResourceRegistration(
                urn, resource_id, state
            )
            recorded = dict(state)
            recorded.update(inputs)  # inputs as given, with their unknowns
            records.append(
                {
                    "type": request.type,
                    "name": request.name,
                    "urn": urn,
                    "id": resource_id or "",
                    "custom": bool(request.custom),
                    "parent": request.parent or None,
                    "provider": request.provider or None,
                    "aliases": self.alias_urns(request),
                    "properties": plain(recorded),
                }
            )
            return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=answer)

    return RecordingMonitor(mocks)


def run(spec: dict[str, Any]) -> dict[str, Any]:
    import pulumi
    from pulumi.runtime.stack import wait_for_rpcs
    from pulumi.runtime.sync_await import _sync_await

    from quotapilot.gate.mocks import PlanMocks

    records: list[dict[str, Any]] = []
    config = spec["config"]
    mocks = PlanMocks(
        aws_region=spec.get("aws_region") or "",
        gcp_project=spec.get("gcp_project") or "",
        gcp_region=spec.get("gcp_region") or "",
    )
    pulumi.runtime.set_all_config(config, spec.get("secret_keys", []))
    pulumi.runtime.set_mocks(
        mocks,
        spec["project"],
        spec["stack"],
        preview=True,
        monitor=_make_monitor(mocks, records),
    )
    program_dir = spec["program"]
    sys.path.insert(0, program_dir)
    os.chdir(program_dir)
    try:
        runpy.run_path(spec["main"], run_name="__main__")
        _sync_await(wait_for_rpcs())
    except BaseException as error:
        error.lookups = mocks.unanswered  # type: ignore[attr-defined]
        raise
    return {"resources": records, "lookups": mocks.unanswered}


def explain(error: BaseException, program_dir: str) -> dict[str, Any]:
    """An input error a person can act on, never a traceback."""
    import pulumi

    if isinstance(error, pulumi.ConfigMissingError):
        return {
            "message": f"missing required config key {error.key!r}: set it in the stack's "
            "config file or Pulumi.yaml, or pass --config KEY=VALUE",
            "key": error.key,
        }
    if isinstance(error, SystemExit):
        return {"message": f"the program exited (sys.exit({error.code!r})) before it finished"}
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
    text = " ".join(str(error).split())
    if len(text) > 300:
        text = text[:300] + "..."
    message = f"the program failed: {type(error).__name__}: {text}"
    lookups = getattr(error, "lookups", None)
    if lookups:
        # The likeliest cause: a value the program read from a lookup the gate answered with
        # a stand-in.
        message += " (it may rest on what the gate could not answer: " + "; ".join(lookups) + ")"
    return {"message": message, "at": where} if where else {"message": message}


def main(argv: list[str]) -> int:
    spec_path, result_path = argv
    spec = json.loads(Path(spec_path).read_text())
    os.environ[spec["offline_env"]] = "1"
    me = os.getpid()
    # The program's own prints must not mix with anything we write.
    sys.stdout = sys.stderr
    try:
        result = run(spec)
        code = 0
    except BaseException as error:  # the program's failure is an input error for the user
        if isinstance(error, KeyboardInterrupt):
            raise
        if os.getpid() != me:
            os._exit(0)  # a process the program forked: only the runner itself reports
        result = {"error": explain(error, spec["program"])}
        code = 3
    if os.getpid() != me:
        os._exit(0)
    Path(result_path).write_text(json.dumps(result))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

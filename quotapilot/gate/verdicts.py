"""Rego decides: evaluate the deny_*/warn_* rules over the input document.

In-process with regopy by default; through an OPA server's REST API (opa-python-client)
when an ``opa_url`` is configured. The bundled rules live in ``policies/rego/``; teams add
their own ``.rego`` files in package ``quotapilot``.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from quotapilot.exceptions import PolicyError

PACKAGE = "quotapilot"
_RULE_NAME = re.compile(r"^(deny|warn)_[a-z_]+$")


def bundled_policies() -> dict[str, str]:
    """The rules shipped with quotapilot (inside the package, so an installed wheel has them)."""
    files = resources.files("quotapilot.gate").joinpath("rego")
    return {
        f"quotapilot/{p.name}": p.read_text() for p in files.iterdir() if p.name.endswith(".rego")
    }


def load_policies(extra: list[str | Path] | None = None) -> dict[str, str]:
    modules = bundled_policies()
    for entry in extra or []:
        path = Path(entry)
        files = sorted(path.glob("*.rego")) if path.is_dir() else [path]
        if not files:
            raise PolicyError("no .rego files", path=str(path))
        for file in files:
            try:
                text = file.read_text()
            except OSError as error:
                raise PolicyError(f"can't read it: {error}", path=str(file)) from None
            _check_names(text, file)
            modules[str(file)] = text
    return modules


def _check_names(text: str, file: Path) -> None:
    if not re.search(rf"^package\s+{PACKAGE}\s*$", text, re.M):
        raise PolicyError(f"a team policy must be in package {PACKAGE}", path=str(file))
    for match in re.finditer(r"^([A-Za-z_]\w*)\s+contains\b", text, re.M):
        name = match.group(1)
        if not _RULE_NAME.match(name) and not name.startswith("_"):
            raise PolicyError(
                "verdict rules must be named deny_<words> or warn_<words>",
                path=str(file),
                rule=name,
            )


def evaluate(
    document: dict[str, Any], modules: dict[str, str], opa_url: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """``{"deny_exceeds": [...], "warn_unknown": [...], ...}`` for the input ``document``."""
    result = _opa(document, modules, opa_url) if opa_url else _regopy(document, modules)
    return {
        name: sorted(value, key=lambda f: json.dumps(f, sort_keys=True))
        for name, value in (result or {}).items()
        if _RULE_NAME.match(name) and isinstance(value, list)
    }


def _regopy(document: dict[str, Any], modules: dict[str, str]) -> dict[str, Any]:
    import regopy

    interpreter = regopy.Interpreter()
    try:
        for name, text in modules.items():
            interpreter.add_module(name, text)
        interpreter.set_input_term(json.dumps(document))
        output = interpreter.query(f"result := data.{PACKAGE}")
    except regopy.RegoError as error:
        raise PolicyError(f"the Rego policies failed: {error}") from None
    answer = json.loads(str(output))
    if "bindings" not in answer:
        raise PolicyError(f"the Rego policies failed: {answer}")
    return answer["bindings"]["result"]


def _opa(document: dict[str, Any], modules: dict[str, str], url: str) -> dict[str, Any]:
    from urllib.parse import urlparse

    from opa_client.opa import OpaClient

    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise PolicyError("must be an http(s) URL", opa_url=url)
    client = OpaClient(
        host=parsed.hostname,
        port=parsed.port or (443 if parsed.scheme == "https" else 8181),
        ssl=parsed.scheme == "https",
    )
    try:
        for name, text in modules.items():
            client.update_policy_from_string(text, _policy_id(name))
        answer = client.query_rule(input_data=document, package_path=PACKAGE)
    except Exception as error:  # the client raises its own and requests' errors
        raise PolicyError(f"the OPA server failed: {error}", opa_url=url) from None
    finally:
        client.close_connection()
    return answer.get("result", {})


def _policy_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_")

"""FUNCTION_NEEDS: the contract the components build IAM from."""

from __future__ import annotations

import ast
from pathlib import Path

from quotapilot import wiring
from quotapilot.engine.permissions import FUNCTION_NEEDS, actions_of, classes_of
from quotapilot.permissions import LOGICAL_RESOURCES, NO_RESOURCE_SCOPE, Needs

ENGINE = Path(__file__).resolve().parents[2] / "quotapilot" / "engine"


def test_every_function_has_needs():
    assert set(FUNCTION_NEEDS) == set(wiring.ALL_FUNCTIONS)
    for function, needs in FUNCTION_NEEDS.items():
        assert needs, function
        assert all(isinstance(n, Needs) and n.resource in LOGICAL_RESOURCES for n in needs)
        assert len({n.resource for n in needs}) == len(needs)  # merged per resource


def test_every_class_declares_its_permissions():
    for classes in map(classes_of, wiring.ALL_FUNCTIONS):
        for cls in classes:
            declared = cls.__dict__.get("permissions") or getattr(cls, "permissions", ())
            assert declared, f"{cls.__name__} declares no permissions"
            assert all(isinstance(n, Needs) for n in declared)


def test_unscoped_actions_say_why():
    for needs in FUNCTION_NEEDS.values():
        for n in needs:
            if n.resource == NO_RESOURCE_SCOPE:
                assert "resource" in n.why and "scope" in n.why


def test_least_privilege_per_function():
    approval = actions_of(wiring.FUNCTION_APPROVAL)
    assert "servicequotas:RequestServiceQuotaIncrease" not in approval
    assert "states:StartExecution" not in approval
    assert "states:SendTaskSuccess" not in actions_of(wiring.FUNCTION_ENGINE)
    assert "sqs:SendMessage" in actions_of(wiring.FUNCTION_EVENTS)
    assert not any(a.endswith(":*") or "*" in a for f in FUNCTION_NEEDS for a in actions_of(f))


def _client_methods() -> set[str]:
    """Every ``<something>.client.<method>(`` / ``self.client.<method>(`` call in the engine."""
    found = set()
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                if name in ("client", "support", "states", "sts") and node.func.attr not in (
                    "get_paginator",
                ):
                    found.add(node.func.attr)
    return found


def test_every_client_call_in_the_source_is_declared_somewhere():
    # A static backstop to the recorded-calls checks in the cycle/increase/approval tests.
    declared = {a.split(":")[1] for f in FUNCTION_NEEDS for a in actions_of(f)}
    as_actions = {"".join(part.title() for part in m.split("_")) for m in _client_methods()}
    as_actions = {a.replace("Aws", "AWS") for a in as_actions}
    assert as_actions, "no client calls found: the scan is broken"
    assert as_actions <= declared, as_actions - declared


def test_function_env_names_come_from_wiring():
    from quotapilot.engine.permissions import FUNCTION_ENV

    names = {v for k, v in vars(wiring).items() if k.startswith("ENV_")}
    assert set(FUNCTION_ENV) == set(wiring.ALL_FUNCTIONS)
    for function, env in FUNCTION_ENV.items():
        assert set(env) <= names, function
    # what the handlers require at cold start is among what the components set
    assert wiring.ENV_IDEMPOTENCY_TABLE in FUNCTION_ENV[wiring.FUNCTION_EVENTS]
    assert wiring.ENV_APPROVERS in FUNCTION_ENV[wiring.FUNCTION_APPROVAL]


#: IAM service prefix -> botocore's service name, where they differ.
BOTOCORE_SERVICE = {"servicequotas": "service-quotas", "states": "stepfunctions"}
#: IAM actions with no API operation of the same name (each with why); none so far.
IAM_ONLY: frozenset[str] = frozenset()


def _declared_anywhere() -> set[str]:
    """Every action named in a ``Needs(...)`` in the package's source, and in FUNCTION_NEEDS."""
    found = {a for f in FUNCTION_NEEDS for a in actions_of(f)}
    for path in (ENGINE.parent).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "Needs"
                and node.args
                and isinstance(node.args[0], ast.Tuple)
            ):
                found |= {e.value for e in node.args[0].elts if isinstance(e, ast.Constant)}
    return found


def test_every_declared_action_is_an_operation_of_its_service():
    import botocore.session

    session = botocore.session.get_session()
    declared = _declared_anywhere()
    assert {"sts:AssumeRole", "servicequotas:ListServiceQuotas", "s3:GetObject"} <= declared
    unknown = []
    for action in sorted(declared - IAM_ONLY):
        prefix, _, operation = action.partition(":")
        model = session.get_service_model(BOTOCORE_SERVICE.get(prefix, prefix))
        if operation not in model.operation_names:
            unknown.append(action)
    assert unknown == []


def test_computing_the_policies_needs_only_the_core_install():
    """The components compute FUNCTION_NEEDS during ``pulumi up``, where the engine's extra
    (Powertools, numpy, scikit-learn) may be missing: building the roots loads none of it,
    and no AWS SDK either (building makes no client)."""
    import subprocess
    import sys

    code = (
        "import sys, quotapilot.engine.permissions as p; p.FUNCTION_NEEDS;"
        "print(sorted(m for m in ('aws_lambda_powertools', 'numpy', 'sklearn', 'boto3', "
        "'botocore') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

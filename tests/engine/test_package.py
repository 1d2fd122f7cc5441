from __future__ import annotations

import subprocess
import sys


def test_public_names():
    import quotapilot.engine as engine

    assert sorted(engine.__all__) == [
        "Action",
        "AutomationLevel",
        "Band",
        "Decision",
        "Rule",
        "Situation",
        "decide",
        "rule_from_mapping",
    ]
    assert all(hasattr(engine, name) for name in engine.__all__)


def test_decision_code_imports_no_cloud_sdk():
    # simulate and the decision run without boto3, Powertools or pydantic
    code = (
        "import sys, quotapilot.engine, quotapilot.engine.simulate.replay,"
        " quotapilot.engine.simulate.history;"
        "print(sorted(m for m in ('boto3', 'botocore', 'aws_lambda_powertools', 'pydantic', "
        "'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

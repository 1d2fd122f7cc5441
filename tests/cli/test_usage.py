"""The CLI's contract at its edges, driven through the installed ``quotapilot`` script: usage
errors exit 2 with one line and no traceback, --version answers, completion is on, and a
command whose extra is missing says which to install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from quotapilot._version import __version__

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("quotapilot")
STACK = [
    str(ROOT / "stacks"),
    "--stack",
    "prod",
    "--quotas",
    str(ROOT / "examples/quotas/prod.yaml"),
]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=120, env=env, cwd="/"
    )


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["check", "--bogus"], "--bogus"),
        # PROGRAM_DIR is optional since --terraform-plan can replace it: --quotas never is
        (["check"], "--quotas"),  # missing option
        (["check", str(ROOT / "stacks"), "--quotas", "x.yaml"], "--stack"),  # missing option
        (["check", *STACK, "--format", "yaml"], "--format"),  # bad choice
        (["check", *STACK, "--buffer", "100"], "--buffer"),
        (["check", *STACK, "--buffer", "-1"], "--buffer"),
        (["check", *STACK, "--buffer", "nan"], "--buffer"),
        (["check", *STACK, "--buffer", "abc"], "--buffer"),
        (["check", *STACK, "--low-headroom", "100.5"], "--low-headroom"),
        (["check", *STACK, "--low-headroom", "1e309"], "--low-headroom"),
        (["check", *STACK, "--timeout", "0"], "--timeout"),
        (["check", *STACK, "--timeout", "inf"], "--timeout"),
        (["check", *STACK, "--timeout", "-5"], "--timeout"),
        (["simulate", "--history"], "--history"),  # option without its value
        (["ledger", "set-limit", "acme"], "quota"),
        (["ledger", "set-limit", "acme", "q", "nan"], "LIMIT"),
        (["ledger", "apply", "acme", "q=inf"], "DELTAS"),
        (["package", "nope"], "nope"),
        (["nosuchcommand"], "nosuchcommand"),
    ],
)
def test_usage_errors_exit_2_with_one_line_naming_the_input(args, names):
    done = run(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert names in lines[0]
    assert done.stdout == ""


def test_version_prints_the_package_version():
    done = run("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"quotapilot {__version__}")


@pytest.mark.parametrize("args", [[], ["ledger"], ["--help"], ["check", "--help"]])
def test_help_and_bare_groups_exit_0(args):
    done = run(*args)
    assert done.returncode == 0 and "Usage" in done.stdout, done.stderr


def test_shell_completion_is_on():
    env = {
        "_QUOTAPILOT_COMPLETE": "complete_bash",
        "COMP_WORDS": "quotapilot ch",
        "COMP_CWORD": "1",
    }
    done = run(env=env)
    assert done.returncode == 0 and done.stdout.split() == ["check"]
    assert "--install-completion" in run("--help").stdout


SITECUSTOMIZE = """
import importlib.abc, importlib.util, sys
BLOCKED = {blocked!r}
def _gone(name):
    return any(name == b or name.startswith(b + ".") for b in BLOCKED)
class _Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if _gone(name):
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, _Missing())
_find = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: None if _gone(name) else _find(name, *a)
"""


def without(blocked: set[str], argv: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    """Run the script as if ``blocked`` weren't installed: a sitecustomize hides them from
    this interpreter and from the child that runs the Pulumi program."""
    (tmp_path / "sitecustomize.py").write_text(SITECUSTOMIZE.format(blocked=sorted(blocked)))
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    return subprocess.run(
        [str(SCRIPT), *argv], capture_output=True, text=True, timeout=120, env=env, cwd=ROOT
    )


@pytest.mark.parametrize(
    ("blocked", "argv", "extra"),
    [
        (
            {"numpy", "sklearn"},
            [
                "simulate",
                "--history",
                "examples/simulate/history.csv",
                "--rules",
                "examples/simulate/rules.yaml",
            ],
            "engine",
        ),
        (
            {"matplotlib"},
            [
                "simulate",
                "--history",
                "examples/simulate/history.csv",
                "--rules",
                "examples/simulate/rules.yaml",
                "--plot",
                "/tmp/never.png",
            ],
            "plot",
        ),
        ({"opa_client"}, ["check", *STACK, "--opa-url", "http://127.0.0.1:9"], "opa"),
        (
            {"google.cloud", "googleapiclient"},
            ["check", *STACK, "--quotas", "gcp:my-project"],
            "gcp",
        ),
    ],
)
def test_a_feature_whose_extra_is_missing_says_which_to_install(blocked, argv, extra, tmp_path):
    done = without(blocked, argv, tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == next(
        line for line in done.stderr.splitlines() if line.startswith("error:")
    )
    assert f"install quotapilot[{extra}]" in done.stderr


def test_the_gate_runs_the_bundled_stack_without_the_optional_extras(tmp_path):
    blocked = {"numpy", "sklearn", "scipy", "aws_lambda_powertools", "opa_client", "matplotlib"}
    blocked |= {"google.cloud", "google.api_core", "googleapiclient", "pulumi_gcp"}
    done = without(blocked, ["check", *STACK, "--format", "json"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert '"passed": true' in done.stdout
    # the blocker works in the child that runs the program: a program importing numpy fails
    (tmp_path / "prog").mkdir()
    (tmp_path / "prog" / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    (tmp_path / "prog" / "Pulumi.prod.yaml").write_text("config: {}\n")
    (tmp_path / "prog" / "__main__.py").write_text("import numpy\n")
    done = without(blocked, ["check", str(tmp_path / "prog"), *STACK[1:]], tmp_path)
    assert done.returncode == 2 and "numpy" in done.stderr

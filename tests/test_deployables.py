"""The folders the Pulumi CLI installs and runs: components/ (a plugin), policies/ (a policy
pack) and stacks/ (the program). Each installs what it needs the way the Python language host
does it (`pip install -r requirements.txt` with the folder as working directory, into the
virtualenv its project file names) without any quotapilot release from a package index."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from quotapilot._version import __version__

ROOT = Path(__file__).resolve().parent.parent
WHEEL = f"quotapilot-{__version__}-py3-none-any.whl"


def requirement_lines(folder: Path) -> list[str]:
    lines = (folder / "requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def resolve_offline(folder: Path) -> subprocess.CompletedProcess:
    """What the language host runs, with no index: anything it can't find locally fails."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--quiet",
            "--report",
            "-",
            "-r",
            "requirements.txt",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("folder", ["components", "policies", "stacks"])
def test_quotapilot_never_comes_from_an_index(folder):
    for line in requirement_lines(ROOT / folder):
        if "quotapilot" in line or line.startswith(("..", "-e")):
            assert line.startswith(("..", "./", "-e ..")), line  # a path, not a name


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["components", "stacks"])
def test_checkout_requirements_resolve_to_this_package(folder):
    done = resolve_offline(ROOT / folder)
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"name": "quotapilot"' in done.stdout and f'"version": "{__version__}"' in done.stdout


@pytest.mark.slow
def test_the_policy_pack_installs_from_the_wheel_it_ships(tmp_path):
    pack = tmp_path / "policies"  # as `pulumi policy publish` ships it: the folder alone
    shutil.copytree(ROOT / "policies", pack, ignore=shutil.ignore_patterns("venv", "wheels"))
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(pack / "wheels"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    assert [p.name for p in (pack / "wheels").iterdir()] == [WHEEL]
    assert f"./wheels/{WHEEL}[gcp]" in requirement_lines(pack)
    done = resolve_offline(pack)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f'"version": "{__version__}"' in done.stdout


def test_project_files_name_the_virtualenv_their_installs_use():
    policy = yaml.safe_load((ROOT / "policies" / "PulumiPolicy.yaml").read_text())
    assert policy["version"] == __version__  # `pulumi policy publish` publishes this version
    # the CLI runs a local pack with the virtualenv the project names, and installs into venv/
    assert policy["runtime"]["options"]["virtualenv"] == "venv"
    plugin = yaml.safe_load((ROOT / "components" / "PulumiPlugin.yaml").read_text())
    assert plugin["runtime"]["options"]["virtualenv"] == "venv"
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["runtime"]["options"]["toolchain"] == "pip"
    # the language host reads requirements.txt from the program's folder, not the root
    assert (ROOT / project["main"] / "requirements.txt").is_file()
    for folder in ("components", "policies"):
        assert "venv/" in (ROOT / folder / ".gitignore").read_text()  # never published

"""What the wheel holds is what users import.

Builds the wheel as a release would (hatchling, the project's own configuration), then checks
its contents against the source tree and runs the gate from the unpacked wheel, outside the
repository: the stack's QuotaAutomation needs its handlers from the package, not from a
checkout.
"""

from __future__ import annotations

import email
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from quotapilot._version import __version__

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "quotapilot"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    [built] = out.glob("quotapilot-*.whl")
    return built


def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        return email.message_from_bytes(
            archive.read(f"quotapilot-{__version__}.dist-info/METADATA")
        )


def test_the_wheel_holds_every_file_of_the_package(wheel):
    source = {
        p.relative_to(ROOT).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    held = names(wheel)
    assert source - held == set()
    for needed in (
        "quotapilot/handlers/engine.py",
        "quotapilot/handlers/events.py",
        "quotapilot/handlers/approval.py",
        "quotapilot/gate/rego/quota.rego",
        "quotapilot/catalogue/data/ec2_instance_types.json",
        "quotapilot/catalogue/data/gcp_machine_types.json",
    ):
        assert needed in held
    top = {name.split("/")[0] for name in held}
    assert top == {"quotapilot", f"quotapilot-{__version__}.dist-info"}


def test_the_core_requirements_are_lean_and_the_rest_are_extras(wheel):
    meta = metadata(wheel)
    assert meta["Version"] == __version__
    assert set(meta.get_all("Provides-Extra")) >= {"engine", "gcp", "plot", "opa", "dev"}
    core = [r for r in meta.get_all("Requires-Dist") if "extra ==" not in r]
    core_names = {r.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip() for r in core}
    assert core_names == {
        "pulumi",
        "pulumi-aws",
        "pulumi-policy",
        "boto3",
        "typer",
        "rich",
        "pyyaml",
        "pydantic",
        "regopy",
    }
    typer = next(r for r in core if r.startswith("typer"))
    assert "<" in typer  # a tested range, not whatever comes next


def test_the_gate_runs_from_the_unpacked_wheel_outside_the_repository(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}  # ahead of the editable install
    where = subprocess.run(
        [sys.executable, "-c", "import quotapilot; print(quotapilot.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert where.stdout.strip() == str(site / "quotapilot" / "__init__.py")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "quotapilot",
            "check",
            str(ROOT / "stacks"),
            "--stack",
            "prod",
            "--quotas",
            str(ROOT / "examples/quotas/prod.yaml"),
            "--baseline",
            str(ROOT / "examples/quotas/loadtest.yaml"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"passed": true' in done.stdout


def test_a_lambda_package_builds_from_the_unpacked_wheel_into_the_user_cache(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    env = {**os.environ, "PYTHONPATH": str(site), "QUOTAPILOT_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "quotapilot", "package", "approval"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    built = Path(done.stdout.strip().removeprefix("approval="))
    assert built.parent == tmp_path / "cache"
    with zipfile.ZipFile(built) as archive:
        held = set(archive.namelist())
    assert {
        "handler.py",
        "quotapilot/handlers/approval.py",
        "quotapilot/gate/rego/quota.rego",
    } <= held
    after = sorted(p.relative_to(site) for p in site.rglob("*") if "__pycache__" not in p.parts)
    assert after == [p for p in before if "__pycache__" not in p.parts]  # site untouched

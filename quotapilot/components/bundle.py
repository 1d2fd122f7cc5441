"""Lambda deployment packages: one deterministic zip per function.

A package holds the function's handler, the ``quotapilot`` package and the runtime
dependencies the Lambda code imports, installed for the Lambda platform
(``pip install --platform manylinux2014_x86_64 --only-binary=:all:``). boto3/botocore are
left out: the python3.11 runtime ships them. Entries are sorted with fixed timestamps and
modes, so the same sources always give the same bytes (and Pulumi sees no change).

While the gate reads a plan offline (``QUOTAPILOT_OFFLINE_PLAN=1``) nothing is built: the
function gets a small archive of its handler source instead.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from quotapilot import wiring
from quotapilot.exceptions import ConfigurationError

ROOT = Path(__file__).resolve().parents[2]
LAMBDAS = ROOT / "lambdas"
PACKAGE = ROOT / "quotapilot"
#: What the Lambda code imports besides the standard library and boto3.
RUNTIME_REQUIREMENTS = ("aws-lambda-powertools>=3,<4", "pydantic>=2.6,<3", "pyyaml>=6,<7")
#: Only the engine forecasts; the other functions stay small and start fast.
FORECAST_REQUIREMENTS = ("numpy>=1.26,<3", "scikit-learn>=1.4,<2")


def requirements(function: str) -> tuple[str, ...]:
    extra = FORECAST_REQUIREMENTS if function == wiring.FUNCTION_ENGINE else ()
    return RUNTIME_REQUIREMENTS + extra


FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def offline() -> bool:
    return os.environ.get(wiring.ENV_OFFLINE_PLAN) == "1"


def handler_file(function: str) -> Path:
    path = LAMBDAS / function / "handler.py"
    if not path.is_file():
        raise ConfigurationError("no handler for this function", function=function, path=str(path))
    return path


def source_digest(function: str) -> str:
    """A hash of everything that goes into the package except third-party wheels."""
    digest = hashlib.sha256()
    digest.update("\n".join(requirements(function)).encode())
    digest.update(handler_file(function).read_bytes())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def write_zip(source: Path, target: Path) -> None:
    """Zip ``source`` deterministically: sorted entries, fixed times, 0o644 files."""
    files = sorted(
        (p for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts),
        key=lambda p: p.relative_to(source).as_posix(),
    )
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(str(path.relative_to(source)).replace(os.sep, "/"), FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    tmp.replace(target)  # never a half-written package


def build(function: str, out_dir: Path | None = None, *, pip_args: tuple[str, ...] = ()) -> Path:
    """Build (or reuse, by content hash) the package for ``function``; returns the zip."""
    out_dir = out_dir or LAMBDAS / "dist"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{function}-{source_digest(function)}.zip"
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory(prefix=f"quotapilot-{function}-") as scratch:
        staging = Path(scratch) / "package"
        staging.mkdir()
        command = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--target",
            str(staging),
            "--platform",
            "manylinux2014_x86_64",
            "--implementation",
            "cp",
            "--python-version",
            "3.11",
            "--only-binary=:all:",
            *pip_args,
            *requirements(function),
        ]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise ConfigurationError(
                "could not install the Lambda dependencies: " + done.stderr.strip()[-400:],
                function=function,
            )
        shutil.copytree(
            PACKAGE,
            staging / "quotapilot",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "data_cache"),
        )
        shutil.copy2(handler_file(function), staging / "handler.py")
        write_zip(staging, target)
    return target

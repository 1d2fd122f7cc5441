"""Lambda deployment packages: one deterministic zip per function.

A package holds the function's entry point (``quotapilot.handlers.<function>``, copied to
``handler.py`` at the zip's root), the ``quotapilot`` package and the runtime dependencies the
Lambda code imports, installed for the Lambda platform (``pip install --platform
manylinux2014_x86_64 --only-binary=:all:``). boto3/botocore are left out: the python3.11
runtime ships them. What a function never loads (tests, type stubs, C headers, sample data
sets) is pruned, which keeps the engine's package under its budget. Entries are sorted with
fixed timestamps and modes, so the same sources always give the same bytes (and Pulumi sees
no change).

Packages are built in a per-user cache (``$QUOTAPILOT_CACHE_DIR``, else
``$XDG_CACHE_HOME/quotapilot`` or ``~/.cache/quotapilot``), never inside site-packages, which
may be read-only and is shared by every program using the install.

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
from quotapilot.components import pruning
from quotapilot.exceptions import ConfigurationError

#: The installed package, wherever pip put it: its files go into every Lambda package.
PACKAGE = Path(__file__).resolve().parents[1]
HANDLERS = PACKAGE / "handlers"
#: What the Lambda code imports besides the standard library and boto3.
RUNTIME_REQUIREMENTS = ("aws-lambda-powertools>=3,<4", "pydantic>=2.6,<3", "pyyaml>=6,<7")
#: Only the engine forecasts; the other functions stay small and start fast.
FORECAST_REQUIREMENTS = ("numpy>=1.26,<3", "scikit-learn>=1.4,<2")
#: Lambda's hard limit is 250 MB unzipped (function and layers); the engine stays well under.
ENGINE_BUDGET_BYTES = 200 * 10**6

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
ENV_CACHE_DIR = "QUOTAPILOT_CACHE_DIR"


def requirements(function: str) -> tuple[str, ...]:
    extra = FORECAST_REQUIREMENTS if function == wiring.FUNCTION_ENGINE else ()
    return RUNTIME_REQUIREMENTS + extra


def offline() -> bool:
    return os.environ.get(wiring.ENV_OFFLINE_PLAN) == "1"


def cache_dir() -> Path:
    """Where packages are built and kept between runs."""
    if os.environ.get(ENV_CACHE_DIR):
        return Path(os.environ[ENV_CACHE_DIR]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "quotapilot" / "lambda"


def handler_file(function: str) -> Path:
    if function not in wiring.ALL_FUNCTIONS:
        raise ConfigurationError(
            f"no such function; one of {', '.join(wiring.ALL_FUNCTIONS)}", function=function
        )
    path = HANDLERS / f"{function}.py"
    if not path.is_file():  # a broken install: say where we looked
        raise ConfigurationError("no handler for this function", function=function, path=str(path))
    return path


def _package_files() -> list[Path]:
    return sorted(
        (p for p in PACKAGE.rglob("*") if p.is_file() and not _is_cache(p)),
        key=lambda p: p.relative_to(PACKAGE).as_posix(),
    )


def _is_cache(path: Path) -> bool:
    return "__pycache__" in path.parts or path.suffix == ".pyc"


def source_digest(function: str) -> str:
    """A hash of everything that goes into the package except third-party wheels."""
    digest = hashlib.sha256()
    digest.update("\n".join(requirements(function)).encode())
    digest.update(handler_file(function).read_bytes())
    for path in _package_files():
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def write_zip(source: Path, target: Path) -> None:
    """Zip ``source`` deterministically: sorted entries, fixed times, 0o644 files."""
    files = sorted(
        (p for p in source.rglob("*") if p.is_file() and not _is_cache(p)),
        key=lambda p: p.relative_to(source).as_posix(),
    )
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(source).as_posix(), FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    tmp.replace(target)  # never a half-written package


def _install(function: str, staging: Path, pip_args: tuple[str, ...]) -> None:
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-compile",  # the zip never holds bytecode compiled for this machine's Python
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


def build(function: str, out_dir: Path | None = None, *, pip_args: tuple[str, ...] = ()) -> Path:
    """Build (or reuse, by content hash) the package for ``function``; returns the zip."""
    out_dir = out_dir or cache_dir()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigurationError(
            f"cannot create the package cache ({error.strerror}); set {ENV_CACHE_DIR}",
            path=str(out_dir),
        ) from None
    target = out_dir / f"{function}-{source_digest(function)}.zip"
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory(prefix=f"quotapilot-{function}-") as scratch:
        staging = Path(scratch) / "package"
        staging.mkdir()
        _install(function, staging, pip_args)
        pruning.prune(staging)
        shutil.copytree(
            PACKAGE,
            staging / "quotapilot",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "data_cache"),
        )
        shutil.copy2(handler_file(function), staging / "handler.py")
        write_zip(staging, target)
    return target

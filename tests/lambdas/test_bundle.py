"""The Lambda packages: deterministic, and each handler imports from its unzipped package
in a clean interpreter that has only the standard library and what the python3.11 Lambda
runtime provides (boto3 and its dependencies)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import boto3
import botocore
import pytest

from quotapilot.components import bundle

pytestmark = pytest.mark.slow
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


@pytest.fixture(scope="module")
def runtime_dir(tmp_path_factory):
    """What the Lambda python3.11 runtime ships besides the standard library."""
    target = tmp_path_factory.mktemp("lambda-runtime")
    site = Path(boto3.__file__).parent.parent
    assert Path(botocore.__file__).parent.parent == site
    for name in RUNTIME_PROVIDED:
        source = site / name if (site / name).exists() else site / f"{name}.py"
        (target / source.name).symlink_to(source)
    return target


@pytest.fixture(scope="module")
def approval_zip(tmp_path_factory):
    return bundle.build("approval", tmp_path_factory.mktemp("dist"))


def test_packages_are_deterministic(approval_zip, tmp_path):
    again = tmp_path / "again"
    again.mkdir()
    approval_zip.rename(again / approval_zip.name)  # force a rebuild next to it
    rebuilt = bundle.build("approval", approval_zip.parent)
    assert (
        hashlib.sha256(rebuilt.read_bytes()).hexdigest()
        == hashlib.sha256((again / approval_zip.name).read_bytes()).hexdigest()
    )
    with zipfile.ZipFile(rebuilt) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names) and "handler.py" in names
    assert {i.date_time for i in infos} == {bundle.FIXED_TIME}
    assert not any(n.startswith(("boto3/", "botocore/")) for n in names)  # runtime provides


def test_handler_imports_from_its_package_alone(approval_zip, runtime_dir, tmp_path):
    unpacked = tmp_path / "task"
    with zipfile.ZipFile(approval_zip) as archive:
        archive.extractall(unpacked)
    code = (
        f"import sys; sys.path[:0] = [{str(unpacked)!r}, {str(runtime_dir)!r}]; "
        "import handler; print(callable(handler.handler))"
    )
    env = {"AWS_DEFAULT_REGION": "us-east-1", "POWERTOOLS_SERVICE_NAME": "quotapilot"}
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "True"

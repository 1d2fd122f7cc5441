"""The Lambda packages: deterministic, built outside the installed package, within budget,
and each handler imports (the engine forecasts) from its unzipped package in a clean
interpreter that has only the standard library and what the python3.11 Lambda runtime
provides (boto3 and its dependencies)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import boto3
import botocore
import pytest

from quotapilot import wiring
from quotapilot.components import bundle, pruning
from quotapilot.exceptions import ConfigurationError

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


@pytest.mark.slow
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


@pytest.mark.slow
def test_handler_imports_from_its_package_alone(approval_zip, runtime_dir, tmp_path):
    unpacked = tmp_path / "task"
    with zipfile.ZipFile(approval_zip) as archive:
        archive.extractall(unpacked)
    done = run_alone(unpacked, runtime_dir, "import handler; print(callable(handler.handler))")
    assert done.stdout.strip() == "True"


@pytest.mark.slow
def test_the_collector_imports_from_its_package_alone(runtime_dir, tmp_path):
    """The fan-out's collector: no forecaster in its package, and none needed at import."""
    built = bundle.build(wiring.FUNCTION_COLLECTOR, tmp_path / "dist")
    unpacked = tmp_path / "task"
    with zipfile.ZipFile(built) as archive:
        archive.extractall(unpacked)
        names = archive.namelist()
    assert not any(n.startswith(("numpy/", "sklearn/", "scipy/")) for n in names)
    check = "import sys, handler; print(callable(handler.handler), 'numpy' in sys.modules)"
    done = run_alone(unpacked, runtime_dir, check)
    assert done.stdout.split() == ["True", "False"]


def run_alone(unpacked: Path, runtime: Path, code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in an isolated interpreter that sees only the package and the runtime."""
    code = f"import sys; sys.path[:0] = [{str(unpacked)!r}, {str(runtime)!r}]\n" + code
    env = {"AWS_DEFAULT_REGION": "us-east-1", "POWERTOOLS_SERVICE_NAME": "quotapilot"}
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


FORECAST = """
import handler
from quotapilot.domain import QuotaKey
from quotapilot.engine.decision.forecasting import engine_forecaster
from quotapilot.forecast.base import Series
times = [i * 300.0 for i in range(288)]
series = Series(QuotaKey("aws", "lambda", "L-B99A9384", "us-east-1"), times,
                [100.0 + t / 600 for t in times], 1000.0)
[forecast] = engine_forecaster().forecast([series], 86400.0)
print(forecast.method, forecast.predicted > series.values[-1])
"""


@pytest.mark.slow
def test_engine_package_is_within_budget_and_forecasts_from_its_package_alone(
    runtime_dir, tmp_path
):
    package = bundle.build(wiring.FUNCTION_ENGINE, tmp_path / "dist")
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        unzipped = sum(i.file_size for i in archive.infolist())
        archive.extractall(tmp_path / "task")
    assert unzipped <= bundle.ENGINE_BUDGET_BYTES, f"{unzipped / 1e6:.1f} MB"
    assert not [n for n in names if pruning.prunable(n)]
    assert "sklearn/linear_model/_ridge.py" in names and "handler.py" in names
    done = run_alone(tmp_path / "task", runtime_dir, FORECAST)
    method, grows = done.stdout.split()
    assert method != "current" and grows == "True"  # the real forecaster, not the fallback


@pytest.mark.parametrize(
    ("path", "pruned"),
    [
        ("scipy/sparse/tests/test_base.py", True),
        ("numpy/__init__.pyi", True),
        ("numpy/_core/include/numpy/ndarraytypes.h", True),
        ("sklearn/_loss/_loss.pyx", True),
        ("sklearn/datasets/data/iris.csv", True),
        ("pydantic/py.typed", True),
        ("sklearn/utils/_repr_html/estimator.css", False),  # read at import
        ("sklearn/externals/array_api_compat/README.md", True),
        ("numpy/random/LICENSE.md", False),  # licences travel with the code
        ("numpy/_core/tests/_natype.py", False),  # numpy.testing imports it
        ("numpy/testing/__init__.py", False),
        ("sklearn/linear_model/_ridge.py", False),
        ("scipy.libs/libscipy_openblas-b75cc656.so", False),
        ("numpy-2.4.6.dist-info/METADATA", False),
        ("numpy-2.4.6.dist-info/licenses/LICENSE.txt", False),
    ],
)
def test_pruning_drops_only_what_no_function_loads(path, pruned):
    assert pruning.prunable(path) is pruned


def test_packages_are_built_in_a_cache_outside_the_installed_package(monkeypatch, tmp_path):
    monkeypatch.delenv(bundle.ENV_CACHE_DIR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert bundle.cache_dir() == tmp_path / "xdg" / "quotapilot" / "lambda"
    monkeypatch.setenv(bundle.ENV_CACHE_DIR, str(tmp_path / "mine"))
    assert bundle.cache_dir() == tmp_path / "mine"
    assert bundle.PACKAGE not in bundle.cache_dir().parents


def test_every_function_has_its_entry_point_in_the_package():
    for function in wiring.ALL_FUNCTIONS:
        path = bundle.handler_file(function)
        assert path.parent == bundle.PACKAGE / "handlers"
    with pytest.raises(ConfigurationError, match="no such function"):
        bundle.handler_file("../../etc/passwd")


def test_an_unwritable_cache_is_one_clear_error(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigurationError, match="package cache"):
        bundle.build(wiring.FUNCTION_APPROVAL, blocker / "dist")

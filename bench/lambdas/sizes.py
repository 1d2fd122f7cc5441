"""Lambda package sizes and cold import times.

    .venv/bin/python -m bench.lambdas.sizes --repeat 5

Builds each function's package, unzips it, and times ``import handler`` in a clean
interpreter (standard library + the runtime's boto3 only), side by side with the baseline
every python3.11 function pays: ``import boto3`` in the same kind of interpreter.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import boto3

from quotapilot import wiring
from quotapilot.components import bundle

RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


def runtime_dir(target: Path) -> Path:
    site = Path(boto3.__file__).parent.parent
    for name in RUNTIME_PROVIDED:
        source = site / name if (site / name).exists() else site / f"{name}.py"
        (target / source.name).symlink_to(source)
    return target


def cold_import(paths: list[Path], module: str) -> float:
    code = f"import sys; sys.path[:0] = {[str(p) for p in paths]!r}; import {module}"
    env = {"AWS_DEFAULT_REGION": "us-east-1", "POWERTOOLS_SERVICE_NAME": "quotapilot"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr[-1500:])
    return elapsed


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    budget = bundle.ENGINE_BUDGET_BYTES / 1e6
    print(f"Engine budget: {budget:.0f} MB unzipped (Lambda's hard limit: 250 MB)")
    print("| function | zip | unzipped | cold `import handler` | baseline `import boto3` | ratio |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "runtime").mkdir()
        runtime = runtime_dir(Path(scratch) / "runtime")
        for function in wiring.FUNCTIONS:
            package = bundle.build(function)
            unpacked = Path(scratch) / function
            with zipfile.ZipFile(package) as archive:
                archive.extractall(unpacked)
                unzipped = sum(i.file_size for i in archive.infolist())
            handler, baseline = [], []
            for _ in range(args.repeat):  # interleaved: the machine's noise hits both
                handler.append(cold_import([unpacked, runtime], "handler"))
                baseline.append(cold_import([runtime], "boto3"))
            h, b = statistics.median(handler), statistics.median(baseline)
            print(
                f"| {function} | {package.stat().st_size / 2**20:.1f} MiB | "
                f"{unzipped / 1e6:.1f} MB | {h:.2f} s | {b:.2f} s | {h / b:.1f}x |"
            )
            if function == wiring.FUNCTION_ENGINE:
                # the first cycle also loads the forecaster's model code
                model = statistics.median(
                    cold_import(
                        [unpacked, runtime],
                        "handler, quotapilot.forecast.model, sklearn.linear_model",
                    )
                    for _ in range(args.repeat)
                )
                print(
                    f"| engine, first forecast (+ scikit-learn) | | | {model:.2f} s | "
                    f"{b:.2f} s | {model / b:.1f}x |"
                )


if __name__ == "__main__":
    main()

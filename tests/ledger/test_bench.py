"""The benchmark script runs end to end on a tiny input (its figures are in BENCHMARKS.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "ledger" / "bench_ledger.py"


@pytest.mark.slow
def test_the_benchmark_runs_and_the_exact_design_never_over_admits():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--processes", "2", "--attempts", "10"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines()[2:]}
    assert set(rows) == {"naive", "exact"}
    # design, applies/s, ratio, accepted, over limit: the limit is half of 2 x 10 attempts.
    assert rows["exact"][3:] == ["10", "0"]


@pytest.mark.slow
def test_the_before_design_runs_a_second_tree_side_by_side(tmp_path):
    with pytest.raises(subprocess.CalledProcessError):  # a tree without quotapilot/ledger
        subprocess.run(
            [sys.executable, str(SCRIPT), "--before", str(tmp_path)],
            capture_output=True,
            check=True,
            timeout=60,
        )
    root = SCRIPT.parents[2]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--processes", "2", "--attempts", "10", "--before", root],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines()[2:]}
    assert set(rows) == {"naive", "exact", "before"}
    assert rows["before"][3:] == ["10", "0"]

"""The engine benchmark runs (tiny input); the figures themselves live in bench/BENCHMARKS.md."""

from __future__ import annotations

from bench.engine.cycle_bench import main


def test_benchmark_runs_on_a_tiny_input(capsys):
    result = main(
        ["--quotas", "30", "--points", "20", "--baseline-sample", "3", "--n-estimators", "5"]
    )
    assert result["ours"] > 0 and result["baseline"] > 0
    assert "ratio (reference / quotapilot)" in capsys.readouterr().out

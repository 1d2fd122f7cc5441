"""The calls-per-quota benchmark runs on a tiny input and its counts add up."""

from __future__ import annotations

from bench.sources.calls_per_quota import main, run


def test_benchmark_counts_calls_for_both_approaches():
    figures = run(quotas=30, services=3, unapplied_share=0.2)
    assert figures["quotas"] == 30
    # Per service one ListServiceQuotas and one ListAWSDefaultServiceQuotas, one GetMetricData.
    assert figures["source_by_operation"] == {
        "GetMetricData": 1,
        "ListAWSDefaultServiceQuotas": 3,
        "ListServiceQuotas": 3,
    }
    # Naive: a GetServiceQuota and a GetMetricData per quota, a default lookup for 2 per service.
    assert figures["naive_calls"] == 30 + 30 + 6
    assert figures["ratio"] == figures["naive_calls"] / 7


def test_benchmark_cli_reports_the_target(capsys):
    assert main(["--quotas", "40", "--services", "2", "--target", "1"]) == 0
    out = capsys.readouterr().out
    assert "fewer calls" in out and "met" in out
    assert main(["--quotas", "40", "--services", "2", "--target", "0.001"]) == 1

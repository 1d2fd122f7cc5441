"""The fan-out simulation (bench/fanout): deterministic, and its rate, loss and concurrency
claims hold on small organisations."""

from __future__ import annotations

import bisect
from dataclasses import replace

import pytest

from bench.fanout.des import TokenBucket
from bench.fanout.figures import APIS, Params
from bench.fanout.paths import run_fanout, run_single
from bench.fanout.simulate import main

SMALL = Params(accounts=30, regions=2, max_concurrency=20, batch=4, seed=7)


def most_in_one_second(times: list[float]) -> int:
    """The most timestamps falling in any window [t, t + 1)."""
    times = sorted(times)
    return max((bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times)), default=0)


def fingerprint(run) -> tuple:
    return (
        run.wall,
        run.collection,
        tuple(sorted(run.collected.items())),
        tuple(sorted(run.calls.items())),
        round(run.gb_seconds, 9),
        run.transitions,
        run.failed_invocations,
    )


def test_a_seed_decides_the_run():
    assert fingerprint(run_fanout(SMALL)) == fingerprint(run_fanout(SMALL))
    assert fingerprint(run_single(SMALL)) == fingerprint(run_single(SMALL))
    assert fingerprint(run_fanout(SMALL)) != fingerprint(run_fanout(replace(SMALL, seed=8)))


def test_the_window_check_sees_a_burst():
    # The helper the next test relies on counts a window's calls, not calls per second.
    assert most_in_one_second([0.0, 0.5, 0.99, 1.0, 1.98]) == 3
    bucket = TokenBucket(rate=10, capacity=10)
    admitted = [t / 100 for t in range(300) if bucket.try_take(t / 100)]
    # Capacity + one second of refill, less the token that lands on the window's open end.
    assert most_in_one_second(admitted) == 19


def test_no_bucket_admits_more_than_its_rate_and_burst_in_any_second():
    # Eight calls at a time per shard, so the limiters bind; no injected failures.
    params = replace(SMALL, threads=8, failure_rate=0.0)
    run = run_fanout(params)
    busiest = 0
    for key, times in run.aws.admitted.items():
        spec = APIS[key[0]]
        if spec.rate == float("inf"):
            continue
        assert most_in_one_second(times) <= spec.burst + spec.rate, key
        if key[0] == "ListServiceQuotas":
            busiest = max(busiest, most_in_one_second(times))
    # The check is not vacuous: the Service Quotas buckets were driven past their steady rate.
    assert busiest > APIS["ListServiceQuotas"].rate
    # Our own limiters sent just under the documented rates: no shard-scoped call throttled.
    shard_apis = {name for name, spec in APIS.items() if spec.scope == "shard"}
    assert not {api for api, n in run.throttles.items() if n and api in shard_apis}
    for client in run.clients:
        for key, times in client.sent.items():
            spec = APIS[key[0]]
            if spec.scope == "shard":
                limit = (spec.burst + spec.rate) * params.client_rate_factor
                assert most_in_one_second(times) <= limit + 1e-9, key


def test_retries_keep_every_shard_at_five_percent_failures():
    params = replace(Params(accounts=100, regions=4), failure_rate=0.05)
    run = run_fanout(params)
    assert run.failed_invocations > 0  # failures were injected, and retried away
    assert run.lost == 0 and not run.map_failed
    assert len(run.collected) == 400


def test_without_retries_failures_lose_shards():
    params = replace(Params(accounts=100, regions=4), failure_rate=0.2, retries=0)
    run = run_fanout(params)
    assert run.lost > 0


def test_the_single_engine_grows_linearly_with_accounts():
    walls = {n: run_single(replace(SMALL, accounts=n, regions=4)).wall for n in (10, 20, 40)}
    assert walls[20] / walls[10] == pytest.approx(2.0, rel=0.1)
    assert walls[40] / walls[20] == pytest.approx(2.0, rel=0.1)


def test_the_single_engine_stops_at_900_seconds():
    run = run_single(Params(accounts=100, regions=4), until=900)
    assert run.wall is None and 0 < len(run.collected) < 400


@pytest.mark.parametrize(
    ("max_concurrency", "account_concurrency", "batch"),
    [(50, 1000, 1), (10_000, 60, 1), (8, 1000, 10)],
)
def test_concurrency_stays_within_the_map_and_the_account(
    max_concurrency, account_concurrency, batch
):
    params = Params(
        accounts=50,
        regions=4,
        max_concurrency=max_concurrency,
        account_concurrency=account_concurrency,
        batch=batch,
        throttle_retries=12,
    )
    run = run_fanout(params)
    assert run.peak_children <= max_concurrency
    assert max(running for _, running in run.lambdas.trace) <= account_concurrency
    assert run.peak_concurrency <= min(max_concurrency, account_concurrency)
    if account_concurrency < max_concurrency:
        assert run.lambda_throttles > 0  # the account's limit, not the Map's, held it


def test_cli_reports_both_paths_and_the_targets(capsys):
    code = main(["--accounts", "20", "--regions", "2", "--batch", "5", "--seed", "3"])
    out = capsys.readouterr().out
    assert code == 0
    assert "fan-out / single" in out and "largest organisation it finishes" in out
    assert out.count("PASS") == 3

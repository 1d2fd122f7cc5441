"""Property tests of the roll-up arithmetic against a plain-Python model, on both backends.

Random trees (paths over a small alphabet, so operations collide on shared ancestors), random
limits, and random sequences of applies, absolute sets and compactions. After every step the
ledger must agree with the model; at the end every scope's usage is the sum of its subtree's,
never negative and never past its limit.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotapilot.ledger import QuotaExceeded
from quotapilot.ledger.paths import lineage

QUOTAS = ("cpu", "mem")
paths = st.lists(st.sampled_from("ab"), min_size=1, max_size=3).map(
    lambda segments: "/".join(["r", *segments])
)
limits = st.dictionaries(
    st.tuples(st.one_of(st.just("r"), paths), st.sampled_from(QUOTAS)),
    st.integers(min_value=0, max_value=25),
    max_size=6,
)
amounts = st.dictionaries(
    st.sampled_from(QUOTAS), st.integers(min_value=-8, max_value=12), min_size=1
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("apply"), paths, amounts),
        st.tuples(st.just("set"), paths, amounts.map(lambda d: {q: abs(v) for q, v in d.items()})),
        st.tuples(st.just("compact"), st.just("r"), st.just({})),
    ),
    max_size=25,
)

#: moto answers in milliseconds, SQLite in microseconds: fewer examples keep both quick.
EXAMPLES = {"sqlite": 100, "dynamodb": 20}

Own = dict[tuple[str, str], float]


def model_usage(own: Own, scope: str, quota: str) -> float:
    return sum(v for (s, q), v in own.items() if q == quota and scope in lineage(s))


def model_deltas(own: Own, kind: str, scope: str, values: dict[str, int]) -> dict[str, float]:
    """What the ledger should record: clamped releases, compensations for absolute sets."""
    expected = {}
    for quota, amount in values.items():
        held = own.get((scope, quota), 0)
        release = max(amount, -held) if amount < 0 else amount
        delta = amount - held if kind == "set" else release
        if delta:
            expected[quota] = delta
    return expected


def test_roll_up_and_limits_match_the_model(make_ledger, backend):
    settings(
        max_examples=EXAMPLES[backend],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )(given(limits=limits, operations=operations)(check_against_model))(make_ledger)


def check_against_model(make_ledger, limits, operations):
    ledger = make_ledger()
    for (scope, quota), limit in limits.items():
        ledger.set_limit(scope, quota, limit)
    own: Own = {}
    touched: set[str] = {"r"}

    def snapshot():
        return {(s, q): ledger.usage(s, q) for s in touched for q in QUOTAS}

    for kind, scope, values in operations:
        touched.update(lineage(scope))
        if kind == "compact":
            before = snapshot()
            ledger.compact(datetime.now(UTC) + timedelta(seconds=1))
            assert snapshot() == before  # compaction preserves every sum
            continue
        expected = model_deltas(own, kind, scope, values)
        over = any(
            delta > 0
            and limits.get((node, quota)) is not None
            and model_usage(own, node, quota) + delta > limits[(node, quota)]
            for quota, delta in expected.items()
            for node in lineage(scope)
        )
        write = ledger.set_usage if kind == "set" else ledger.apply
        if over:
            before = snapshot()
            try:
                write(scope, values)
            except QuotaExceeded as error:
                assert error.usage + error.delta > error.limit
            else:
                raise AssertionError(f"{kind} {values} at {scope} should have been refused")
            assert snapshot() == before  # a rejected write leaves no trace
            continue
        assert write(scope, values) == expected
        for quota, delta in expected.items():
            own[(scope, quota)] = own.get((scope, quota), 0) + delta

    for node in touched:
        assert ledger.own_usage(node) == {q: v for (s, q), v in own.items() if s == node and v}
        for quota in QUOTAS:
            usage = ledger.usage(node, quota)
            assert usage == model_usage(own, node, quota)  # ancestor = sum of its subtree
            assert usage >= 0
            limit = limits.get((node, quota))
            if limit is not None:
                assert usage <= limit
            history = ledger.history(node, quota)
            assert sum(d.amount for d in history) == own.get((node, quota), 0)

"""The conformance corpus: programs in the shapes people write (tests/programs/), each with
the demand per quota counted by hand in its expected.yaml. The gate must agree exactly.

expected.yaml holds ``demand`` (quota key -> amount; for a quota AWS applies per parent
object, the busiest parent's demand), optionally ``stack`` (default ``dev``), ``config``
(``KEY=VALUE`` overrides, as ``--config`` takes them), ``unknown`` (the names of the
resources whose demand the gate must report as unknown) and ``notes`` (substrings of the
reports the gate must make about lookups, stack references and components it can't see into).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from quotapilot.gate.facts import sum_demands
from quotapilot.gate.program import read_plan

CORPUS = Path(__file__).resolve().parents[1] / "programs"
PROGRAMS = sorted(p.parent for p in CORPUS.glob("*/expected.yaml"))


def _expected(program: Path) -> dict:
    return yaml.safe_load((program / "expected.yaml").read_text())


def _plan(program: Path):
    expected = _expected(program)
    return read_plan(program, expected.get("stack", "dev"), expected.get("config", []))


@pytest.fixture(scope="module")
def plans():
    # Each plan runs in its own interpreter: two at a time keeps the corpus quick on 2 cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(PROGRAMS, pool.map(_plan, PROGRAMS), strict=True))


def test_the_corpus_has_the_shapes_people_write():
    names = {p.name for p in PROGRAMS}
    assert len(names) >= 30
    assert any(n.startswith("gcp-") for n in names) and any(n.startswith("aws-") for n in names)


def computed_demand(plan) -> dict[str, float]:
    regions = {"aws": plan.aws_region, "gcp": plan.gcp_region}
    facts, _ = sum_demands(plan.resources, regions)
    out = {}
    for key, fact in facts.items():
        amount = max((s.demand for s in fact.parents.values()), default=0.0)
        out[str(key)] = round(amount if fact.parents else fact.demand, 6)
    return out


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.name for p in PROGRAMS])
def test_demand_matches_the_hand_count(plans, program):
    expected = _expected(program)
    plan = plans[program]
    want = {str(k): round(float(v), 6) for k, v in (expected.get("demand") or {}).items()}
    assert computed_demand(plan) == want

    regions = {"aws": plan.aws_region, "gcp": plan.gcp_region}
    _, unknown = sum_demands(plan.resources, regions)
    by_name = {r.urn: r.name for r in plan.resources}
    assert sorted(by_name.get(urn, urn) for urn in unknown) == sorted(expected.get("unknown", []))

    for note in expected.get("notes", []):
        assert any(note in said for said in plan.lookups), (note, plan.lookups)
    if not expected.get("notes"):
        assert plan.lookups == []

"""The conformance corpus in Terraform: where a program in tests/programs/ also has a
``terraform/`` version (main.tf, and the plan.json `terraform show -json` gives for it,
written by hand), its plan must give exactly the demand counted for the Pulumi program."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from quotapilot.gate.facts import release, sum_demands
from quotapilot.gate.terraform import read_terraform_plan

CORPUS = Path(__file__).resolve().parents[2] / "programs"
BOTH = sorted(p.parent.parent for p in CORPUS.glob("*/terraform/plan.json"))


def test_the_corpus_has_terraform_versions_of_both_clouds():
    names = [p.name for p in BOTH]
    assert len(names) >= 4
    assert any(n.startswith("aws-") for n in names) and any(n.startswith("gcp-") for n in names)
    for program in BOTH:
        assert (program / "terraform" / "main.tf").is_file(), program.name


@pytest.mark.parametrize("program", BOTH, ids=[p.name for p in BOTH])
def test_terraform_gives_the_same_demand_as_pulumi(program, monkeypatch):
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION", "GOOGLE_REGION", "GOOGLE_ZONE"):
        monkeypatch.delenv(variable, raising=False)
    expected = yaml.safe_load((program / "expected.yaml").read_text())
    plan = read_terraform_plan(program / "terraform" / "plan.json")
    regions = {"aws": plan.aws_region, "gcp": plan.gcp_region}
    facts, unknown = sum_demands(plan.resources, regions, plan.existing)
    release(facts, plan.freed, plan.existing, regions, {})
    got = {}
    for key, fact in facts.items():
        amount = max((s.demand for s in fact.parents.values()), default=0.0)
        got[str(key)] = round(amount if fact.parents else fact.demand, 6)
    want = {str(k): round(float(v), 6) for k, v in expected["demand"].items()}
    assert got == want
    assert unknown == {}

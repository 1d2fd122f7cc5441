"""Hand-written plans in Terraform's JSON output format (tests/gate/terraform/plans/): the
demand the gate reads from each, counted by hand in the comments."""

from __future__ import annotations

from pathlib import Path

from quotapilot.gate.check import run_check
from quotapilot.gate.facts import release, sum_demands
from quotapilot.gate.terraform import read_terraform_plan
from quotapilot.sources import open_source

PLANS = Path(__file__).parent / "plans"


def demand(name: str, *config: str) -> tuple[dict[str, float], dict[str, list[str]], dict]:
    """Net demand per quota (a per-parent quota: per parent), unknowns, and what is freed."""
    plan = read_terraform_plan(PLANS / f"{name}.json", list(config))
    regions = {"aws": plan.aws_region, "gcp": plan.gcp_region}
    facts, unknown = sum_demands(plan.resources, regions, plan.existing)
    held: dict = {}
    release(facts, plan.freed, plan.existing, regions, held)
    out: dict[str, float] = {}
    for key, fact in facts.items():
        for parent, share in fact.parents.items():
            out[f"{key} in {parent}"] = round(share.demand, 6)
        if not fact.parents:
            out[str(key)] = round(fact.demand, 6)
    freed = {str(k): round(v.demand, 6) for k, v in held.items() if v.demand}
    return out, unknown, freed


def test_simple_plan_resolves_a_launch_template_known_only_after_apply():
    got, unknown, _ = demand("simple")
    # 4 x m5.large from a template created in the same plan, its id unknown until apply;
    # the region comes from a root variable the provider block references
    assert got == {
        "aws:ec2/L-1216C47A@eu-west-1": 8,
        "aws:autoscaling/L-CDE20ADC@eu-west-1": 1,
        "aws:lambda/L-B99A9384@eu-west-1": 50,
    }
    assert unknown == {}


def test_modules_with_count_for_each_and_outputs_are_all_counted():
    got, unknown, _ = demand("modules")
    # module.app (count 2) x web (for_each a, b): 4 x m5.large; the network module's VPC
    # holds 3 private + 1 public subnet; the NAT gateway's subnet comes through a module
    # output and puts it in eu-west-1a
    vpc = "module.network.aws_vpc.this"
    assert got == {
        "aws:ec2/L-1216C47A@eu-west-1": 8,
        "aws:vpc/L-F678F1CE@eu-west-1": 1,
        f"aws:vpc/L-589F43AA@eu-west-1 in {vpc}": 1,
        f"aws:vpc/L-407747CB@eu-west-1 in {vpc}": 4,
        "aws:ec2/L-0263D0A3@eu-west-1": 1,
        "aws:vpc/L-FE5A380F@eu-west-1 in eu-west-1a": 1,
    }
    assert unknown == {}


def test_count_and_for_each_instances_and_count_index_references():
    got, _, _ = demand("count_for_each")
    # 3 x t3.large; gp3 volumes of 100 and 500 GiB; each NAT gateway in the zone of
    # aws_subnet.zone[count.index]
    assert got == {
        "aws:ec2/L-1216C47A@us-east-2": 6,
        "aws:ebs/L-7A658B76@us-east-2": round(600 / 1024, 6),
        "aws:vpc/L-407747CB@us-east-2 in vpc-0feed": 2,
        "aws:vpc/L-FE5A380F@us-east-2 in us-east-2a": 1,
        "aws:vpc/L-FE5A380F@us-east-2 in us-east-2b": 1,
    }


def test_aliased_providers_and_per_resource_regions():
    got, _, _ = demand("aliased_providers", "aws:region=ap-south-1")
    # default provider us-west-2 (a variable), aws.east us-east-1 (also passed to module.dr),
    # a resource's own region; google's zone europe-west1-b, google.us's region us-central1.
    # --config only fills what the plan leaves unknown: here, nothing.
    assert got == {
        "aws:ec2/L-1216C47A@us-west-2": 2,
        "aws:ec2/L-1216C47A@us-east-1": 4,
        "aws:ec2/L-1216C47A@eu-central-1": 2,
        "aws:lambda/L-B99A9384@us-east-1": 25,
        "gcp:compute.googleapis.com/SSD-TOTAL-GB-per-project-region@europe-west1": 200,
        "gcp:compute.googleapis.com/DISKS-TOTAL-GB-per-project-region@us-central1": 500,
    }


def test_config_fills_a_region_the_plan_leaves_unknown(monkeypatch):
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    got, _, _ = demand("unknown_values", "aws:region=eu-west-3")
    assert all(key.split(" in ")[0].endswith("@eu-west-3") for key in got)
    _, unknown, _ = demand("unknown_values")
    # no region anywhere: regional demand is unknown, never placed in a default region
    assert "no region: set the provider's region" in unknown["aws_ecs_cluster.main"]


def test_update_delete_and_replace_count_the_difference():
    got, unknown, freed = demand("update_delete_replace")
    # vCPUs: app m5.large -> m5.xlarge (+2), group 4 -> 6 x m5.large from an unchanged
    # template (+4), old t3.xlarge deleted (-4): +2. Volume replaced delete-first 100 -> 200
    # GiB: +100. Database replaced create-first: both exist while it runs, +1 and +100 GiB.
    # A deleted topic frees one; the unchanged Lambda function adds nothing.
    assert got == {
        "aws:ec2/L-1216C47A@us-west-2": 2,
        "aws:autoscaling/L-CDE20ADC@us-west-2": 0,
        "aws:ebs/L-7A658B76@us-west-2": round(100 / 1024, 6),
        "aws:rds/L-7B6409FD@us-west-2": 1,
        "aws:rds/L-7ADDB58A@us-west-2": 100,
        "aws:vpc/L-407747CB@us-west-2 in vpc-0aaa": 1,
        "aws:sns/L-61103206@us-west-2": 0,
    }
    assert freed == {"aws:sns/L-61103206@us-west-2": 1}
    assert unknown == {}


def test_unknown_values_are_reported_and_unset_ones_take_the_defaults():
    got, unknown, _ = demand("unknown_values", "aws:region=eu-west-3")
    # instance type from a data source read at apply; shard count from random_integer:
    # unknown. desired_capacity unset (Terraform computes it): min size 2 x c5.large. The
    # service's cluster and task definition are resolved through the configuration.
    assert unknown == {
        "aws_instance.app": ["instanceType is not known until apply"],
        "aws_kinesis_stream.events": ["shardCount is not known until apply"],
    }
    assert got["aws:ec2/L-1216C47A@eu-west-3"] == 4
    assert got["aws:fargate/L-3032A538@eu-west-3"] == 1.5
    assert got["aws:ecs/L-9EF96962@eu-west-3 in aws_ecs_cluster.main"] == 1
    # ingress/egress unset: rules come from separate resources, the group holds none
    assert got["aws:vpc/L-0EA8095F@eu-west-3 in aws_security_group.web"] == 0


def check(plan, path):
    return run_check(
        plan.resources,
        open_source(str(path)),
        freed=plan.freed,
        existing=plan.existing,
        regions={"aws": plan.aws_region},
    )


def test_an_update_blocks_only_on_what_it_adds(snapshot):
    plan = read_terraform_plan(PLANS / "update_delete_replace.json")
    # usable 32 x 0.9 = 28.8: 26 used + the plan's net 2 fits; counting everything the
    # plan touches (app 4 + group 12 vCPUs) would not
    quota = {"service": "ec2", "code": "L-1216C47A", "limit": 32, "usage": 26}
    result = check(plan, snapshot([quota], region="us-west-2"))
    assert [f for f in result.findings if f.kind == "exceeds"] == []
    quota["usage"] = 27
    result = check(plan, snapshot([quota], region="us-west-2"))
    (finding,) = [f for f in result.findings if f.kind == "exceeds"]
    assert (finding.demand, finding.usage) == (2, 27) and not result.passed


def test_a_plan_that_frees_more_than_it_adds_lowers_the_usage(snapshot):
    plan = read_terraform_plan(PLANS / "update_delete_replace.json")
    topics = {"service": "sns", "code": "L-61103206", "limit": 100, "usage": 100}
    result = check(plan, snapshot([topics], region="us-west-2"))
    fact = next(f for k, f in result.facts.items() if k.service == "sns")
    # the deleted topic: demand 0 (never negative, as the Rego rules expect), usage 99
    assert (fact.demand, fact.usage) == (0, 99)

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quotapilot.domain import PlannedResource
from quotapilot.exceptions import InputError
from quotapilot.ledger.export import parse_export, read_export
from quotapilot.ledger.kinds import Aggregate, Counter, Total
from quotapilot.ledger.record import record_stack
from tests.ledger import fakes

EXPORT = Path(__file__).parent / "data" / "stack-export.json"
LAMBDA_EU = f"{fakes.LAMBDA}@eu-west-1"
EIPS_EU = f"{fakes.EIPS}@eu-west-1"


def test_export_resources_carry_properties_and_their_provider_region():
    resources = {r.name: r for r in read_export(EXPORT)}
    assert set(resources) == {"handler", "worker", "nat", "logs"}
    assert resources["handler"].region == "eu-west-1"
    assert resources["handler"].properties["reservedConcurrentExecutions"] == 50
    assert resources["nat"].region is None


def test_recording_is_idempotent_and_replaces_the_previous_figures(ledger, tmp_path):
    ledger.set_limit("acme/payments", LAMBDA_EU, 400)
    first = record_stack(ledger, "acme/payments/api", EXPORT, demand_for=fakes.demand_for)
    assert first.measurement.usage == {LAMBDA_EU: 80}
    assert first.measurement.unknown == ["urn:pulumi:prod::api::aws:ec2/eip:Eip::nat: no region"]
    again = record_stack(ledger, "acme/payments/api", EXPORT, demand_for=fakes.demand_for)
    assert again.deltas == {}
    assert ledger.usage("acme/payments", LAMBDA_EU) == 80

    # The next deploy drops the worker and places the EIP: figures are replaced, not added.
    document = json.loads(EXPORT.read_text())
    document["deployment"]["resources"] = [
        r for r in document["deployment"]["resources"] if not r["urn"].endswith("::worker")
    ]
    smaller = tmp_path / "export.json"
    smaller.write_text(json.dumps(document))
    result = record_stack(
        ledger,
        "acme/payments/api",
        smaller,
        demand_for=fakes.demand_for,
        default_region="eu-west-1",
    )
    assert result.deltas == {LAMBDA_EU: -30, EIPS_EU: 1}
    assert ledger.own_usage("acme/payments/api") == {LAMBDA_EU: 50, EIPS_EU: 1}
    assert result.over == []


def test_a_stack_over_its_allocation_is_recorded_and_reported(ledger):
    ledger.set_limit("acme/payments", LAMBDA_EU, 60)
    result = record_stack(ledger, "acme/payments/api", EXPORT, demand_for=fakes.demand_for)
    assert result.over == [("acme/payments", LAMBDA_EU, 80, 60)]
    assert ledger.usage("acme", LAMBDA_EU) == 80


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "no deployment object"),
        ({"deployment": {"resources": {}}}, "must be a list"),
        ({"deployment": {"resources": [{"urn": "u"}]}}, "resources[0]: type: missing"),
    ],
)
def test_malformed_exports_name_the_problem(document, message):
    with pytest.raises(InputError) as caught:
        parse_export(document, "x.json")
    assert message in str(caught.value) and str(caught.value).startswith("x.json")


def test_unreadable_exports_name_the_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_export(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(InputError, match=r"bad\.json: not JSON"):
        read_export(bad)


def _resource(type_: str, **properties) -> PlannedResource:
    return PlannedResource(type=type_, name="r", urn=f"urn::{type_}", properties=properties)


def test_counter_and_total_kinds_measure_a_stack():
    resources = [
        _resource("aws:ec2/instance:Instance", cpus=4),
        _resource("aws:ec2/instance:Instance", cpus=2),
        _resource("aws:ec2/instance:Instance"),
        _resource("aws:s3/bucket:Bucket"),
    ]
    count = Counter("instances", ("aws:ec2/instance:Instance",)).measure(resources)
    assert count.usage == {"instances": 3}
    total = Total("cpus", "aws:ec2/instance:Instance", "cpus").measure(resources)
    assert total.usage == {"cpus": 6}
    assert total.unknown == ["urn::aws:ec2/instance:Instance: cpus is None"]


def test_aggregate_kind_reads_what_the_children_hold(ledger):
    ledger.apply("acme", {"cpus": 2})
    ledger.apply("acme/a", {"cpus": 3})
    ledger.apply("acme/b/c", {"cpus": 4})
    assert Aggregate("cpus").read(ledger, "acme") == 7

"""The fan-out cycle as planned (tests/components/programs/fanout): the collector function,
the cycle's state machine and its roles, the schedule that starts it; and the single-cycle
stack (stacks/, prod) keeping none of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quotapilot import wiring
from quotapilot.components import FanOut, QuotaAutomationArgs
from quotapilot.components.config import args_from_config
from quotapilot.components.member_policies import trust_policy
from quotapilot.engine.permissions import FUNCTION_ENV
from quotapilot.exceptions import ConfigurationError
from quotapilot.gate.program import read_plan

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = Path(__file__).parent / "programs" / "fanout"


@pytest.fixture(scope="module")
def plan():
    return read_plan(PROGRAM, "org")


@pytest.fixture(scope="module")
def single():
    return read_plan(ROOT / "stacks", "prod")


def of(plan, type_):
    return [r for r in plan.resources if r.type == f"aws:{type_}"]


def functions(plan):
    return {f.name.removeprefix("quota-"): f for f in of(plan, "lambda/function:Function")}


def policy_of(plan, logical):
    [policy] = [p for p in of(plan, "iam/rolePolicy:RolePolicy") if p.name == logical]
    return json.loads(policy.properties["policy"])


def granted(policy, action):
    return sorted(
        r
        for s in policy["Statement"]
        if action in s["Action"]
        for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
    )


def machine(plan, suffix):
    [found] = [m for m in of(plan, "sfn/stateMachine:StateMachine") if m.name.endswith(suffix)]
    return found


def test_the_collector_is_planned_with_what_its_code_reads(plan):
    made = functions(plan)
    assert set(made) == set(wiring.ALL_FUNCTIONS)
    collector = made[wiring.FUNCTION_COLLECTOR].properties
    assert set(collector["environment"]["variables"]) == set(FUNCTION_ENV["collector"])
    assert (collector["timeout"], collector["memorySize"]) == (300, 256)
    # the Map's MaxConcurrency bounds it; nothing reserved from the account's pool
    assert collector.get("reservedConcurrentExecutions") is None
    assert "deadLetterConfig" not in collector  # invoked synchronously, by the state machine
    # the engine decides over a whole organisation's rows: Lambda's longest timeout
    assert made[wiring.FUNCTION_ENGINE].properties["timeout"] == 900


def test_the_definition_lists_collects_in_batches_decides_and_summarises(plan):
    cycle = machine(plan, "-cycle")
    definition = json.loads(cycle.properties["definition"])
    made = functions(plan)
    engine, collector = (made[f].properties["arn"] for f in ("engine", "collector"))
    states = definition["States"]
    assert definition["StartAt"] == "ListShards"
    assert states["ListShards"]["Parameters"] == {
        "FunctionName": engine,
        "Payload": {"action": wiring.ACTION_LIST_SHARDS},
    }
    # a crashed or throttled listing is tried again, not a lost cycle
    assert states["ListShards"]["Retry"][-1]["ErrorEquals"] == ["States.TaskFailed"]
    collect = states["Collect"]
    assert collect["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"
    assert collect["ItemReader"]["Resource"] == "arn:aws:states:::s3:getObject"
    # the program's FanOut(max_concurrency=40, batch_size=2, tolerated_failure_percentage=5)
    assert collect["ItemBatcher"]["MaxItemsPerBatch"] == 2
    assert (collect["MaxConcurrency"], collect["ToleratedFailurePercentage"]) == (40, 5)
    batch = collect["ItemProcessor"]["States"]["CollectBatch"]
    assert batch["Parameters"]["FunctionName"] == collector
    assert batch["Parameters"]["Payload"]["shards.$"] == "$.Items"
    assert batch["Retry"][-1]["MaxAttempts"] == 3  # FanOut.retries
    assert collect["ResultPath"] is None  # the batches' answers stay out of the run's state
    assert states["Decide"]["Parameters"]["FunctionName"] == engine
    assert states["Decide"]["Parameters"]["Payload"]["action"] == wiring.ACTION_DECIDE
    assert states["Summary"]["End"] is True
    assert cycle.properties["tracingConfiguration"] == {"enabled": True}


def test_the_cycle_role_may_do_exactly_what_the_definition_does(plan):
    cycle = machine(plan, "-cycle")
    arn = cycle.properties["arn"]
    [bucket] = of(plan, "s3/bucket:Bucket")
    made = functions(plan)
    policy = policy_of(plan, "quota-cycle-policy")
    assert granted(policy, "lambda:InvokeFunction") == sorted(
        made[f].properties["arn"] for f in ("engine", "collector")
    )
    assert granted(policy, "s3:GetObject") == [bucket.properties["arn"] + "/runs/*"]
    assert granted(policy, "states:StartExecution") == [arn]  # its own child executions
    executions = arn.replace(":stateMachine:", ":execution:") + "/Collect:*"
    assert granted(policy, "states:StopExecution") == [executions]


def test_the_schedule_starts_the_state_machine_not_the_engine(plan, single):
    cycle = machine(plan, "-cycle")
    [rule] = [r for r in of(plan, "cloudwatch/eventRule:EventRule") if r.name == "quota-cycle"]
    [target] = [
        t for t in of(plan, "cloudwatch/eventTarget:EventTarget") if t.properties["rule"] == rule.id
    ]
    assert target.properties["arn"] == cycle.properties["arn"]
    starter = policy_of(plan, "quota-cycle-starter-policy")
    assert granted(starter, "states:StartExecution") == [cycle.properties["arn"]]
    assert target.properties["roleArn"].rsplit("/", 1)[-1].startswith("quota-cycle-starter")
    # no invoke permission lets the schedule call the engine for the cycle any more
    permissions = of(plan, "lambda/permission:Permission")
    assert not [p for p in permissions if p.properties["sourceArn"] == rule.properties["arn"]]
    # and the single-cycle stack plans none of it
    assert wiring.FUNCTION_COLLECTOR not in functions(single)
    assert [m.name for m in of(single, "sfn/stateMachine:StateMachine")] == ["quota-approval"]


def test_only_the_fan_out_engine_writes_shard_lists(plan, single):
    [bucket] = of(plan, "s3/bucket:Bucket")
    engine = policy_of(plan, "quota-engine-policy")
    assert granted(engine, "s3:PutObject") == [bucket.properties["arn"] + "/runs/*"]
    assert granted(policy_of(single, "quota-engine-policy"), "s3:PutObject") == []
    collector = policy_of(plan, "quota-collector-policy")
    assert granted(collector, "dynamodb:PutItem")  # the run's rows
    assert not granted(collector, "sns:Publish")  # deciding and alerting stay the engine's


def test_failed_runs_page(plan):
    cycle = machine(plan, "-cycle")
    [alarm] = [a for a in of(plan, "cloudwatch/metricAlarm:MetricAlarm") if "cycle" in a.name]
    assert alarm.properties["metricName"] == "ExecutionsFailed"
    assert alarm.properties["dimensions"] == {"StateMachineArn": cycle.properties["arn"]}
    [topic] = [t for t in of(plan, "sns/topic:Topic") if "alerts" in t.name]
    assert alarm.properties["alarmActions"] == [topic.properties["arn"]]
    [dashboard] = of(plan, "cloudwatch/dashboard:Dashboard")
    widgets = json.loads(dashboard.properties["dashboardBody"])["widgets"]
    [runs] = [w for w in widgets if w["properties"]["title"] == "fan-out cycle runs"]
    assert {m[3] for m in runs["properties"]["metrics"]} == {cycle.properties["arn"]}


def test_the_single_cycle_dashboard_has_no_fan_out_widget(single):
    [dashboard] = of(single, "cloudwatch/dashboard:Dashboard")
    titles = [
        w["properties"]["title"]
        for w in json.loads(dashboard.properties["dashboardBody"])["widgets"]
    ]
    assert "fan-out cycle runs" not in titles and "shards and quotas not collected" in titles


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"batch_size": 0}, "fan_out.batch_size"),
        ({"max_concurrency": 20_000}, "fan_out.max_concurrency"),
        ({"tolerated_failure_percentage": 101}, "fan_out.tolerated_failure_percentage"),
        ({"collector_timeout_seconds": 901}, "fan_out.collector_timeout_seconds"),
        ({"retries": True}, "fan_out.retries"),
    ],
)
def test_bad_fan_out_settings_name_the_field(kwargs, field):
    with pytest.raises(ConfigurationError) as caught:
        FanOut(**kwargs)
    assert caught.value.context["field"] == field


class Config:
    def __init__(self, values):
        self.values = values

    def get_object(self, name):
        return self.values.get(name)

    def get_int(self, name):
        return self.values.get(name)

    def get(self, name):
        return self.values.get(name)


def test_stack_config_turns_the_fan_out_on():
    assert args_from_config(Config({})).fan_out is None
    assert args_from_config(Config({"fan_out": True})).fan_out == FanOut()
    tuned = args_from_config(Config({"fan_out": {"batch_size": 25}}))
    assert tuned.fan_out == FanOut(batch_size=25)
    with pytest.raises(ConfigurationError, match="batch_size"):
        args_from_config(Config({"fan_out": {"batch": 25}}))
    with pytest.raises(ConfigurationError):
        QuotaAutomationArgs(fan_out={"batch_size": 25})  # a FanOut, not a mapping


def test_member_accounts_trust_the_collector_too():
    both = trust_policy(
        ["arn:aws:iam::111122223333:role/engine", "arn:aws:iam::111122223333:role/collector"]
    )
    [statement] = both["Statement"]
    assert statement["Principal"]["AWS"] == [
        "arn:aws:iam::111122223333:role/engine",
        "arn:aws:iam::111122223333:role/collector",
    ]


@pytest.fixture(scope="module")
def organisation():
    """The stack watching a whole organisation, fanned out (its stack config)."""
    return read_plan(
        ROOT / "stacks",
        "org",
        ["quotapilot:organization_id=o-abcd123456", "quotapilot:fan_out=true"],
    )


def test_an_organisation_may_assume_the_member_role_in_its_accounts_only(organisation):
    from quotapilot.engine.config import EngineConfig, Organization

    member_any = "arn:aws:iam::*:role/quotapilot-collector"
    condition = {"StringEquals": {"aws:ResourceOrgID": "o-abcd123456"}}
    for function in ("engine", "events", "collector"):
        policy = policy_of(organisation, f"quota-{function}-policy")
        [statement] = [s for s in policy["Statement"] if "sts:AssumeRole" in s["Action"]
                       and member_any in s["Resource"]]  # fmt: skip
        assert statement["Resource"] == [member_any]
        assert statement["Condition"] == condition  # never any account's role
    # only the engine lists the organisation; ListAccounts takes no resource ARN
    engine = policy_of(organisation, "quota-engine-policy")
    assert granted(engine, "organizations:ListAccounts") == ["*"]
    for function in ("events", "collector", "approval"):
        assert not granted(
            policy_of(organisation, f"quota-{function}-policy"), "organizations:ListAccounts"
        )
    variables = functions(organisation)["engine"].properties["environment"]["variables"]
    assert EngineConfig.from_env(variables).organization == Organization(
        "o-abcd123456", "quotapilot-collector"
    )


def test_without_an_organisation_nothing_is_listed_or_conditioned(single):
    for function in ("engine", "events", "approval"):
        policy = policy_of(single, f"quota-{function}-policy")
        assert not granted(policy, "organizations:ListAccounts")
        assert not any("Condition" in s for s in policy["Statement"])
        assert not any("::*:" in r for s in policy["Statement"] for r in s["Resource"])


def test_the_organisation_id_is_checked():
    with pytest.raises(ConfigurationError) as caught:
        QuotaAutomationArgs(organization_id="org-123")
    assert caught.value.context["field"] == "organization_id"


def test_the_organisation_stack_policies_pass_the_lint(organisation):
    """parliament on every policy of the organisation stack (the twin lints the others)."""
    from tests.iam_lint import lint_failures

    linted = 0
    for resource in of(organisation, "iam/rolePolicy:RolePolicy"):
        assert lint_failures(resource.properties["policy"]) == [], resource.name
        linted += 1
    assert linted >= 6


@pytest.mark.parametrize(("max_concurrency", "passes"), [(200, False), (50, True)])
def test_the_gate_counts_what_the_fan_out_needs_of_lambda_concurrency(
    tmp_path, capsys, max_concurrency, passes
):
    """Dogfood: the Map's MaxConcurrency is Lambda concurrency the account must have free.
    1,000 with 700 in use leaves 900 usable (100 stay unreserved): the stack reserves 15 (3
    functions x 5 in prod), so 200 more don't fit, 50 do."""
    import yaml

    from quotapilot.cli.app import main

    snapshot = yaml.safe_load((ROOT / "examples/quotas/prod.yaml").read_text())
    for quota in snapshot["quotas"]:
        if quota["code"] == "L-B99A9384":
            quota.update(limit=1000, usage=700)
    path = tmp_path / "prod.yaml"
    path.write_text(yaml.safe_dump(snapshot))
    fan_out = json.dumps({"max_concurrency": max_concurrency})
    code = main(["check", str(ROOT / "stacks"), "--stack", "prod", "--quotas", str(path),
                 "--config", f"quotapilot:fan_out={fan_out}", "--format", "json"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    lambda_findings = [f for f in report["findings"] if f.get("code") == "L-B99A9384"]
    if passes:  # it fits, though close: a warning, not a block
        assert code == 0 and [f["kind"] for f in lambda_findings] == ["low_headroom"]
        assert lambda_findings[0]["demand"] == 15 + max_concurrency
    else:
        [finding] = lambda_findings
        assert code == 1 and finding["kind"] == "exceeds"
        assert finding["demand"] == 15 + max_concurrency

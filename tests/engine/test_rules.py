from __future__ import annotations

from decimal import Decimal

import pytest

from quotapilot.domain import QuotaKey
from quotapilot.engine.exceptions import RuleError
from quotapilot.engine.rules import AutomationLevel, rule_for, rule_from_mapping

GOOD = {"service": "ec2", "code": "L-1216C47A", "automation_level": "full_auto"}


def test_defaults_and_dynamodb_types():
    rule = rule_from_mapping(
        {**GOOD, "threshold_warning": Decimal("60"), "approval_required": True}
    )
    assert rule.automation_level is AutomationLevel.FULL_AUTO
    assert (rule.threshold_warning, rule.threshold_critical, rule.threshold_emergency) == (
        60,
        85,
        95,
    )
    assert rule.approval_required and rule.region is None
    assert rule.rule_id == "ec2/L-1216C47A@*"


def test_reference_field_names_are_aliases():
    rule = rule_from_mapping(
        {
            "service_code": "ec2",
            "quota_code": "L-1",
            "automation_level": "alert_only",
            "region": "eu-west-1",
        }
    )
    assert (rule.service, rule.code, rule.region) == ("ec2", "L-1", "eu-west-1")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"automation_level": "yolo"}, "automation_level", "must be one of"),
        ({"service": ""}, "service", "required"),
        ({"threshold_warning": 90}, "threshold_warning", "warning <= critical"),
        ({"threshold_emergency": 80}, "threshold_emergency", "critical <= emergency"),
        ({"threshold_critical": "high"}, "threshold_critical", "must be a number"),
        ({"auto_increase_multiplier": 1.0}, "auto_increase_multiplier", "greater than 1"),
        ({"max_auto_increase": -5}, "max_auto_increase", "positive"),
        ({"approval_required": "maybe"}, "approval_required", "true or false"),
        ({"cost_treshold": 5}, "cost_treshold", "unknown field"),
        ({"threshold_warning": float("nan")}, "threshold_warning", "finite"),
    ],
)
def test_invalid_rules_name_the_field(change, field, words):
    with pytest.raises(RuleError) as caught:
        rule_from_mapping({**GOOD, **change}, path="RULES.yaml", entry="rules[2]")
    message = str(caught.value)
    assert message.startswith(f"RULES.yaml: rules[2]: {field}: ")
    assert words in message


def test_the_rule_naming_the_region_wins():
    everywhere = rule_from_mapping(GOOD)
    here = rule_from_mapping({**GOOD, "region": "us-west-2", "automation_level": "alert_only"})
    key = QuotaKey("aws", "ec2", "L-1216C47A", "us-west-2", "1")
    assert rule_for([everywhere, here], key) is here
    assert rule_for([here, everywhere], key) is here
    assert rule_for([here], key.in_region("eu-west-1")) is None
    assert rule_for([everywhere], key.in_region("eu-west-1")) is everywhere

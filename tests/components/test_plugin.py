"""The components as a plugin for other languages: the schema the provider host infers."""

from __future__ import annotations

from pulumi.provider.experimental.analyzer import Analyzer

from quotapilot.components.plugin import COMPONENTS


def test_schema_has_the_inputs_and_outputs_other_languages_see():
    result = Analyzer("quotapilot").analyze(COMPONENTS)
    components = result["component_definitions"]
    automation = components["QuotaAutomation"]
    assert {"environment", "alertEmails", "approvalTimeoutSeconds"} <= set(automation.inputs)
    assert all(p.optional for p in automation.inputs.values())
    assert {"alertsTopicArn", "stateMachineArn", "approvalUrl", "dashboardUrl"} <= set(
        automation.outputs
    )
    requests = components["QuotaRequests"]
    assert not requests.inputs["levels"].optional and requests.inputs["parityWith"].optional

"""The components as a plugin for other languages: the schema the provider host infers.

Run in a child interpreter: the provider host imports pulumi's own copy of the
``google.rpc.Status`` proto, which can't share a process with googleapis-common-protos (the
GCP source's dependency) — the plugin process never loads the GCP clients.
"""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
import json
from pulumi.provider.experimental.analyzer import Analyzer
from quotapilot.components.plugin import COMPONENTS
defs = Analyzer("quotapilot").analyze(COMPONENTS)["component_definitions"]
print(json.dumps({name: {"inputs": {k: p.optional for k, p in d.inputs.items()},
                         "outputs": sorted(d.outputs)} for name, d in defs.items()}))
"""


def test_schema_has_the_inputs_and_outputs_other_languages_see():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    components = json.loads(done.stdout)
    automation = components["QuotaAutomation"]
    assert {"environment", "alertEmails", "approvalTimeoutSeconds"} <= set(automation["inputs"])
    assert all(automation["inputs"].values())  # every input optional: safe defaults
    assert {"alertsTopicArn", "stateMachineArn", "approvalUrl", "dashboardUrl"} <= set(
        automation["outputs"]
    )
    requests = components["QuotaRequests"]["inputs"]
    assert requests["levels"] is False and requests["parityWith"] is True

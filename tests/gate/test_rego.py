"""The verdicts are Rego: team policies, the naming rule, and the OPA REST path."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from quotapilot.domain import FindingKind, PlannedResource
from quotapilot.exceptions import PolicyError
from quotapilot.gate.check import run_check
from quotapilot.gate.verdicts import bundled_policies, evaluate
from tests.gate.test_check import REGIONS, instances, source

TEAM_POLICY = """
package quotapilot

import rego.v1

# METADATA
# title: No GPU instances outside the ML team's stacks
deny_no_gpus contains finding if {
	some resource in input.resources
	resource.__type == "aws:ec2/instance:Instance"
	startswith(object.get(resource.__properties, "instanceType", ""), "p")
	message := sprintf("%s: GPU instances need approval", [resource.__name])
	finding := {"kind": "exceeds", "key": "", "message": message}
}
"""


def test_bundled_rules_follow_the_naming_rule():
    [text] = bundled_policies().values()
    assert "import rego.v1" in text
    heads = [
        line.split()[0]
        for line in text.splitlines()
        if " contains " in line and not line.startswith(("\t", " ", "#"))
    ]
    assert heads and all(h.startswith(("deny_", "warn_", "unknown_findings")) for h in heads)


def test_team_policy_adds_a_verdict(tmp_path):
    (tmp_path / "gpus.rego").write_text(TEAM_POLICY)
    plan = instances(1, "p3.2xlarge") + instances(1, "m5.large", prefix="ok")
    serving = source(("ec2", "L-417A185B", 64, 0), ("ec2", "L-1216C47A", 64, 0))
    assert run_check(plan, serving, regions=REGIONS).passed
    result = run_check(plan, serving, regions=REGIONS, policies=[tmp_path])
    assert not result.passed
    [finding] = [f for f in result.findings if f.policy == "deny_no_gpus"]
    assert "web0: GPU instances need approval" in finding.message


def test_team_policy_must_use_the_naming_rule(tmp_path):
    (tmp_path / "bad.rego").write_text(TEAM_POLICY.replace("deny_no_gpus", "block_gpus"))
    with pytest.raises(PolicyError, match="deny_<words> or warn_<words>"):
        run_check(
            instances(1), source(("ec2", "L-1216C47A", 64, 0)), regions=REGIONS, policies=[tmp_path]
        )


class FakeOpa(BaseHTTPRequestHandler):
    """Speaks the part of OPA's REST API the gate uses; evaluates with regopy."""

    policies: dict[str, str] = {}
    queries: list[str] = []

    def do_PUT(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        assert self.path.startswith("/v1/policies/")
        FakeOpa.policies[self.path] = body
        self._reply(200, {})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpa.queries.append(self.path)
        assert self.path == "/v1/data/quotapilot"
        result = evaluate(body["input"], dict(FakeOpa.policies))  # in-process, like OPA would
        self._reply(200, {"result": result})

    def _reply(self, status, document):
        payload = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def test_opa_server_path_gives_the_same_verdicts():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpa)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        plan = [*instances(3), PlannedResource("aws:lambda/function:Function", "f", urn="u")]
        serving = source(("ec2", "L-1216C47A", 16, 8))
        local = run_check(plan, serving, regions=REGIONS)
        remote = run_check(
            plan, serving, regions=REGIONS, opa_url=f"http://127.0.0.1:{server.server_port}"
        )
    finally:
        server.shutdown()
    assert FakeOpa.queries == ["/v1/data/quotapilot"]
    assert any(p.startswith("/v1/policies/quotapilot") for p in FakeOpa.policies)
    assert [(f.kind, f.message) for f in remote.findings] == [
        (f.kind, f.message) for f in local.findings
    ]
    assert FindingKind.EXCEEDS in {f.kind for f in remote.findings}


def test_unreachable_opa_is_a_policy_error():
    with pytest.raises(PolicyError, match="OPA server"):
        run_check(
            instances(1),
            source(("ec2", "L-1216C47A", 16, 0)),
            regions=REGIONS,
            opa_url="http://127.0.0.1:9",
        )

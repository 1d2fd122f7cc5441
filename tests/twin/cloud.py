"""The twin: a planned environment, created on a local AWS (moto in server mode on 127.0.0.1,
plus a small Service Quotas), with its real Lambda code running in containers of its own.

What moto leaves out is filled in where the real path needs it, and nothing else:
- EventBridge delivers to Lambda targets (moto only delivers to queues, logs and buses): a rule
  that matches an event hands it to the target function through the twin's Lambda service,
  with the target's ``Input`` as EventBridge applies it;
- the state machines run (moto's own interpreter), and their Lambda tasks invoke the
  containers; a schedule whose target is a state machine starts it, as the target's role;
- schedules fire when the twin's clock says they are due.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3

from quotapilot.gate.program import Plan
from tests.twin.functions import FunctionHost, Invocation, LambdaService
from tests.twin.materialise import ACCOUNT, REGION, Deployment, Materialiser
from tests.twin.servicequotas import FakeServiceQuotas

_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_UNIT = {"minute": 60, "hour": 3600, "day": 86400}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Twin:
    def __init__(
        self,
        workdir: Path,
        faults: dict[str, Any] | None = None,
        *,
        approval_timeout_s: int | None = None,
    ) -> None:
        self.workdir = workdir
        self.faults = faults or {}
        #: The state machine runs in real time: a test that waits for its timeout compresses
        #: it (the planned definition is otherwise created as planned).
        self.approval_timeout_s = approval_timeout_s
        self.deliveries: list[tuple[dict[str, Any], dict[str, Any]]] = []
        #: The fan-out cycle's runs its schedule started (describe_execution, once over).
        self.cycle_runs: list[dict[str, Any]] = []
        self._delivery_lock = threading.Lock()
        self.service: LambdaService | None = None
        self.deployment: Deployment | None = None
        self.started: datetime | None = None
        self._patches: list[tuple[Any, str, Any]] = []

    # Lifecycle ---------------------------------------------------------------------------

    def start(self) -> Twin:
        import os

        from moto.core.config import default_user_config
        from moto.server import ThreadedMotoServer

        port = _free_port()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self._server.start()
        self.url = f"http://127.0.0.1:{port}"
        # moto keeps its state per process, not per server: start from nothing.
        import urllib.request

        urllib.request.urlopen(urllib.request.Request(f"{self.url}/moto-api/reset", method="POST"))
        # moto's state machine interpreter calls back into "the" moto server on this port.
        os.environ["MOTO_PORT"] = str(port)
        default_user_config.setdefault("stepfunctions", {})["execute_state_machine"] = True
        self.quotas = FakeServiceQuotas().start()
        self._patch_moto()
        return self

    def stop(self) -> None:
        from moto.core.config import default_user_config

        if self.service is not None:
            for host in self.service.hosts.values():
                host.stop()
        for owner, name, original in reversed(self._patches):
            setattr(owner, name, original)
        default_user_config.get("stepfunctions", {}).pop("execute_state_machine", None)
        self.quotas.stop()
        self._server.stop()

    def client(self, service: str) -> Any:
        """An administrator's client on the twin (setting up, and looking at what happened)."""
        endpoint = self.quotas.url if service in ("service-quotas", "servicequotas") else self.url
        return boto3.client(
            service,
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="admin",
            aws_secret_access_key="admin",
        )

    @property
    def endpoints(self) -> dict[str, str]:
        return {"AWS_ENDPOINT_URL": self.url, "AWS_ENDPOINT_URL_SERVICE_QUOTAS": self.quotas.url}

    def deploy(self, plan: Plan) -> Deployment:
        self.deployment = Materialiser(
            plan, self.client, approval_timeout_s=self.approval_timeout_s
        ).run()
        hosts = {
            role: FunctionHost(spec, self.endpoints, self.workdir / f"{role}.log", self.faults)
            for role, spec in self.deployment.functions.items()
        }
        self.service = LambdaService(hosts, self.client("sqs"))
        return self.deployment

    # What moto leaves out ----------------------------------------------------------------

    def _patch_moto(self) -> None:
        from moto.awslambda.models import LambdaBackend
        from moto.events.models import Rule

        twin = self
        send_to_targets = Rule.send_to_targets

        def deliver(rule, original_event, transform_input=True):
            if rule.scheduled_expression and original_event.get("resources") != [rule.arn]:
                return None  # a schedule's rule fires on its schedule, never on put events
            if not rule.event_pattern.matches_event(original_event):
                return None
            ours = (":lambda:", ":states:")
            functions = [t for t in rule.targets if any(o in t["Arn"] for o in ours)]
            others = [t for t in rule.targets if not any(o in t["Arn"] for o in ours)]
            for target in functions:
                with twin._delivery_lock:
                    twin.deliveries.append((target, _payload(target, original_event)))
            if others:
                saved, rule.targets = rule.targets, others
                try:
                    send_to_targets(rule, original_event, transform_input)
                finally:
                    rule.targets = saved
            return None

        def invoke(backend, function_name, qualifier, body, headers, response_headers):
            # The state machine's Lambda tasks: synchronous, as the service integration is.
            event = json.loads(body) if body else {}
            result = twin.service.host(function_name).invoke(event, twin.now_text())
            if not result.ok:
                response_headers["x-amz-function-error"] = "Unhandled"
                payload = json.dumps({"errorType": result.error_type, "errorMessage": result.error})
            else:
                payload = json.dumps(result.result)
            response_headers["Content-Length"] = str(len(payload))
            return payload

        for owner, name, replacement in (
            (Rule, "send_to_targets", deliver),
            (LambdaBackend, "invoke", invoke),
        ):
            self._patches.append((owner, name, getattr(owner, name)))
            setattr(owner, name, replacement)

    # Time and events ---------------------------------------------------------------------

    now: datetime | None = None

    def now_text(self) -> str | None:
        return self.now.isoformat() if self.now else None

    def at(self, now: datetime) -> None:
        if self.started is None:
            self.started = now
        self.now = now

    def tick(self, now: datetime) -> list[Invocation]:
        """Advance the clock to ``now`` and fire the schedules that are due."""
        self.at(now)
        from moto.events.models import events_backends

        backend = events_backends[ACCOUNT][REGION]
        elapsed = int((now - self.started).total_seconds())
        for bus in list(backend.event_buses.values()):
            for rule in list(bus.rules.values()):
                match = _RATE.fullmatch(rule.scheduled_expression or "")
                if not match:
                    continue
                period = int(match.group(1)) * _UNIT[match.group(2).rstrip("s")]
                if elapsed % period == 0:
                    rule.send_to_targets(
                        {
                            "version": "0",
                            "id": str(uuid.uuid4()),
                            "detail-type": "Scheduled Event",
                            "source": "aws.events",
                            "account": ACCOUNT,
                            "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                            "region": REGION,
                            "resources": [rule.arn],
                            "detail": {},
                        }
                    )
        return self.drain()

    def put_events(self, entries: list[dict[str, Any]]) -> tuple[dict[str, Any], list[Invocation]]:
        """Put events on a bus, as a producer would; deliver what the rules matched."""
        answer = self.client("events").put_events(Entries=entries)
        return answer, self.drain()

    def drain(self) -> list[Invocation]:
        """Invoke the functions the matched rules target (EventBridge invokes them
        asynchronously: the function's retries and failure destination apply)."""
        done = []
        while True:
            with self._delivery_lock:
                if not self.deliveries:
                    return done
                target, payload = self.deliveries.pop(0)
            if ":states:" in target["Arn"]:
                self.cycle_runs.append(self._start(target, payload))
                continue
            done.append(self.service.invoke_async(target["Arn"], payload, self.now_text()))

    def _start(self, target: dict[str, Any], payload: Any, timeout: float = 60.0) -> dict:
        """EventBridge starting a state machine as the target's role; the run, once over."""
        import time

        from tests.twin.policy import allowed

        role = target["RoleArn"].rsplit("/", 1)[-1]
        policy = self.deployment.policies[role]
        assert allowed(policy, "states:StartExecution", target["Arn"]), (role, target["Arn"])
        sfn = self.client("stepfunctions")
        arn = sfn.start_execution(
            stateMachineArn=target["Arn"],
            name=str(uuid.uuid4()),  # EventBridge names each run (moto would name it "None")
            input=json.dumps(payload),
        )["executionArn"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = sfn.describe_execution(executionArn=arn)
            if run["status"] != "RUNNING":
                return run
            time.sleep(0.05)
        raise AssertionError(f"the cycle's run {arn} still running after {timeout} s")

    def executions(self) -> list[dict[str, Any]]:
        sfn = self.client("stepfunctions")
        found = sfn.list_executions(stateMachineArn=self.deployment.state_machine_arn)
        return [
            {**e, **sfn.describe_execution(executionArn=e["executionArn"])}
            for e in found["executions"]
        ]

    def settle_workflows(self, timeout: float = 20.0) -> None:
        """Wait until every workflow whose approval was decided has run on (the state
        machine runs in moto's threads, in real time)."""
        import time

        table = self.deployment.functions["engine"].environment["QUOTAPILOT_MONITORING_TABLE"]
        dynamodb = self.client("dynamodb")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = []
            for execution in self.executions():
                if execution["status"] != "RUNNING":
                    continue
                record = dynamodb.get_item(
                    TableName=table,
                    Key={"pk": {"S": f"approval#{execution['name']}"}, "sk": {"S": "approval"}},
                ).get("Item")
                # moto creates an updated item with its key first, then sets its attributes:
                # a record caught in between has no status yet (it is being parked)
                status = (record or {}).get("status", {}).get("S", "pending")
                if status != "pending":
                    waiting.append(execution["name"])
            if not waiting:
                return
            time.sleep(0.05)
        raise AssertionError(f"workflows still running after their decision: {waiting}")

    def dead_letters(self) -> list[dict[str, Any]]:
        sqs = self.client("sqs")
        url = self.deployment.queue_url
        out = []
        while True:
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not got:
                return out
            for message in got:
                out.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def run_for(self, hours: float, start: datetime, step: timedelta) -> list[Invocation]:
        invocations = []
        moment = start
        while moment < start + timedelta(hours=hours):
            invocations.extend(self.tick(moment))
            moment += step
        return invocations


def _payload(target: dict[str, Any], event: dict[str, Any]) -> Any:
    """What EventBridge hands the target: its constant Input, else the event (with the
    envelope's time as EventBridge writes it; moto keeps it as epoch seconds)."""
    if target.get("Input"):
        return json.loads(target["Input"])
    event = dict(event)
    if isinstance(event.get("time"), int | float):
        event["time"] = datetime.fromtimestamp(event["time"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return event

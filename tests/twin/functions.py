"""The twin's Lambda service: one container (a worker process) per planned function, invoked
as Lambda invokes it: synchronously for the state machine and the function URL, and
asynchronously for EventBridge, with the planned retries and on-failure destination."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.twin.materialise import ACCOUNT, REGION, FunctionSpec

ROOT = Path(__file__).resolve().parents[2]

#: Every AWS action each function's code called, across every twin of the test session, by
#: (function, the planned policy it ran under, as JSON), and every call a policy refused:
#: what the permissions test holds the planned policies against.
RECORDED: dict[tuple[str, str], set[str]] = {}
DENIED: list[dict[str, Any]] = []
#: The scenario modules that ran to the end in this process.
FINISHED: set[str] = set()


@dataclass
class Invocation:
    function: str
    event: Any
    ok: bool
    result: Any = None
    error_type: str = ""
    error: str = ""
    calls: list[dict[str, Any]] = field(default_factory=list)
    denied: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0  # inside the container


class FunctionHost:
    """One function's container: started cold on first use, killed to simulate a crash."""

    def __init__(
        self,
        spec: FunctionSpec,
        endpoints: dict[str, str],
        log: Path,
        faults: dict[str, Any] | None = None,
    ) -> None:
        self.spec = spec
        self.endpoints = endpoints
        self.log = log
        self.faults = faults or {}
        self.invocations: list[Invocation] = []
        #: The next invocation dies after this many AWS calls (see :meth:`crash_next`).
        self._crash_after: int | None = None
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def environment(self) -> dict[str, str]:
        """The planned variables, plus what the Lambda service itself sets (region,
        credentials) and where this machine's AWS lives."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AWS_", "QUOTAPILOT_", "TWIN_"))
        }
        env.update(self.spec.environment)
        env.update(
            {
                "AWS_REGION": REGION,
                "AWS_DEFAULT_REGION": REGION,
                "AWS_ACCESS_KEY_ID": f"twin-{self.spec.role}",
                "AWS_SECRET_ACCESS_KEY": "twin",
                "AWS_LAMBDA_FUNCTION_NAME": self.spec.name,
                "POWERTOOLS_SERVICE_NAME": "quotapilot",
                "TWIN_FUNCTION": self.spec.role,
                "TWIN_FUNCTION_NAME": self.spec.name,
                "TWIN_FUNCTION_ARN": self.spec.arn,
                "TWIN_ACCOUNT": ACCOUNT,
                "TWIN_POLICY": json.dumps(self.spec.policy),
                "TWIN_FAULTS": json.dumps(self.faults),
                "TWIN_PROFILE": os.environ.get("TWIN_PROFILE", ""),
                "PYTHONPATH": str(ROOT),
                **self.endpoints,
            }
        )
        return env

    def _start(self) -> subprocess.Popen:
        log = open(self.log, "a", encoding="utf-8")  # noqa: SIM115 (the process owns it)
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.twin.worker"],
            cwd=ROOT,
            env=self.environment(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        ready = process.stdout.readline()
        if not ready.strip():
            raise RuntimeError(f"the {self.spec.role} container did not start; see {self.log}")
        return process

    def invoke(self, event: Any, now: str | None = None) -> Invocation:
        """One synchronous invocation (RequestResponse)."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._process = self._start()
            request = {
                "event": event,
                "now": now,
                "request_id": str(uuid.uuid4()),
                "crash_after": self._crash_after,
            }
            self._crash_after = None
            self._process.stdin.write(json.dumps(request, default=str) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
            if not line:
                self._process.wait()  # reaped: the next invocation starts a new container
        if not line:
            # What Lambda reports for a runtime that exited mid-invocation.
            result = Invocation(self.spec.role, event, False, error_type="Runtime.ExitError",
                                error="the container died mid-invocation")  # fmt: skip
        else:
            answer = json.loads(line)
            result = Invocation(
                self.spec.role,
                event,
                answer["ok"],
                answer.get("result"),
                answer.get("error_type", ""),
                answer.get("error", ""),
                answer.get("calls", []),
                answer.get("denied", []),
                answer.get("seconds", 0.0),
            )
        self.invocations.append(result)
        slot = (self.spec.role, json.dumps(self.spec.policy, sort_keys=True))
        RECORDED.setdefault(slot, set()).update(c["action"] for c in result.calls)
        DENIED.extend({"function": self.spec.role, **d} for d in result.denied)
        return result

    def crash_next(self, after_calls: int) -> None:
        """The next invocation's container dies mid-way, with ``after_calls`` AWS calls
        made: a crash, out of memory or Lambda's timeout, at a point the caller chooses."""
        self._crash_after = after_calls

    def kill(self) -> None:
        """``kill -9`` the container, as a crash (or Lambda's timeout) would."""
        if self._process is not None and self._process.poll() is None:
            os.kill(self._process.pid, signal.SIGKILL)
            self._process.wait()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._process = None


class LambdaService:
    """Routes invocations to the containers, by function name or ARN."""

    def __init__(self, hosts: dict[str, FunctionHost], sqs: Any) -> None:
        self.hosts = hosts
        self.sqs = sqs
        self.dead_lettered: list[dict[str, Any]] = []

    def host(self, name_or_arn: str) -> FunctionHost:
        name = name_or_arn
        if ":function:" in name:  # an ARN, maybe with a qualifier
            name = name.split(":function:", 1)[1].split(":", 1)[0]
        for host in self.hosts.values():
            if name == host.spec.name:
                return host
        raise KeyError(f"no function {name_or_arn}")

    def invoke_async(self, name_or_arn: str, event: Any, now: str | None = None) -> Invocation:
        """Lambda's asynchronous invocation: the planned retries, then the on-failure
        destination, with the record Lambda writes there."""
        host = self.host(name_or_arn)
        attempts = 1 + host.spec.retries
        for _ in range(attempts):
            result = host.invoke(event, now)
            if result.ok:
                return result
        if host.spec.on_failure:
            record = {
                "version": "1.0",
                "requestContext": {
                    "functionArn": host.spec.arn,
                    "condition": "RetriesExhausted",
                    "approximateInvokeCount": attempts,
                },
                "requestPayload": event,
                "responseContext": {"functionError": "Unhandled"},
                "responsePayload": {"errorType": result.error_type, "errorMessage": result.error},
            }
            queue = host.spec.on_failure.rsplit(":", 1)[-1]
            # Lambda sends it with the function's role: the role must allow it.
            from tests.twin.policy import allowed

            if not allowed(host.spec.policy, "sqs:SendMessage", host.spec.on_failure):
                DENIED.append({"function": host.spec.role, "action": "sqs:SendMessage"})
            slot = (host.spec.role, json.dumps(host.spec.policy, sort_keys=True))
            RECORDED.setdefault(slot, set()).add("sqs:SendMessage")
            url = self.sqs.get_queue_url(QueueName=queue)["QueueUrl"]
            self.sqs.send_message(QueueUrl=url, MessageBody=json.dumps(record, default=str))
            self.dead_lettered.append(record)
        return result

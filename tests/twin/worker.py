"""One Lambda function's container in the twin: a process of its own, started with exactly the
environment the plan gives the function, running its real handler for each invocation.

Run as ``python -m tests.twin.worker``; the host (:mod:`tests.twin.functions`) writes one JSON
request per line on stdin and reads one JSON answer per line. Every AWS call the handler makes
passes the function's planned IAM policy first (:mod:`tests.twin.policy`) and is recorded;
``TWIN_FAULTS`` injects throttling and lost responses at the HTTP layer, below botocore's
retries, as the network would.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import random
import sys
import time
import traceback
from datetime import datetime
from typing import Any

from tests.twin.policy import allowed, iam_action, resources_of

CALLS: list[dict[str, Any]] = []
DENIED: list[dict[str, Any]] = []
#: A crash planned for this invocation: the container dies (as ``kill -9`` would) when it is
#: about to send its AWS call number ``after`` + 1, i.e. with ``after`` calls done.
CRASH: dict[str, int | None] = {"after": None, "sent": 0}


class Context:
    """What a Lambda handler's context carries (Powertools reads these)."""

    def __init__(self, name: str, arn: str, request_id: str) -> None:
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = 512
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "twin"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


def install(policy: dict[str, Any], region: str, account: str, faults: dict[str, Any]) -> None:
    """Hook every botocore client this process creates."""
    import botocore.session
    from botocore.exceptions import ClientError, ReadTimeoutError

    chance = random.Random(faults.get("seed", 0))
    throttle = float(faults.get("throttle", 0.0))
    lose = float(faults.get("lose", 0.0))

    def check(params, model, **_: Any) -> None:
        service = model.service_model.service_name
        action = iam_action(model.service_model.signing_name, model.name)
        if service == "service-quotas":
            action = iam_action("servicequotas", model.name)
        targets = resources_of(service, model.name, params, region, account)
        call = {"action": action, "resources": targets}
        CALLS.append(call)
        refused = [r for r in targets if not allowed(policy, action, r)]
        if refused:
            DENIED.append(call)
            raise ClientError(
                {
                    "Error": {
                        "Code": "AccessDeniedException",
                        "Message": f"not authorized to perform: {action} on {refused[0]}",
                    }
                },
                model.name,
            )

    def fault(protocol: str, request: Any) -> Any:
        if CRASH["after"] is not None:
            if CRASH["sent"] >= CRASH["after"]:
                os._exit(137)
            CRASH["sent"] += 1
        if not (throttle or lose):
            return None
        roll = chance.random()
        if roll < throttle:
            from botocore.awsrequest import AWSResponse

            status, headers, body = throttled(protocol)
            return AWSResponse(request.url, status, headers, _Raw(body))
        if roll < throttle + lose:
            import urllib3

            # The server acts; the answer never arrives.
            urllib3.PoolManager().request(
                request.method, request.url, body=request.body, headers=dict(request.headers)
            )
            raise ReadTimeoutError(endpoint_url=request.url)
        return None

    original = botocore.session.Session.create_client

    def create_client(self, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        client.meta.events.register("before-parameter-build.*.*", check)
        model = client.meta.service_model
        # The protocol this botocore speaks to the service (CloudWatch lists several).
        protocol = getattr(model, "resolved_protocol", None) or model.protocol
        client.meta.events.register(
            "before-send.*.*", lambda request, **_: fault(protocol, request)
        )
        return client

    scale = faults.get("backoff_scale")
    if scale is not None:
        # The twin's clock is simulated: retries keep their number and order, and their
        # waits shrink so that a day of throttling runs in minutes.
        from botocore.retries import standard

        delay = standard.ExponentialBackoff.delay_amount
        standard.ExponentialBackoff.delay_amount = lambda self, context: (  # type: ignore
            delay(self, context) * float(scale)
        )

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]


def throttled(protocol: str) -> tuple[int, dict[str, str], bytes]:
    """A throttling answer as the service's protocol spells it (botocore parses each its
    own way; an answer it can't parse would be a different fault)."""
    if protocol in ("json", "rest-json"):
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"})
        return 400, {"x-amzn-ErrorType": "ThrottlingException"}, body.encode()
    if protocol == "rest-xml":  # S3
        body = "<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>"
        return 503, {}, body.encode()
    body = (  # query and ec2
        "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
        "<Message>Rate exceeded</Message></Error><RequestId>twin</RequestId></ErrorResponse>"
    )
    return 400, {}, body.encode()


class _Raw:
    """Enough of urllib3's response for botocore to read an injected error."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, *_: Any, **__: Any):
        yield self._data

    def read(self, *_: Any) -> bytes:
        return self._data


def invoke(function: str, request: dict[str, Any]) -> dict[str, Any]:
    module = importlib.import_module(f"quotapilot.handlers.{function}")
    context = Context(os.environ["TWIN_FUNCTION_NAME"], os.environ["TWIN_FUNCTION_ARN"],
                      request.get("request_id", "twin"))  # fmt: skip
    travel = contextlib.nullcontext()
    if request.get("now"):
        import time_machine

        travel = time_machine.travel(datetime.fromisoformat(request["now"]), tick=True)
    CALLS.clear()
    DENIED.clear()
    CRASH.update(after=request.get("crash_after"), sent=0)
    started = time.perf_counter()
    try:
        with travel:
            if os.environ.get("TWIN_PROFILE"):
                import cProfile
                import pstats

                profile = cProfile.Profile()
                result = profile.runcall(module.handler, request["event"], context)
                pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
            else:
                result = module.handler(request["event"], context)
        seconds = time.perf_counter() - started
        return {"ok": True, "result": result, "calls": CALLS, "denied": DENIED, "seconds": seconds}
    except Exception as error:  # the function's failure, reported as Lambda reports it
        return {
            "ok": False,
            "error_type": type(error).__name__,
            "error": str(error)[:2000],
            "trace": traceback.format_exc()[-4000:],
            "calls": CALLS,
            "denied": DENIED,
        }


def main() -> int:
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # the handler's logs (Powertools prints JSON lines) go to stderr
    sys.stdout = sys.stderr
    install(
        json.loads(os.environ["TWIN_POLICY"]),
        os.environ["AWS_DEFAULT_REGION"],
        os.environ["TWIN_ACCOUNT"],
        json.loads(os.environ.get("TWIN_FAULTS") or "{}"),
    )
    function = os.environ["TWIN_FUNCTION"]
    protocol.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        answer = invoke(function, json.loads(line))
        protocol.write(json.dumps(answer, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

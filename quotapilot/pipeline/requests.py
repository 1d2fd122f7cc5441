"""``quotapilot request``'s logic: one increase request per quota the gate found short.

Planning is pure (method, cost, approval); filing goes through a :class:`Filer` per provider
(:mod:`quotapilot.pipeline.aws`, :mod:`quotapilot.pipeline.gcp`), each idempotent: a quota
with an open request is reported with that request's id and never requested twice.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from quotapilot.domain import QuotaKey
from quotapilot.engine.decision.decide import estimate_monthly_cost
from quotapilot.engine.rules import AutomationLevel, Rule
from quotapilot.exceptions import InputError
from quotapilot.pipeline.documents import number, read_json, text
from quotapilot.pipeline.findings import Shortfall

#: The reference design's auto-approve threshold, and the engine rules' default.
DEFAULT_AUTO_APPROVE_BELOW = 1_000.0


class Method(enum.StrEnum):
    SERVICE_QUOTAS = "service_quotas"
    SUPPORT_CASE = "support_case"
    QUOTA_PREFERENCE = "quota_preference"


class Status(enum.StrEnum):
    PLANNED = "planned"  # dry run: nothing asked
    REQUESTED = "requested"
    ALREADY_OPEN = "already_open"
    NEEDS_APPROVAL = "needs_approval"
    NOT_ADJUSTABLE = "not_adjustable"
    #: The live limit already holds the desired value (granted since the check ran).
    GRANTED = "granted"
    #: The cloud refused the call (permissions, a bad quota code): the message says why.
    FAILED = "failed"


#: Statuses that leave the pipeline able to go on (exit code 0).
GOOD = frozenset({Status.PLANNED, Status.REQUESTED, Status.ALREADY_OPEN, Status.GRANTED})
#: Statuses ``wait`` polls.
WAITABLE = frozenset({Status.REQUESTED, Status.ALREADY_OPEN})


@dataclass(frozen=True)
class IncreaseRequest:
    """One line of ``request``'s output and of ``wait``'s input."""

    provider: str
    service: str
    code: str
    region: str
    account: str
    current_limit: float | None
    desired_limit: float
    method: Method
    estimated_monthly_cost: float
    approval: str  # auto | required
    status: Status
    request_id: str = ""
    message: str = ""

    @property
    def key(self) -> QuotaKey:
        return QuotaKey(self.provider, self.service, self.code, self.region, self.account)  # type: ignore[arg-type]

    @property
    def label(self) -> str:
        return f"{self.provider}:{self.service}/{self.code}@{self.region}"

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["method"], out["status"] = str(self.method), str(self.status)
        return out


class Filer(Protocol):
    """Files (or finds) the request for one quota with one provider."""

    def file(self, request: IncreaseRequest, justification: str) -> IncreaseRequest: ...


def plan(
    shortfalls: Iterable[Shortfall],
    *,
    auto_approve_below: float = DEFAULT_AUTO_APPROVE_BELOW,
    approved: Collection[str] = (),
) -> list[IncreaseRequest]:
    """The request for each shortfall, with its cost and whether a person must approve it."""
    planned = []
    for shortfall in shortfalls:
        key = shortfall.key
        increase = shortfall.desired_limit - (shortfall.current_limit or 0.0)
        # The engine's estimate, so the pipeline and the Lambda engine price increases alike.
        cost = estimate_monthly_cost(
            Rule(key.service, key.code, AutomationLevel.AUTO_REQUEST, provider=key.provider),
            increase,
        )
        label = f"{key.provider}:{key.service}/{key.code}@{key.region}"
        needs_person = cost >= auto_approve_below and label not in approved
        method = Method.QUOTA_PREFERENCE if key.provider == "gcp" else Method.SERVICE_QUOTAS
        planned.append(
            IncreaseRequest(
                key.provider,
                key.service,
                key.code,
                key.region,
                key.account,
                shortfall.current_limit,
                shortfall.desired_limit,
                method,
                round(cost, 2),
                "required" if cost >= auto_approve_below else "auto",
                Status.NEEDS_APPROVAL if needs_person else Status.PLANNED,
                message=(
                    f"about ${cost:,.0f}/month is not below the ${auto_approve_below:,.0f} "
                    f"auto-approve threshold; to approve, run again with --approve {label}"
                    if needs_person
                    else "; ".join(shortfall.messages)
                ),
            )
        )
    return planned


def file_all(
    planned: Iterable[IncreaseRequest],
    filer_for: Callable[[IncreaseRequest], Filer],
    justification: Callable[[IncreaseRequest], str],
) -> list[IncreaseRequest]:
    """File every planned request; those needing approval are left as they are."""
    done = []
    for request in planned:
        if request.status is not Status.PLANNED:
            done.append(request)
            continue
        done.append(filer_for(request).file(request, justification(request)))
    return done


def justification_for(
    request: IncreaseRequest, shortfall: Shortfall | None, environment: str
) -> str:
    """The case text's why: the plan, the numbers, the environment (and the CI run, if any)."""
    parts = [f"A deployment pipeline is blocked on {request.label}"]
    if environment:
        parts[0] += f" for the {environment} environment"
    numbers = [f"current limit {_fmt(request.current_limit)}"]
    if shortfall is not None:
        if shortfall.demand is not None:
            numbers.append(f"the planned change needs {_fmt(shortfall.demand)}")
        if shortfall.usage is not None:
            numbers.append(f"{_fmt(shortfall.usage)} is already in use")
    numbers.append(f"requested limit {_fmt(request.desired_limit)} (with a safety buffer)")
    parts.append(", ".join(numbers))
    if shortfall is not None:
        parts.extend(shortfall.messages)
    run = _ci_run()
    if run:
        parts.append(f"Pipeline run: {run}")
    return ". ".join(p.rstrip(".") for p in parts) + "."


def _ci_run() -> str:
    server, repo, run = (
        os.environ.get(name, "")
        for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    return f"{server}/{repo}/actions/runs/{run}" if server and repo and run else ""


def _fmt(value: float | None) -> str:
    if value is None:
        return "unlimited"
    return f"{value:g}"


def exit_code(requests: Iterable[IncreaseRequest], unresolved: int = 0) -> int:
    """0 when every request is requested, open, planned or granted; 1 otherwise."""
    return 0 if not unresolved and all(r.status in GOOD for r in requests) else 1


def read_requests(path: str | Path) -> list[IncreaseRequest]:
    """``request``'s JSON output, validated (``wait`` reads it)."""
    path = Path(path)
    document = read_json(path, "the JSON output of `quotapilot request --format json`")
    if not isinstance(document, dict) or not isinstance(document.get("requests"), list):
        raise InputError("not `quotapilot request` JSON (needs 'requests')", path=str(path))
    out = []
    for index, raw in enumerate(document["requests"]):
        where = {"path": str(path), "entry": f"requests[{index}]"}
        if not isinstance(raw, dict):
            raise InputError("a request must be an object", **where)
        try:
            method, status = Method(raw.get("method")), Status(raw.get("status"))
        except ValueError as error:
            raise InputError(str(error), **where) from None
        provider = text(raw.get("provider"), where, "provider")
        if provider not in ("aws", "gcp"):
            raise InputError("must be aws or gcp", field="provider", **where)
        request = IncreaseRequest(
            provider,
            text(raw.get("service"), where, "service"),
            text(raw.get("code"), where, "code"),
            text(raw.get("region"), where, "region"),
            str(raw.get("account") or ""),
            number(raw.get("current_limit"), where, "current_limit", optional=True),
            number(raw.get("desired_limit"), where, "desired_limit"),
            method,
            number(raw.get("estimated_monthly_cost"), where, "estimated_monthly_cost"),
            str(raw.get("approval") or ""),
            status,
            str(raw.get("request_id") or ""),
            str(raw.get("message") or ""),
        )
        if status in WAITABLE and not request.request_id:
            raise InputError("a filed request needs its request_id", field="request_id", **where)
        out.append(request)
    return out


def with_status(
    request: IncreaseRequest, status: Status, request_id: str = "", message: str = ""
) -> IncreaseRequest:
    return replace(
        request, status=status, request_id=request_id or request.request_id, message=message
    )

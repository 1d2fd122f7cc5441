"""The deployed stack under faults, on the twin (tests/twin): the configured stack lives through
the quota-climb scenario twice, side by side, once on a clean local AWS and once with a share
of every AWS call throttled, some responses lost (the server acts, the answer never arrives)
and the engine's container killed mid-invocation at chosen points (Lambda reruns it: the
planned asynchronous retries, the workflow's own retries). Then every kind of event, and some
malformed ones, is put on the bus under the same faults.

What it prints, per run:
- cycles completed (the schedule's invocation succeeded, on its first try or a retry) out of
  cycles attempted, and the container crashes among the invocations;
- increase requests filed with Service Quotas, and duplicates among them (must be 0);
- alerts delivered to on-call per band, and audit records against the decisions taken: an
  audit record for every alert, approval and filing (none lost, none doubled);
- events in the dead-letter queue against events sent, malformed and well-formed.

    .venv/bin/python -m bench.twin.faults --hours 24 --throttle 0.2 --lose 0.02 --crashes 6

``--fan-out`` runs the stack with the fan-out cycle instead (two regions): the schedule starts
the state machine, and at the crash steps a collector batch dies mid-way too.

The twin's clock is simulated: botocore's retry waits are shrunk (``--backoff-scale``); their
number and order are kept, and the state machine's retry intervals run in real time.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from quotapilot.gate.program import read_plan  # noqa: E402
from tests.twin.cloud import Twin  # noqa: E402
from tests.twin.scenarios import (  # noqa: E402
    CONFIGURED,
    DETAIL_EVENTS,
    FAN_OUT,
    climb_for_two_days,
    entry,
)

#: The audit kinds that stand for a decision the stack took and acted on.
ACTIONS = ("alert_warning", "alert_critical", "alert_emergency", "approved_increase")


def crash_plan(steps: int, crashes: int, seed: int) -> dict[int, int]:
    """Which steps' engine invocation dies, and after how many AWS calls: spread over the
    run, plus the step where usage crosses the critical band (85%: the engine asks for
    approval) and the one after it."""
    chance = random.Random(seed)
    critical = round((0.85 * 1000 - 600) / 390 * (steps - 1))
    chosen = set(chance.sample(range(steps), min(crashes, steps))) | {critical, critical + 1}
    return {step: chance.randint(1, 12) for step in sorted(chosen) if step < steps}


def quiet() -> None:
    """The local AWS logs every request; the bench prints only its table."""
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # moto's interpreter warns, on every definition it parses, that it doesn't apply
    # ToleratedFailurePercentage (tests/twin/materialise.py says what the twin changes)
    logging.getLogger("moto.stepfunctions").setLevel(logging.ERROR)


def run(
    hours: float, faults: dict[str, Any], crashes: int, seed: int, fan_out: bool = False
) -> dict[str, Any]:
    plan = read_plan(ROOT / "stacks", "twin-faults", FAN_OUT if fan_out else CONFIGURED)
    with tempfile.TemporaryDirectory() as work:
        twin = Twin(Path(work), faults=faults).start()
        try:
            twin.deploy(plan)
            engine = twin.service.hosts["engine"]
            approval = twin.service.hosts["approval"]
            planned = crash_plan(int(hours * 12), crashes, seed) if crashes else {}
            chance = random.Random(seed)
            armed: list[str] = []

            collector = twin.service.hosts.get("collector")

            def before_step(step: int, _: Twin) -> None:
                if step in planned:
                    engine.crash_next(planned[step])
                    if collector is not None:  # a batch dies too, mid-way
                        collector.crash_next(chance.randint(1, 4))
                    # the approval function parks the workflow's token in the same step
                    approval.crash_next(chance.randint(0, 3))
                    armed.append(f"cycle {step}")

            def before_decision(step: int, _: Twin) -> None:
                # the workflow's engine step, filing the approved increase, dies mid-way
                if crashes:
                    engine.crash_next(chance.randint(1, 6))
                    armed.append(f"filing at {step}")

            started = time.perf_counter()
            outcome = climb_for_two_days(
                twin,
                hours=hours,
                before_step=before_step,
                before_decision=before_decision,
                settle_seconds=300.0,
            )
            # Every kind of event, and malformed ones, through the bus and the rules.
            bus = twin.deployment.bus_name
            sent_valid = [entry(name, bus) for name in DETAIL_EVENTS.values()]
            sent_malformed = []
            for index in range(3):
                bad = entry("engine_threshold_exceeded", bus)
                detail = json.loads(bad["Detail"])
                detail["limit"] = f"lots-{index}"
                bad["Detail"] = json.dumps(detail)
                sent_malformed.append(bad)
            events_host = twin.service.hosts["events"]
            before_events = len(events_host.invocations)
            for put in sent_valid + sent_malformed:
                twin.put_events([put])
            letters = twin.dead_letters()
            seconds = time.perf_counter() - started
            summaries = [json.loads(r["output"]) for r in twin.cycle_runs if r.get("output")]
        finally:
            twin.stop()

    engine_invocations = engine.invocations
    filed = outcome.requests
    per_quota = Counter((r.service, r.code) for r in filed)
    audit = Counter(a["kind"] for a in outcome.audit)
    alerts = Counter(a.get("kind") for a in outcome.alerts)
    malformed_letters = [
        letter
        for letter in letters
        if str(letter.get("requestPayload", {}).get("detail", {}).get("limit", "")).startswith(
            "lots-"
        )
    ]
    return {
        "seconds": round(seconds, 1),
        "cycles_attempted": outcome.cycles,
        "cycles_completed": outcome.cycles - outcome.failed_cycles,
        "engine_invocations": len(engine_invocations),
        "engine_crashes": sum(i.error_type == "Runtime.ExitError" for i in engine_invocations),
        "engine_errors": Counter(i.error_type for i in engine_invocations if not i.ok),
        "crashes_armed": len(armed),
        "approval_crashes": sum(i.error_type == "Runtime.ExitError" for i in approval.invocations),
        "requests_filed": len(filed),
        "duplicate_requests": sum(n - 1 for n in per_quota.values()),
        "executions": Counter(e["status"] for e in outcome.executions),
        "alerts_delivered": {k: alerts.get(k, 0) for k in ACTIONS[:3]},
        "audit": dict(sorted(audit.items())),
        "audit_missing": {
            kind: expected - audit.get(kind, 0)
            for kind, expected in {
                **{k: alerts.get(k, 0) for k in ACTIONS[:3]},
                "approved_increase": len(filed),
                # the approvers were asked (the notice reached on-call's queue too)
                "approval_pending": len(
                    {
                        a.get("request", {}).get("request_id")
                        for a in outcome.alerts
                        if a.get("kind") == "approval_requested"
                    }
                ),
            }.items()
            if expected != audit.get(kind, 0)
        },
        "events_sent": len(sent_valid) + len(sent_malformed),
        "events_malformed": len(sent_malformed),
        "events_invocations": len(events_host.invocations) - before_events,
        "dead_letters": len(letters),
        "dead_letters_malformed": len(malformed_letters),
        "dead_letters_during_climb": len(outcome.dead_letters),
        **(
            {
                "collector_invocations": len(collector.invocations),
                "collector_crashes": sum(
                    i.error_type == "Runtime.ExitError" for i in collector.invocations
                ),
                # shards (or quotas) a run reported it could not collect
                "runs_reporting_failures": sum(s["report"]["failures"] > 0 for s in summaries),
            }
            if collector is not None
            else {}
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--throttle", type=float, default=0.2)
    parser.add_argument("--lose", type=float, default=0.02)
    parser.add_argument("--crashes", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backoff-scale", type=float, default=0.01)
    parser.add_argument(
        "--fan-out", action="store_true", help="the stack with the fan-out cycle (two regions)"
    )
    args = parser.parse_args(argv)
    quiet()

    clean = run(args.hours, {}, 0, args.seed, args.fan_out)
    faults = {
        "throttle": args.throttle,
        "lose": args.lose,
        "seed": args.seed,
        "backoff_scale": args.backoff_scale,
    }
    faulty = run(args.hours, faults, args.crashes, args.seed, args.fan_out)
    print(f"{'':28} {'clean':>24} {'faults':>24}")
    for name in clean:
        print(f"{name:28} {json.dumps(clean[name], default=dict):>24} "
              f"{json.dumps(faulty[name], default=dict):>24}")  # fmt: skip
    print(
        f"\nfaults: {args.throttle:.0%} of AWS calls throttled, {args.lose:.0%} of responses "
        f"lost, {args.crashes} engine crashes{' (and collector)' if args.fan_out else ''}; "
        f"{args.hours:g} h on the 5-minute schedule, "
        f"seed {args.seed}; clean/faults wall time {clean['seconds'] / faulty['seconds']:.2f}x"
    )
    ok = faulty["duplicate_requests"] == 0 and not faulty["audit_missing"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

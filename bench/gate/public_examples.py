"""How the gate does on programs it was not written against: pulumi/examples' aws-py-* and
gcp-py-* programs, run as checked out, with their own config or none.

    python bench/gate/public_examples.py EXAMPLES_DIR [--quotapilot PATH] [--timeout S]

EXAMPLES_DIR holds the programs (a checkout of github.com/pulumi/examples, or any folder of
Pulumi projects). Run it from a virtualenv that has quotapilot and the Pulumi packages the
programs import (pulumi-aws, pulumi-gcp, pulumi-random, pulumi-command, pulumi-docker,
pulumi-awsx, pulumi-kubernetes, pulumi-mysql, ...), since `check` runs the program as
`pulumi preview` would. Each program is classed as:

- report: `check` ended with a quota report (exit 0 or 1);
- needs-config: exit 2 naming a required config key the program's user must set (the user's
  input, excluded from the rate);
- failed: any other exit 2 (the one line is printed);
- crashed: anything else (a traceback, another exit code, or more than one line on stderr).

The rate is report / (all - needs-config). The figure goes in bench/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = {"aws": ROOT / "examples/quotas/prod.yaml", "gcp": ROOT / "examples/quotas/gcp.yaml"}


def programs(root: Path) -> list[Path]:
    found = []
    for project in sorted(root.rglob("Pulumi.yaml")):
        name = project.parent.relative_to(root).parts[0]
        if name.startswith(("aws-py-", "gcp-py-")):
            found.append(project.parent)
    return found


def classify(code: int | None, stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    if code in (0, 1):
        return "report"
    if code == 2 and len(lines) == 1:
        return "needs-config" if "missing required config key" in lines[0] else "failed"
    return "crashed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("examples", type=Path)
    parser.add_argument("--quotapilot", default=shutil.which("quotapilot") or "quotapilot")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    rows = []
    for program in programs(args.examples):
        cloud = "gcp" if program.relative_to(args.examples).parts[0].startswith("gcp") else "aws"
        command = [
            args.quotapilot,
            "check",
            str(program),
            "--stack",
            "dev",
            "--quotas",
            str(SNAPSHOTS[cloud]),
            "--format",
            "json",
            "--timeout",
            str(args.timeout),
        ]
        started = time.perf_counter()
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=args.timeout + 30
            )
            code, stderr = done.returncode, done.stderr
        except subprocess.TimeoutExpired:
            code, stderr = None, "hung: no answer after the deadline"
        seconds = time.perf_counter() - started
        verdict = classify(code, stderr)
        last = (stderr.strip().splitlines() or [""])[-1][:160]
        rows.append((program.relative_to(args.examples), verdict, code, seconds, last))
        print(f"{verdict:12} {code!s:>4} {seconds:5.1f}s  {program.relative_to(args.examples)}")
        if verdict != "report" and last:
            print(f"{'':24}{last}")
    counted = [r for r in rows if r[1] != "needs-config"]
    reports = sum(r[1] == "report" for r in counted)
    crashed = sum(r[1] == "crashed" for r in rows)
    rate = reports / len(counted) if counted else 0.0
    print(
        f"\n{len(rows)} programs: {reports} report, "
        f"{sum(r[1] == 'needs-config' for r in rows)} need config, "
        f"{sum(r[1] == 'failed' for r in rows)} failed with one line, {crashed} crashed or hung"
    )
    print(f"report rate (excluding needs-config): {reports}/{len(counted)} = {rate:.0%}")
    return 0 if rate >= 0.8 and not crashed else 1


if __name__ == "__main__":
    sys.exit(main())

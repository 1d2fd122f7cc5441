"""What the gate adds on top of running a program under mocks, and what the Analyzer protocol
adds on top of a direct call.

    .venv/bin/python -m bench.gate.check_overhead --sizes 200 2000 --repeat 3

For each size a program of that many resources is generated (instances, Auto Scaling groups
with launch templates, Lambda functions, tables, topics, rules). Side by side in one run:
``plan`` = read the program's plan under mocks (the baseline every offline tool pays);
``check`` = the catalogue, the sources and the Rego verdicts over that plan. Then the same
resources through the policy pack's gRPC AnalyzeStack against a direct ``check_stack`` call.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = """
import pulumi, pulumi_aws as aws
N = {n}
for i in range(N // 8):
    lt = aws.ec2.LaunchTemplate(f"lt{{i}}", instance_type="m5.large")
    aws.autoscaling.Group(f"asg{{i}}", desired_capacity=2, min_size=1, max_size=4,
                          launch_template={{"id": lt.id, "version": "$Latest"}})
    aws.ec2.Instance(f"vm{{i}}", instance_type="c5.xlarge", ami="ami-1")
    aws.dynamodb.Table(f"t{{i}}", hash_key="pk", attributes=[{{"name": "pk", "type": "S"}}])
    aws.sns.Topic(f"topic{{i}}")
    aws.cloudwatch.EventRule(f"rule{{i}}", schedule_expression="rate(5 minutes)")
    aws.sqs.Queue(f"q{{i}}")
    aws.iam.Role(f"role{{i}}", assume_role_policy="{{}}")
"""

QUOTAS = [
    ("ec2", "L-1216C47A", 100000),
    ("autoscaling", "L-CDE20ADC", 100000),
    ("dynamodb", "L-F98FE922", 100000),
    ("sns", "L-61103206", 100000),
    ("events", "L-244521F2", 100000),
    ("iam", "L-FE177D64", 100000, "global"),
]


def make_program(directory: Path, n: int) -> None:
    (directory / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
    (directory / "Pulumi.bench.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (directory / "__main__.py").write_text(PROGRAM.format(n=n))
    entries = [
        {
            "service": q[0],
            "code": q[1],
            "limit": q[2],
            "usage": 0,
            **({"region": q[3]} if len(q) > 3 else {}),
        }
        for q in QUOTAS
    ]
    (directory / "quotas.yaml").write_text(
        yaml.safe_dump(
            {"provider": "aws", "account": "123456789012", "region": "us-east-1", "quotas": entries}
        )
    )


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def gate_overhead(n: int, repeat: int) -> tuple[float, float, int]:
    from quotapilot.gate.check import run_check
    from quotapilot.gate.program import read_plan
    from quotapilot.sources.snapshot import SnapshotSource

    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        make_program(directory, n)
        source = SnapshotSource.from_file(directory / "quotas.yaml")
        plans, checks = [], []
        for _ in range(repeat):
            t_plan, plan = timed(lambda: read_plan(directory, "bench"))
            t_check, _ = timed(
                lambda plan=plan: run_check(plan.resources, source, regions={"aws": "us-east-1"})
            )
            plans.append(t_plan)
            checks.append(t_check)
        return statistics.median(plans), statistics.median(checks), len(plan.resources)


def pack_overhead(n: int, repeat: int) -> tuple[float, float]:
    import grpc
    from google.protobuf import struct_pb2
    from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

    from quotapilot.gate.pack import _cache, check_stack, planned
    from quotapilot.gate.program import read_plan

    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        make_program(directory, n)
        plan = read_plan(directory, "bench")
        config = {"serving": str(directory / "quotas.yaml"), "aws_region": "us-east-1"}

        def struct(value):
            message = struct_pb2.Struct()
            message.update(value)
            return message

        process = subprocess.Popen(
            [sys.executable, "-u", str(ROOT / "policies")],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT / "policies",
        )
        try:
            port = int(process.stdout.readline())
            channel = grpc.insecure_channel(f"127.0.0.1:{port}")
            grpc.channel_ready_future(channel).result(timeout=30)
            stub = analyzer_pb2_grpc.AnalyzerStub(channel)
            stub.Configure(
                analyzer_pb2.ConfigureAnalyzerRequest(
                    policyConfig={
                        "quota-gate": analyzer_pb2.PolicyConfig(properties=struct(config))
                    }
                )
            )
            resources = [
                analyzer_pb2.AnalyzerResource(
                    type=r.type,
                    name=r.name,
                    urn=f"{r.urn}#0",
                    properties=struct(
                        {k: v for k, v in r.properties.items() if isinstance(v, str | int | float)}
                    ),
                )
                for r in plan.resources
            ]
            grpc_times, direct_times = [], []
            for attempt in range(repeat):
                for r in resources:  # new URNs each time: no cached result
                    r.urn = r.urn.rsplit("#", 1)[0] + f"#{attempt}"
                t, _ = timed(
                    lambda: stub.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=resources))
                )
                grpc_times.append(t)

                class Fake:
                    def __init__(self, message):
                        self.resource_type, self.name = message.type, message.name
                        self.urn = message.urn + "direct"
                        self.props = dict(message.properties)
                        self.provider = self.parent = None

                _cache.clear()
                t, _ = timed(lambda: check_stack([planned(Fake(m)) for m in resources], config))
                direct_times.append(t)
            channel.close()
        finally:
            process.terminate()
            process.wait()
        return statistics.median(grpc_times), statistics.median(direct_times)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print("| resources | plan under mocks | check | check / plan |")
    print("|---|---|---|---|")
    for n in args.sizes:
        t_plan, t_check, count = gate_overhead(n, args.repeat)
        print(f"| {count} | {t_plan:.2f} s | {t_check:.3f} s | {t_check / t_plan:.1%} |")
    print()
    print("| resources | pack via AnalyzeStack (gRPC) | direct check | gRPC / direct |")
    print("|---|---|---|---|")
    for n in args.sizes:
        t_grpc, t_direct = pack_overhead(n, args.repeat)
        print(f"| {n} | {t_grpc:.3f} s | {t_direct:.3f} s | {t_grpc / t_direct:.2f}x |")


if __name__ == "__main__":
    main()

"""Ledger throughput and over-admissions: 8 processes racing for one limit.

Side by side in one run, on the same storage:
  exact  -- quotapilot's ledger (SQLite: check and insert under BEGIN IMMEDIATE;
            DynamoDB: one conditional TransactWriteItems per apply)
  naive  -- check-then-insert, the race the ledger fixes: read the usage, compare with the
            limit, insert the delta, with no lock or condition between the read and the write.
  before -- with --before DIR: the exact design of another quotapilot source tree (e.g.
            `git archive HEAD~3 quotapilot | tar -x -C DIR`), to compare a change side by side.

Each process applies +1 to its own stack scope under one team scope whose limit is half of
all attempts, so every process keeps competing for the last units. Reported: applies per
second (attempts, accepted or refused, over wall time) and how far past the limit each
design let the team go.

    .venv/bin/python -m bench.ledger.bench_ledger [--backend sqlite|dynamodb]
        [--processes 8] [--attempts 200] [--before DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

TEAM, QUOTA = "acme/payments", "lambda-concurrency"


# Naive designs -------------------------------------------------------------------------


def naive_sqlite_apply(db: sqlite3.Connection, scope: str, limit: float) -> bool:
    # Autocommit: each statement is its own transaction, so the read and the insert are apart.
    (usage,) = db.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM deltas WHERE quota = ? "
        "AND (scope = ? OR (scope >= ? AND scope < ?))",
        (QUOTA, TEAM, TEAM + "/", TEAM + "0"),
    ).fetchone()
    if usage + 1 > limit:
        return False
    db.execute(
        "INSERT INTO deltas (scope, quota, amount, recorded_at) VALUES (?, ?, 1, '')",
        (scope, QUOTA),
    )
    return True


def naive_dynamodb_apply(client, table: str, scope: str, limit: float) -> bool:
    from quotapilot.ledger.dynamodb import layout

    item = client.get_item(
        TableName=table, Key=layout.totals_key(TEAM, QUOTA), ConsistentRead=True
    ).get("Item", {})
    if (layout.read_number(item, layout.USAGE) or 0) + 1 > limit:
        return False
    # The exact design's totals updates, without their conditions.
    updates = [
        layout.usage_update(node, QUOTA, 1, check_limit=False, own=False)
        for node in ("acme", TEAM, scope)
    ]
    client.transact_write_items(
        TransactItems=[{"Update": {"TableName": table, **update}} for update in updates]
    )
    return True


# Worker ----------------------------------------------------------------------------------


def worker(design: str, url: str, scope: str, attempts: int, limit: float, start_at: float):
    from quotapilot.ledger import QuotaExceeded, open_ledger

    ledger = open_ledger(url)
    ledger.usage(scope, QUOTA)  # connect before the start
    accepted = 0
    time.sleep(max(0.0, start_at - time.time()))
    began = time.perf_counter()
    for _ in range(attempts):
        if design != "naive":
            try:
                ledger.apply(scope, {QUOTA: 1})
                accepted += 1
            except QuotaExceeded:
                pass
        elif url.startswith("sqlite"):
            accepted += naive_sqlite_apply(ledger._db, scope, limit)
        else:
            accepted += naive_dynamodb_apply(ledger.client, ledger.table, scope, limit)
    elapsed = time.perf_counter() - began
    ledger.close()
    return accepted, elapsed


def run(
    design: str, url: str, processes: int, attempts: int, limit: float, before: Path | None
) -> dict:
    from quotapilot.ledger import open_ledger

    with open_ledger(url) as ledger:
        ledger.set_limit(TEAM, QUOTA, limit)
    start_at = time.time() + 2.0  # after every process has started and connected
    jobs = [(design, url, f"{TEAM}/stack{i}", attempts, limit, start_at) for i in range(processes)]
    # Spawned processes start with this process's sys.path: put the other tree first.
    tree = [str(before)] if design == "before" and before else []
    sys.path[:0] = tree
    try:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            results = pool.starmap(worker, jobs)
    finally:
        del sys.path[: len(tree)]
    with open_ledger(url) as ledger:
        final = ledger.usage(TEAM, QUOTA)
    wall = max(elapsed for _, elapsed in results)
    return {
        "design": design,
        "throughput": processes * attempts / wall,
        "accepted": sum(a for a, _ in results),
        "usage": final,
        "over": max(0.0, final - limit),
    }


def fresh_url(backend: str, workdir: Path, name: str, endpoint: str | None) -> str:
    if backend == "sqlite":
        return f"sqlite:///{workdir}/{name}.db"
    import boto3

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.ledger.conftest import create_table

    create_table(boto3.client("dynamodb", region_name="us-east-1", endpoint_url=endpoint), name)
    return f"dynamodb://{name}?region=us-east-1&endpoint_url={endpoint}"


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "dynamodb"], default="sqlite")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument(
        "--before",
        type=Path,
        help="a source tree holding an earlier quotapilot/ to run as the 'before' design",
    )
    args = parser.parse_args(argv)
    if args.before and not (args.before / "quotapilot" / "ledger").is_dir():
        parser.error(f"--before {args.before}: no quotapilot/ledger in it")
    designs = ["naive", "exact", "before"] if args.before else ["naive", "exact"]
    limit = args.processes * args.attempts // 2

    server = endpoint = None
    if args.backend == "dynamodb":
        import os

        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
        from tests.ledger.racing import IsolatingMotoServer, free_port

        port = free_port()
        server = IsolatingMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        endpoint = f"http://127.0.0.1:{port}"
    try:
        with tempfile.TemporaryDirectory() as workdir:
            rows = [
                run(
                    design,
                    fresh_url(args.backend, Path(workdir), design, endpoint),
                    args.processes,
                    args.attempts,
                    limit,
                    args.before,
                )
                for design in designs
            ]
    finally:
        if server:
            server.stop()
    naive = rows[0]
    print(f"{args.backend}: {args.processes} processes x {args.attempts} applies, limit {limit}")
    print(f"{'design':8} {'applies/s':>10} {'vs naive':>9} {'accepted':>9} {'over limit':>11}")
    for row in rows:
        print(
            f"{row['design']:8} {row['throughput']:10.0f} "
            f"{row['throughput'] / naive['throughput']:8.2f}x {row['accepted']:9d} "
            f"{row['over']:11.0f}"
        )
    return rows


if __name__ == "__main__":
    main()

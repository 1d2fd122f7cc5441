"""``quotapilot report``: after the deploy, what was raised and stays unused."""

from __future__ import annotations

import enum
import json
from pathlib import Path

import typer


class ReportFormat(enum.StrEnum):
    table = "table"
    json = "json"


def report(
    quotas: str = typer.Option(
        ..., "--quotas", help="Quotas: a snapshot file, aws, aws:REGION or gcp:PROJECT"
    ),
    history: Path | None = typer.Option(
        None, "--history", help="Usage CSV (timestamp,service,code,region,usage,limit)"
    ),
    ledger: str | None = typer.Option(
        None, "--ledger", help="Also list ledger allocations teams don't use"
    ),
    requests: list[Path] = typer.Option(
        [], "--requests", help="`quotapilot request` JSON: the quotas the pipeline raised"
    ),
    below: float = typer.Option(30.0, "--below", help="Mostly unused: peak below this percent"),
    days: int = typer.Option(30, "--days", help="Over this many days of history"),
    output_format: ReportFormat = typer.Option(ReportFormat.table, "--format"),
) -> None:
    """List raised quotas that stay mostly unused (candidates to release) and unused ledger
    allocations. GCP preferences can be lowered; AWS limits can't be decreased."""
    import math

    from quotapilot.exceptions import InputError
    from quotapilot.pipeline.release import release_candidates, unused_allocations
    from quotapilot.sources import SnapshotSource, open_source

    if not math.isfinite(below) or not 0 < below <= 100:
        raise InputError("must be a percentage above 0 and at most 100", field="--below")
    if days < 1:
        raise InputError("must be at least 1", field="--days")
    points = {}
    if history is not None:
        from quotapilot.engine.simulate.history import read_history

        points = read_history(history)
    source = open_source(quotas)
    keys = list(points)
    if isinstance(source, SnapshotSource):
        keys += [key.unbound for key in source.keys]
    raised = []
    if requests:
        from quotapilot.pipeline.requests import GOOD, Status, read_requests

        for path in requests:
            raised += [r.key for r in read_requests(path) if r.status in GOOD - {Status.PLANNED}]
        keys += [key.unbound for key in raised]
    if not keys and not isinstance(source, SnapshotSource):
        raise InputError(
            "a live source can't list its quotas: give --history or --requests to name them",
            field="--quotas",
        )
    found = release_candidates(
        source.read(dict.fromkeys(keys)),
        points,
        raised_by_pipeline=raised,
        below_pct=below,
        days=days,
    )
    candidates = found.candidates
    allocations = []
    if ledger is not None:
        from quotapilot.ledger import open_ledger

        _must_exist(ledger)
        with open_ledger(ledger) as opened:
            allocations = unused_allocations(opened.lines(None), below_pct=below)
    if output_format is ReportFormat.json:
        document = {
            "quotas": [c.to_json() for c in candidates],
            "allocations": [a.to_json() for a in allocations],
            "skipped": [{"quota": q, "why": why} for q, why in found.skipped],
        }
        typer.echo(json.dumps(document, indent=2))
        return
    if not candidates and not allocations:
        typer.echo(f"nothing to release: no raised quota or allocation below {below:g}% used")
    for c in candidates:
        raised = "raised" if c.raised else "raised?"
        typer.echo(
            f"{c.quota}: limit {c.limit:g} ({raised}), peak {c.peak_usage:g} = {c.peak_pct:g}% "
            f"({c.evidence})\n    {c.how}"
        )
    for quota, why in found.skipped:
        typer.echo(f"not judged: {quota}: {why}", err=True)
    for a in allocations:
        typer.echo(
            f"ledger {a.scope}: {a.quota} allocation {a.limit:g}, used {a.usage:g} "
            f"= {a.usage_pct:g}%: lower it with `quotapilot ledger set-limit`"
        )


def _must_exist(url: str) -> None:
    """A report only reads: opening a mistyped SQLite path must not create a ledger there."""
    from urllib.parse import urlsplit

    from quotapilot.exceptions import InputError

    parts = urlsplit(url)
    if parts.scheme == "sqlite" and not parts.netloc:
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if path and not Path(path).is_file():
            raise InputError("no such ledger file (report only reads it)", path=path)


def register(app: typer.Typer) -> None:
    app.command("report")(report)

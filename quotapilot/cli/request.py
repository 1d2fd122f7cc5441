"""``quotapilot request``: ask the clouds for what a blocked check needs."""

from __future__ import annotations

import enum
import json
from pathlib import Path

import typer


class RequestFormat(enum.StrEnum):
    table = "table"
    json = "json"
    github = "github"


def request(
    findings: Path = typer.Option(
        ..., "--findings", help="The JSON report of `quotapilot check --format json`"
    ),
    auto_approve_below: float = typer.Option(
        1000.0,
        "--auto-approve-below",
        help="USD per month: a request estimated at this or more needs approval",
    ),
    approve: list[str] = typer.Option(
        [], "--approve", help="File this PROVIDER:SERVICE/CODE@REGION even above the threshold"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Plan only; call no cloud"),
    output_format: RequestFormat = typer.Option(RequestFormat.table, "--format"),
    output: Path | None = typer.Option(
        None, "--output", help="Also write the JSON (what `quotapilot wait` reads) here"
    ),
    environment: str = typer.Option(
        "", "--environment", help="Environment named in the requests' justification"
    ),
    project: str = typer.Option("", "--project", help="GCP project for GCP findings"),
    contact_email: str = typer.Option(
        "", "--contact-email", help="Contact Google may ask about GCP increases"
    ),
) -> None:
    """Request the increases a blocked check needs (exit 1 when something needs approval or
    can't be requested)."""
    import math

    from quotapilot.exceptions import InputError
    from quotapilot.pipeline import clouds
    from quotapilot.pipeline.findings import read_check_report
    from quotapilot.pipeline.requests import exit_code, file_all, justification_for, plan

    if not math.isfinite(auto_approve_below) or auto_approve_below < 0:
        raise InputError("must be a finite number >= 0", field="--auto-approve-below")
    report = read_check_report(findings, project=project)
    planned = plan(report.shortfalls, auto_approve_below=auto_approve_below, approved=approve)
    if not dry_run:
        connected = clouds.connect()
        by_key = {s.key: s for s in report.shortfalls}
        planned = file_all(
            planned,
            lambda item: connected.increases_for(item, contact_email),
            lambda item: justification_for(item, by_key.get(item.key), environment),
        )
    document = {"requests": [item.to_json() for item in planned]}
    document["unresolved"] = [{"kind": k, "message": m} for k, m in report.unresolved]
    if output is not None:
        from quotapilot.pipeline.documents import write_json_atomically

        write_json_atomically(output, document)
    if output_format is RequestFormat.json:
        typer.echo(json.dumps(document, indent=2))
    else:
        from quotapilot.pipeline.show import requests_github, requests_table

        if output_format is RequestFormat.github:
            typer.echo(requests_github(planned, report.unresolved))
        else:
            requests_table(planned, report.unresolved)
    raise typer.Exit(exit_code(planned, len(report.unresolved)))


def register(app: typer.Typer) -> None:
    app.command("request")(request)

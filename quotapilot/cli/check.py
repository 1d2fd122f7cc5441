"""``quotapilot check``: the quota gate, offline, for CI and for people."""

from __future__ import annotations

import enum
from pathlib import Path

import typer

from quotapilot.cli import options
from quotapilot.gate import settings


class CheckFormat(enum.StrEnum):
    table = "table"
    json = "json"
    github = "github"


def check(
    program_dir: Path | None = typer.Argument(
        None, help="The Pulumi program's directory (or give --terraform-plan)"
    ),
    stack: str | None = typer.Option(
        None, "--stack", help="Stack name: reads Pulumi.<stack>.yaml (Pulumi programs)"
    ),
    terraform_plan: Path | None = typer.Option(
        None,
        "--terraform-plan",
        help="Check a Terraform plan instead: the JSON of `terraform show -json tfplan`",
    ),
    quotas: str = typer.Option(
        ..., "--quotas", help="Serving quotas: a snapshot file, aws, aws:REGION or gcp:PROJECT"
    ),
    baseline: str | None = typer.Option(
        None, "--baseline", help="Load-test quotas to check for regression (same forms)"
    ),
    deployed: Path | None = typer.Option(
        None, "--deployed", help="`pulumi stack export` JSON of what this stack already holds"
    ),
    config: list[str] = typer.Option([], "--config", help="KEY=VALUE config override"),
    buffer: float = typer.Option(
        settings.BUFFER_PCT,
        "--buffer",
        help="Safety buffer, percent of the limit (0 to <100)",
        callback=options.buffer_pct,
    ),
    output_format: CheckFormat = typer.Option(
        CheckFormat.table, "--format", help="table for people, json for tools, github for CI"
    ),
    strict: bool = typer.Option(False, "--strict", help="Unknown quotas block instead of warn"),
    low_headroom: float = typer.Option(
        settings.LOW_HEADROOM_PCT,
        "--low-headroom",
        help="Warn when a quota ends at least this percent full (0 to 100)",
        callback=options.percent,
    ),
    watch: list[str] = typer.Option(
        [], "--watch", help="Also check PROVIDER:SERVICE/CODE@REGION for regression"
    ),
    policies: list[Path] = typer.Option([], "--policies", help="Extra .rego files or dirs"),
    opa_url: str | None = typer.Option(None, "--opa-url", help="Evaluate on this OPA server"),
    ledger: str | None = typer.Option(None, "--ledger", help="Ledger URL for --scope"),
    scope: str | None = typer.Option(
        None, "--scope", help="Ledger scope whose allocation the plan must fit"
    ),
    write_input: Path | None = typer.Option(
        None, "--write-input", help="Also write the document the Rego rules read (for conftest)"
    ),
    timeout: float = typer.Option(
        300.0,
        "--timeout",
        help="Seconds the program may run before it is stopped, with all it started",
        callback=options.seconds,
    ),
    seasons: Path | None = typer.Option(
        None, "--seasons", help="Quota levels with seasons (YAML): warn ahead of a busy season"
    ),
) -> None:
    """Check a Pulumi program's plan, or a Terraform plan, against the serving quotas (exit
    1 when blocked).

    A Pulumi program's code runs, as in `pulumi preview`, under mocks and without the
    caller's cloud credentials or tokens. A Terraform plan is only read.
    """
    from quotapilot import extras
    from quotapilot.exceptions import InputError
    from quotapilot.gate.check import parse_key, run_check
    from quotapilot.gate.program import read_plan
    from quotapilot.gate.report import as_github, as_json, print_table
    from quotapilot.sources import open_source

    if (ledger or scope) and not scope:
        raise InputError("--ledger needs --scope (the team or stack the plan is charged to)")
    if opa_url:
        extras.require("opa", "--opa-url")
    for source in (quotas, baseline):
        if source and source.startswith("gcp:"):
            extras.require("gcp", "reading GCP quotas")
    if terraform_plan is not None:
        from quotapilot.gate.terraform import read_terraform_plan

        if program_dir is not None or stack is not None or deployed is not None:
            raise InputError(
                "--terraform-plan takes no PROGRAM_DIR, --stack or --deployed (the plan says "
                "what exists)"
            )
        plan = read_terraform_plan(terraform_plan, config)
    elif program_dir is None or stack is None:
        raise InputError("give PROGRAM_DIR and --stack, or --terraform-plan PLAN.json")
    else:
        plan = read_plan(program_dir, stack, config, timeout=timeout)
    deployed_resources = []
    if deployed is not None:
        from quotapilot.ledger.export import read_export

        deployed_resources = read_export(deployed)
    allocation = None
    if scope:
        from quotapilot.ledger import default_url, open_ledger
        from quotapilot.ledger.source import LedgerSource

        # check only reads the ledger: a mistyped URL is an error, never a new empty ledger.
        allocation = LedgerSource(open_ledger(ledger or default_url(), must_exist=True), scope)
    levels = ()
    if seasons is not None:
        from quotapilot.seasons import load_levels

        levels = load_levels(seasons)
        # Seasonal quotas are checked even where the plan doesn't touch them.
        watch = [
            *watch,
            *(
                str(lv.key(plan.aws_region if lv.provider == "aws" else plan.gcp_region))
                for lv in levels
            ),
        ]
    result = run_check(
        plan.resources,
        open_source(quotas),
        baseline=open_source(baseline) if baseline else None,
        allocation=allocation,
        allocation_scope=scope or "",
        deployed=deployed_resources,
        regions={"aws": plan.aws_region, "gcp": plan.gcp_region},
        buffer=buffer / 100,
        low_headroom_pct=low_headroom,
        strict=strict,
        watch=[parse_key(text) for text in watch],
        policies=policies,
        opa_url=opa_url,
        project=plan.gcp_project,
        lookups=plan.lookups,
        seasons=levels,
        freed=getattr(plan, "freed", ()),
        existing=getattr(plan, "existing", ()),
        plan_input=getattr(plan, "document", None),
    )
    if write_input is not None:
        _write_document(write_input, result.document)
    if output_format is CheckFormat.json:
        typer.echo(as_json(result))
    elif output_format is CheckFormat.github:
        typer.echo(as_github(result))
    else:
        print_table(result)
    raise typer.Exit(0 if result.passed else 1)


def _write_document(path: Path, document: dict | None) -> None:
    import json

    from quotapilot.exceptions import InputError

    try:
        path.write_text(json.dumps(document, indent=1, default=str) + "\n", encoding="utf-8")
    except OSError as error:
        raise InputError(f"can't write it: {error.strerror or error}", path=str(path)) from None


def register(app: typer.Typer) -> None:
    app.command("check")(check)

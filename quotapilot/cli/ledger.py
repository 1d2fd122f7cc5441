"""``quotapilot ledger``: set limits, apply deltas, record stacks, show the scope tree."""

from __future__ import annotations

import math
from pathlib import Path

import typer

from quotapilot.cli.options import help_without_command
from quotapilot.exceptions import InputError

ledger_app = typer.Typer(
    help="The internal quota ledger: split cloud quotas among teams and stacks.",
    invoke_without_command=True,
    callback=help_without_command,
)

LEDGER_OPTION = typer.Option(
    None,
    "--ledger",
    help="Ledger URL (sqlite:///path.db or dynamodb://TABLE?region=R); default: "
    "$QUOTAPILOT_LEDGER or sqlite:///.quotapilot/ledger.db",
)


def _open(url: str | None, *, must_exist: bool = False):
    """The ledger at ``url``; ``must_exist`` for commands that only read (they create none)."""
    from quotapilot.ledger import default_url, open_ledger

    return open_ledger(url or default_url(), must_exist=must_exist)


def _fmt(value: float | None) -> str:
    if value is None:
        return "unlimited"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@ledger_app.command("set-limit")
def set_limit(
    scope: str = typer.Argument(..., help="Scope path, e.g. acme/payments"),
    quota: str = typer.Argument(..., help="Quota name"),
    limit: str = typer.Argument(..., help="A number, or 'unlimited'"),
    ledger_url: str | None = LEDGER_OPTION,
) -> None:
    """Set a scope's limit for one quota."""
    if limit.lower() in ("unlimited", "none", "-1"):
        value = None
    else:
        try:
            value = float(limit)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0:  # "nan", "inf", "1e309", "-5"
            raise InputError(
                "must be a non-negative number or 'unlimited'", field="LIMIT", value=limit
            ) from None
    with _open(ledger_url) as ledger:
        ledger.set_limit(scope, quota, value)
    typer.echo(f"{scope}: {quota} limit {_fmt(value)}")


@ledger_app.command("apply")
def apply(
    scope: str = typer.Argument(..., help="Scope path the deltas are recorded at"),
    deltas: list[str] = typer.Argument(..., help="QUOTA=DELTA pairs, e.g. vcpus=8 ips=-1"),
    ledger_url: str | None = LEDGER_OPTION,
) -> None:
    """Apply deltas atomically: all are recorded, or none if any limit would be exceeded."""
    amounts: dict[str, float] = {}
    for pair in deltas:
        quota, sep, text = pair.rpartition("=")
        if not sep or not quota:
            raise InputError("expected QUOTA=DELTA", field="DELTAS", value=pair)
        try:
            amount = float(text)
        except ValueError:
            amount = math.nan
        if not math.isfinite(amount):
            raise InputError("the delta must be a finite number", field="DELTAS", value=pair)
        amounts[quota] = amounts.get(quota, 0.0) + amount
    with _open(ledger_url) as ledger:
        recorded = ledger.apply(scope, amounts)
        for quota in amounts:
            typer.echo(
                f"{scope}: {quota} {recorded.get(quota, 0):+g} -> usage "
                f"{_fmt(ledger.usage(scope, quota))}"
            )


@ledger_app.command("record")
def record(
    scope: str = typer.Argument(..., help="The stack's scope path, e.g. acme/payments/api"),
    export: Path = typer.Argument(..., help="`pulumi stack export` JSON of the deployed stack"),
    region: str | None = typer.Option(
        None, "--region", help="Region for resources whose provider names none"
    ),
    ledger_url: str | None = LEDGER_OPTION,
) -> None:
    """Record a deployed stack's usage; recording again replaces the previous figures."""
    from quotapilot.ledger.record import record_stack

    with _open(ledger_url) as ledger:
        result = record_stack(ledger, scope, export, default_region=region)
    for quota, amount in sorted(result.measurement.usage.items()):
        change = result.deltas.get(quota, 0.0)
        typer.echo(f"{scope}: {quota} = {_fmt(amount)} ({change:+g})")
    for quota, change in sorted(result.deltas.items()):
        if quota not in result.measurement.usage:
            typer.echo(f"{scope}: {quota} = 0 ({change:+g}, no longer used)")
    for reason in result.measurement.unknown:
        typer.echo(f"warning: not counted: {reason}", err=True)
    for over_scope, quota, usage, limit in result.over:
        typer.echo(
            f"warning: {over_scope} is over its {quota} allocation: {_fmt(usage)} > {_fmt(limit)}",
            err=True,
        )


@ledger_app.command("show")
def show(
    scope: str | None = typer.Argument(None, help="Show only this scope's subtree"),
    ledger_url: str | None = LEDGER_OPTION,
) -> None:
    """Show the scope tree with usage against limits."""
    from rich.console import Console

    from quotapilot.ledger.view import render_tree

    with _open(ledger_url, must_exist=True) as ledger:
        lines = ledger.lines(scope)
        title = ledger.name
    console = Console()
    if not lines:
        console.print(f"{title}: nothing recorded" + (f" under {scope}" if scope else ""))
        return
    console.print(render_tree(lines, title))


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")

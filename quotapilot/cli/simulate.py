"""``quotapilot simulate``: replay a usage history through the engine's forecasting and
decision code, with no cloud, and report what the engine would have done."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


def simulate(
    history: Path = typer.Option(
        ..., "--history", help="CSV: timestamp,service,code,region,usage,limit"
    ),
    rules: Path = typer.Option(..., "--rules", help="RULES.yaml with a 'rules:' list"),
    output_format: OutputFormat = typer.Option(
        OutputFormat.table, "--format", help="table or json"
    ),
    plot: Path | None = typer.Option(
        None, "--plot", help="Write a PNG of usage, limits, forecasts and decisions"
    ),
) -> None:
    """Replay a usage history and report what the engine would have done."""
    from quotapilot import extras

    extras.require("engine", "quotapilot simulate")
    if plot is not None:
        extras.require("plot", "--plot")
    from quotapilot.engine.decision.forecasting import engine_forecaster
    from quotapilot.engine.simulate.history import read_history, read_rules
    from quotapilot.engine.simulate.replay import decision_rows, replay

    points = read_history(history)
    rule_list = read_rules(rules)
    replays = replay(points, rule_list, engine_forecaster())
    for quota in replays:
        if quota.rule is None:
            typer.echo(f"note: no rule for {quota.key}; not simulated", err=True)
    rows = decision_rows(replays)
    if output_format is OutputFormat.json:
        typer.echo(json.dumps({"decisions": rows}, indent=2))
    else:
        _print_table(rows)
    if plot is not None:
        from quotapilot.engine.simulate.plot import plot_replays

        plot_replays(replays, plot)
        typer.echo(f"plot written to {plot}", err=True)


def _print_table(rows: list[dict[str, object]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} decision(s)")
    for column in ("timestamp", "quota", "action", "util %", "pred %", "limit", "new limit"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["timestamp"]),
            f"{row['service']}/{row['code']}@{row['region']}",
            str(row["action"]),
            _pct(row["utilization"]),
            _pct(row["predicted_utilization"]),
            _num(row["limit"]),
            _num(row["new_limit"]),
        )
    Console(width=140).print(table)


def _pct(value: object) -> str:
    return "inf" if value is None else f"{float(value):.1f}"  # type: ignore[arg-type]


def _num(value: object) -> str:
    return "" if value is None else f"{float(value):g}"  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)

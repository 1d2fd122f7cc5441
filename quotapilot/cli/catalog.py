"""``quotapilot catalog``: the demand rules, for people (table) or tools (JSON)."""

from __future__ import annotations

import enum
import json

import typer


class CatalogFormat(enum.StrEnum):
    table = "table"
    json = "json"


def catalog_rows() -> list[dict[str, object]]:
    """One row per (rule, quota) pair."""
    from quotapilot.catalogue import catalogue

    rows: list[dict[str, object]] = []
    for rule in catalogue:
        for ref in rule.quotas:
            rows.append(
                {
                    "resource_type": rule.resource_type,
                    "provider": rule.provider,
                    "service": ref.service,
                    "quota_code": ref.code,
                    "quota_name": ref.name,
                    "scope": str(ref.scope),
                    "per": ref.per or None,
                    "floor": ref.floor,
                    "doc": rule.doc(),
                }
            )
    return rows


def catalog(
    output_format: CatalogFormat = typer.Option(
        CatalogFormat.table, "--format", help="table for people, json for tools"
    ),
    provider: str | None = typer.Option(None, "--provider", help="Only aws or gcp rules"),
) -> None:
    """List what each planned resource type costs in quota."""
    rows = catalog_rows()
    if provider:
        rows = [row for row in rows if row["provider"] == provider]
    if output_format is CatalogFormat.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len({r['resource_type'] for r in rows})} resource types")
    for column in ("resource type", "quota", "scope", "what it costs"):
        table.add_column(column)
    last = None
    for row in rows:
        first = row["resource_type"] != last
        last = row["resource_type"]
        scope = str(row["scope"]) + (f" per {row['per']}" if row["per"] else "")
        table.add_row(
            str(row["resource_type"]) if first else "",
            f"{row['service']} {row['quota_code']}\n[dim]{row['quota_name']}[/dim]",
            scope,
            str(row["doc"]) if first else "",
        )
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command("catalog")(catalog)

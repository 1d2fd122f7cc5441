"""``quotapilot package``: build the Lambda deployment packages ahead of ``pulumi up``.

The zips are what ``QuotaAutomationArgs(code=...)`` (``code`` in other languages) takes, for
machines that deploy without pip access to PyPI or that want to build once and deploy often.
"""

from __future__ import annotations

from pathlib import Path

import typer


def package(
    functions: list[str] = typer.Argument(
        None, help="Functions to build (engine, events, approval, collector); default: all"
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Directory for the zips; default: the user cache"
    ),
) -> None:
    """Build each function's deployment zip and print its path."""
    from quotapilot import wiring
    from quotapilot.components import bundle
    from quotapilot.exceptions import InputError

    chosen = functions or list(wiring.ALL_FUNCTIONS)
    unknown = [f for f in chosen if f not in wiring.ALL_FUNCTIONS]
    if unknown:
        raise InputError(
            f"no such function; one of {', '.join(wiring.ALL_FUNCTIONS)}",
            field="FUNCTIONS",
            value=unknown[0],
        )
    for function in chosen:
        typer.echo(f"{function}={bundle.build(function, out)}")


def register(app: typer.Typer) -> None:
    app.command("package")(package)

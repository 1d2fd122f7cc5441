"""``quotapilot policies DIR``: write quotapilot's Rego rules where conftest or OPA reads them.

The files are the package's own (the check evaluates the same ones), plus the conftest
adapter that restates each finding with the ``msg`` conftest prints.
"""

from __future__ import annotations

from pathlib import Path

import typer


def policies(
    directory: Path = typer.Argument(..., help="Where to write the .rego files (created)"),
) -> None:
    """Write quotapilot's Rego rules and the conftest adapter to DIRECTORY."""
    from importlib import resources

    from quotapilot.exceptions import InputError

    rego = resources.files("quotapilot.gate").joinpath("rego")
    files = [p for p in rego.iterdir() if p.name.endswith(".rego")]
    files += [p for p in rego.joinpath("conftest").iterdir() if p.name.endswith(".rego")]
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for file in files:
            (directory / file.name).write_text(file.read_text(), encoding="utf-8")
    except OSError as error:
        raise InputError(
            f"can't write it: {error.strerror or error}", path=str(directory)
        ) from None
    for file in files:
        typer.echo(str(directory / file.name))


def register(app: typer.Typer) -> None:
    app.command("policies")(policies)

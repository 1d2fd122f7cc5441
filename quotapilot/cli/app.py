"""The typer application and the entry point that turns quotapilot's errors into exit codes.

Each command lives in its own module under ``quotapilot.cli`` with a ``register(app)``
function; this module only assembles them. Commands import their heavy dependencies (boto3,
pulumi, scikit-learn) inside the command function.
"""

from __future__ import annotations

import importlib
import os
import sys

import typer

app = typer.Typer(
    name="quotapilot",
    help="Keep cloud quotas ahead of the infrastructure that needs them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: Modules under quotapilot.cli that each add their commands with register(app).
COMMAND_MODULES: tuple[str, ...] = (
    "check",
    "catalog",
    "ledger",
    "simulate",
    "request",
    "wait",
    "report",
)


def _register_commands() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"quotapilot.cli.{name}").register(app)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        from quotapilot._version import __version__

        typer.echo(__version__)
        raise typer.Exit(0)


_register_commands()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; quotapilot's own errors become one line on stderr and exit code 2.

    Set ``QUOTAPILOT_DEBUG=1`` to get the traceback instead.
    """
    from quotapilot.exceptions import QuotapilotError

    try:
        # Without standalone mode click returns typer.Exit's code instead of exiting.
        result = app(args=argv, prog_name="quotapilot", standalone_mode=False)
    except QuotapilotError as error:
        if os.environ.get("QUOTAPILOT_DEBUG"):
            raise
        typer.echo(f"error: {error}", err=True)
        return error.exit_code
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 130
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # click's usage errors and anything unexpected
        import click

        if isinstance(error, click.exceptions.ClickException):
            error.show()
            return 2
        if os.environ.get("QUOTAPILOT_DEBUG"):
            raise
        typer.echo(
            f"error: unexpected {type(error).__name__}: {error} "
            "(set QUOTAPILOT_DEBUG=1 for the traceback)",
            err=True,
        )
        return 3
    return result if isinstance(result, int) else 0


def entry_point() -> None:
    sys.exit(main())

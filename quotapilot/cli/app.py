"""The typer application and the entry point that turns quotapilot's errors into exit codes.

Each command lives in its own module under ``quotapilot.cli`` with a ``register(app)``
function; this module only assembles them. Commands import their heavy dependencies (boto3,
pulumi, scikit-learn) inside the command function.

Exit codes are the gate's contract: 0 passed, 1 blocked, 2 bad input or usage, 3 a bug.
Usage errors are recognised by typer's public exception base (``typer.TyperException``), never
by importing click: typer vendors its own parser since 0.29, and whatever it raises for a bad
command line derives from that base.
"""

from __future__ import annotations

import importlib
import os
import sys

import typer

from quotapilot.cli.options import help_without_command

app = typer.Typer(
    name="quotapilot",
    help="Keep cloud quotas ahead of the infrastructure that needs them.",
    add_completion=True,
    pretty_exceptions_enable=False,
)

#: Modules under quotapilot.cli that each add their commands with register(app).
COMMAND_MODULES: tuple[str, ...] = (
    "check",
    "catalog",
    "ledger",
    "simulate",
    "package",
    "policies",
    "request",
    "wait",
    "report",
)

#: Exit codes (see the README).
EXIT_USAGE = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130


def _register_commands() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"quotapilot.cli.{name}").register(app)


def _print_version(value: bool) -> None:
    if value:
        from quotapilot._version import __version__

        typer.echo(f"quotapilot {__version__}")
        raise typer.Exit(0)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False,
        "--version",
        is_eager=True,  # answered while parsing, before a command is required
        callback=_print_version,
        help="Print the version and exit.",
    ),
) -> None:
    help_without_command(ctx)


_register_commands()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _usage_error(error: typer.TyperException) -> str:
    command = getattr(getattr(error, "ctx", None), "command_path", None) or "quotapilot"
    return f"error: {_one_line(error.format_message())} (see '{command} --help')"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; errors become one line on stderr and an exit code.

    Set ``QUOTAPILOT_DEBUG=1`` to get the traceback instead.
    """
    from quotapilot import extras
    from quotapilot.exceptions import QuotapilotError

    debug = bool(os.environ.get("QUOTAPILOT_DEBUG"))
    try:
        # Without standalone mode typer returns or raises instead of exiting, so every
        # outcome goes through the exit codes below.
        result = app(args=argv, prog_name="quotapilot", standalone_mode=False)
    except QuotapilotError as error:
        if debug:
            raise
        typer.echo(f"error: {error}", err=True)
        return error.exit_code
    except typer.Exit as done:
        return done.exit_code
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aborted", err=True)
        return EXIT_INTERRUPTED
    except typer.TyperException as error:  # bad option, missing argument, bad value
        typer.echo(_usage_error(error), err=True)
        return EXIT_USAGE
    except Exception as error:
        if debug:
            raise
        # An optional dependency imported past the command's own check: name the extra.
        extra = extras.extra_of(error.name) if isinstance(error, ModuleNotFoundError) else None
        if extra is not None:
            typer.echo(f"error: {extras.message(extra, 'this command')}", err=True)
            return EXIT_USAGE
        typer.echo(
            f"error: unexpected {type(error).__name__}: {_one_line(str(error))} "
            "(set QUOTAPILOT_DEBUG=1 for the traceback)",
            err=True,
        )
        return EXIT_BUG
    return result if isinstance(result, int) else 0


def entry_point() -> None:
    sys.exit(main())

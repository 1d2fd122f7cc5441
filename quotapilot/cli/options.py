"""Callbacks shared by the commands: numeric validation, and help for a bare group.

A bad number is a usage error (exit 2, one line naming the option), raised as typer's own
``BadParameter`` so the message carries the option's name. NaN passes every comparison and
infinity is a float like any other, so both are rejected explicitly: a gate must never read
"no buffer" or "never times out" into a typo.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import typer


def number_in(
    low: float, high: float | None = None, *, low_open: bool = False, high_open: bool = False
) -> Callable[[float | None], float | None]:
    """A callback accepting finite numbers in the interval; ``None`` (not given) passes."""
    left = "(" if low_open else "["
    right = ")" if high_open or high is None else "]"
    interval = f"{left}{low:g}, {'inf' if high is None else f'{high:g}'}{right}"

    def check(value: float | None) -> float | None:
        if value is None:
            return value
        too_low = value <= low if low_open else value < low
        too_high = high is not None and (value >= high if high_open else value > high)
        if not math.isfinite(value) or too_low or too_high:
            raise typer.BadParameter(f"{value:g} is not in {interval}")
        return value

    return check


#: Percent of a limit kept free; 100 would leave nothing to use.
buffer_pct = number_in(0, 100, high_open=True)
#: Utilization (percent) from which a quota is reported as low on headroom.
percent = number_in(0, 100)
#: Seconds: anything positive and finite.
seconds = number_in(0, low_open=True)


def help_without_command(ctx: typer.Context) -> None:
    """Show help when a group is called with no command (instead of a usage error)."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)

"""``quotapilot wait``: poll filed increase requests until their new limits are visible."""

from __future__ import annotations

from pathlib import Path

import typer


def wait(
    requests: Path = typer.Option(
        ..., "--requests", help="The JSON `quotapilot request` wrote (--format json / --output)"
    ),
    timeout: float = typer.Option(1800.0, "--timeout", help="Seconds to wait at most"),
    interval: float = typer.Option(60.0, "--interval", help="Seconds between polls"),
    state: Path | None = typer.Option(
        None, "--state", help="Progress file for resuming (default: REQUESTS.wait-state.json)"
    ),
) -> None:
    """Wait until every requested increase is granted (exit 1 on a denial or at the deadline,
    naming what is still pending). Interrupted, it resumes where it stopped."""
    import math

    from quotapilot.exceptions import InputError
    from quotapilot.pipeline import clouds
    from quotapilot.pipeline import wait as waiting
    from quotapilot.pipeline.requests import read_requests

    for name, value, low in (("--timeout", timeout, 0.0), ("--interval", interval, 0.001)):
        if not math.isfinite(value) or value < low:
            raise InputError(f"must be a finite number >= {low:g}", field=name, value=value)
    items = read_requests(requests)
    state_path = state or requests.with_name(requests.name + ".wait-state.json")
    connected = clouds.connect()
    try:
        outcome = waiting.wait_for(
            items,
            connected.increases_for,
            state_path=state_path,
            digest=waiting.digest_of(requests),
            timeout=timeout,
            interval=interval,
            clock=waiting.system_clock(),
            echo=typer.echo,
        )
    except KeyboardInterrupt:
        typer.echo(f"interrupted; run the same command again to resume ({state_path})", err=True)
        raise typer.Exit(130) from None
    if outcome.denied:
        typer.echo("denied: " + ", ".join(r.label for r in outcome.denied), err=True)
    if outcome.pending:
        why = "deadline passed" if outcome.timed_out else "not requested"
        still = ", ".join(r.label for r in outcome.pending)
        typer.echo(f"{why}; still pending: {still}", err=True)
    if outcome.exit_code == 0:
        typer.echo(f"all {len(outcome.granted)} increase(s) granted")
    raise typer.Exit(outcome.exit_code)


def register(app: typer.Typer) -> None:
    app.command("wait")(wait)

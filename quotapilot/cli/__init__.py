"""The ``quotapilot`` command line; heavy imports live inside commands so ``--help`` is fast."""

from quotapilot.cli.app import app, main

__all__ = ["app", "main"]

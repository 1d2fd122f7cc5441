"""quotapilot's errors: one root, one branch per kind of failure.

Every error carries its context as keyword attributes and renders them in ``str()``, so the
CLI can print one clear line (``main()`` turns any :class:`QuotapilotError` into exit code 2)
and a handler can log structured fields. Areas with errors of their own subclass a branch
here in their own ``exceptions.py``.
"""

from __future__ import annotations

from typing import Any


class QuotapilotError(Exception):
    """Root of every error quotapilot raises on purpose."""

    #: CLI exit code for this kind of error.
    exit_code = 2

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = {k: v for k, v in context.items() if v is not None}
        for name, value in self.context.items():
            setattr(self, name, value)

    def __str__(self) -> str:
        if not self.context:
            return self.message
        details = ", ".join(f"{k}={v}" for k, v in self.context.items())
        return f"{self.message} ({details})"


class InputError(QuotapilotError):
    """Something the user gave us (a file, an argument, an event) is wrong."""

    def __str__(self) -> str:
        # Input errors lead with where the problem is: "quotas.yaml: quotas[3].limit: ...".
        where = ": ".join(
            str(self.context[k]) for k in ("path", "entry", "field") if k in self.context
        )
        rest = {k: v for k, v in self.context.items() if k not in ("path", "entry", "field")}
        text = f"{where}: {self.message}" if where else self.message
        if rest:
            text += " (" + ", ".join(f"{k}={v}" for k, v in rest.items()) + ")"
        return text


class ConfigurationError(InputError):
    """Configuration (stack config, policy pack config, environment) is missing or invalid."""


class SnapshotError(InputError):
    """A quota snapshot file is malformed."""


class ProgramError(InputError):
    """A Pulumi program could not be run to get its planned resources."""


class EventValidationError(InputError):
    """An event does not match any schema the event processor accepts."""


class SourceError(QuotapilotError):
    """A quota source could not read limits or usage at all."""


class CatalogueError(QuotapilotError):
    """The catalogue was asked for something it can't answer (a duplicate rule, a bad query)."""


class PolicyError(QuotapilotError):
    """Rego policies could not be loaded or evaluated."""


class EngineError(QuotapilotError):
    """The runtime engine failed in a way the cycle can't skip over."""


class LedgerError(QuotapilotError):
    """The quota ledger refused or failed an operation."""

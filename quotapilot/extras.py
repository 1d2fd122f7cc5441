"""The optional parts of the install, and the one-line error when a command needs one.

``pip install quotapilot`` is the gate and the components. Heavier features are extras, so a
CI gate doesn't pay for scikit-learn or the Google clients it never imports. A command that
needs an extra checks for it first, so the user reads what to install instead of a traceback
from deep inside an import.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from types import MappingProxyType

from quotapilot.exceptions import InputError

#: The top-level modules each extra installs (and that quotapilot imports from it).
EXTRAS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "engine": ("numpy", "sklearn", "aws_lambda_powertools"),
        "gcp": ("google.cloud.cloudquotas_v1", "googleapiclient", "pulumi_gcp"),
        "plot": ("matplotlib",),
        "opa": ("opa_client",),
    }
)


class MissingExtraError(InputError):
    """A feature was asked for whose optional dependencies are not installed."""

    def __str__(self) -> str:
        return self.message


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a missing parent package ("google")
        return False


def missing(extra: str) -> list[str]:
    """The modules of ``extra`` that can't be imported."""
    return [module for module in EXTRAS[extra] if not _installed(module)]


def require(extra: str, feature: str) -> None:
    """Raise :class:`MissingExtraError` unless every module of ``extra`` is importable."""
    if missing(extra):
        raise MissingExtraError(message(extra, feature), extra=extra)


def message(extra: str, feature: str) -> str:
    return f"{feature} needs the {extra} extra: install quotapilot[{extra}]"


def extra_of(module_name: str | None) -> str | None:
    """The extra that installs ``module_name`` (as ``ModuleNotFoundError.name`` gives it)."""
    if not module_name:
        return None
    for extra, modules in EXTRAS.items():
        for module in modules:
            if module_name == module or module_name.startswith(module + "."):
                return extra
            if module.startswith(module_name + "."):  # "google" missing altogether
                return extra
    return None

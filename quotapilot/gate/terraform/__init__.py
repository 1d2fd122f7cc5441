"""The quota gate for Terraform: ``quotapilot check --terraform-plan plan.json``.

Reads the JSON of a saved plan (``terraform show -json tfplan``), turns each resource change
into the planned resources the catalogue already prices (Terraform types and arguments map
onto the Pulumi ones the providers are bridged to), and hands them to the same check.
"""

from __future__ import annotations

from pathlib import Path

from quotapilot.exceptions import InputError
from quotapilot.gate.terraform.changes import TerraformPlan, build_plan
from quotapilot.gate.terraform.reader import load_plan

__all__ = ["TerraformPlan", "read_terraform_plan"]


def read_terraform_plan(path: str | Path, overrides: list[str] | None = None) -> TerraformPlan:
    """The plan at ``path``; ``overrides`` (``aws:region=eu-west-1``, ``gcp:zone=...``) give
    the regions the plan's provider configurations leave unknown."""
    config: dict[str, str] = {}
    for override in overrides or []:
        key, sep, value = override.partition("=")
        if not sep or not key:
            raise InputError("expected KEY=VALUE", option="--config", value=override)
        config[key] = value
    document = load_plan(path)
    try:
        return build_plan(document, str(path), config)
    except RecursionError:
        raise InputError("is nested too deeply to be a Terraform plan", path=str(path)) from None

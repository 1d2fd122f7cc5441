"""Instance and machine type facts: vCPUs per type, and which quota each family counts on.

The vCPU tables ship as JSON in ``data/`` (regenerate with
``scripts/generate_instance_types.py``) and load once, on first use.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from quotapilot.catalogue.props import NotKnown


@cache
def _table(name: str) -> dict[str, int]:
    text = resources.files("quotapilot.catalogue").joinpath("data", name).read_text()
    return json.loads(text)


def ec2_vcpus(instance_type: str) -> int:
    try:
        return _table("ec2_instance_types.json")[instance_type]
    except KeyError:
        raise NotKnown(f"unknown EC2 instance type {instance_type!r}") from None


def gcp_vcpus(machine_type: str) -> int:
    """vCPUs of a predefined or custom (``[series-]custom-CPUS-MEMORY``) machine type."""
    name = machine_type.rsplit("/", 1)[-1]  # machine types may be given as a URL
    table = _table("gcp_machine_types.json")
    if name in table:
        return table[name]
    parts = name.split("-")
    if "custom" in parts:
        at = parts.index("custom")
        if at + 1 < len(parts) and parts[at + 1].isdigit():
            return int(parts[at + 1])
    raise NotKnown(f"unknown GCP machine type {machine_type!r}")


# EC2 On-Demand instance quotas count vCPUs per class of instance family. The class is the
# family's leading letters; the "standard" class covers A, C, D, H, I, M, R, T and Z.
EC2_CLASS_QUOTAS: dict[str, tuple[str, str]] = {
    "standard": ("L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"),
    "g": ("L-DB2E81BA", "Running On-Demand G and VT instances"),
    "p": ("L-417A185B", "Running On-Demand P instances"),
    "f": ("L-74FC7D96", "Running On-Demand F instances"),
    "x": ("L-7295265B", "Running On-Demand X instances"),
    "inf": ("L-1945791B", "Running On-Demand Inf instances"),
    "dl": ("L-6E869C2A", "Running On-Demand DL instances"),
    "trn": ("L-2C3B7624", "Running On-Demand Trn instances"),
    "hpc": ("L-F7808C92", "Running On-Demand HPC instances"),
    "u": ("L-43DA4232", "Running On-Demand High Memory instances"),
}
_STANDARD_LETTERS = set("acdhimrtz")


def ec2_class(instance_type: str) -> str:
    """The On-Demand quota class of an instance type (a key of :data:`EC2_CLASS_QUOTAS`)."""
    family = instance_type.split(".", 1)[0]
    letters = ""
    for char in family:
        if not char.isalpha():
            break
        letters += char
    if family.startswith("u-") or family.startswith("u7"):
        return "u"
    for prefix in ("inf", "trn", "hpc", "dl"):
        if letters.startswith(prefix):
            return prefix
    if letters.startswith("vt") or letters.startswith("g"):
        return "g"
    if letters[:1] in ("p", "f", "x"):
        return letters[:1]
    if letters[:1] in _STANDARD_LETTERS:
        return "standard"
    raise NotKnown(f"no On-Demand quota class known for instance type {instance_type!r}")


# Compute Engine counts vCPUs on a per-series regional quota for most series, and on the
# general CPUS quota for N1, E2 and the shared-core types.
GCP_SERIES_CPU_QUOTA: dict[str, str] = {
    "n2": "N2-CPUS-per-project-region",
    "n2d": "N2D-CPUS-per-project-region",
    "c2": "C2-CPUS-per-project-region",
    "c2d": "C2D-CPUS-per-project-region",
    "c3": "C3-CPUS-per-project-region",
    "c3d": "C3D-CPUS-per-project-region",
    "t2d": "T2D-CPUS-per-project-region",
    "t2a": "T2A-CPUS-per-project-region",
    "n4": "N4-CPUS-per-project-region",
    "c4": "C4-CPUS-per-project-region",
}
GCP_GENERAL_CPU_QUOTA = "CPUS-per-project-region"


def gcp_cpu_quota(machine_type: str) -> str:
    name = machine_type.rsplit("/", 1)[-1]
    series = name.split("-", 1)[0]
    if name.startswith("custom-"):  # N1 custom types have no series prefix
        return GCP_GENERAL_CPU_QUOTA
    return GCP_SERIES_CPU_QUOTA.get(series, GCP_GENERAL_CPU_QUOTA)

"""Regenerate quotapilot/catalogue/data/*.json: vCPUs per EC2 instance type and GCP machine type.

The facts are public (EC2 and Compute Engine instance-type documentation). Most sizes follow
the naming rule (``large`` = 2 vCPUs, ``Nxlarge`` = 4N); the exceptions (burstable small
sizes, HPC families with SMT off, ``metal`` sizes) are listed explicitly below. Run:

    python scripts/generate_instance_types.py
"""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "quotapilot" / "catalogue" / "data"

# family -> the sizes it is sold in (besides metal, listed in METAL)
SIZES = {
    "std": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"],
    "std48": [
        "large",
        "xlarge",
        "2xlarge",
        "4xlarge",
        "8xlarge",
        "12xlarge",
        "16xlarge",
        "24xlarge",
        "32xlarge",
        "48xlarge",
    ],
    "std32": [
        "large",
        "xlarge",
        "2xlarge",
        "4xlarge",
        "8xlarge",
        "12xlarge",
        "16xlarge",
        "24xlarge",
        "32xlarge",
    ],
    "graviton": [
        "medium",
        "large",
        "xlarge",
        "2xlarge",
        "4xlarge",
        "8xlarge",
        "12xlarge",
        "16xlarge",
    ],
    "graviton4": [
        "medium",
        "large",
        "xlarge",
        "2xlarge",
        "4xlarge",
        "8xlarge",
        "12xlarge",
        "16xlarge",
        "24xlarge",
        "48xlarge",
    ],
    "c5": ["large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "12xlarge", "18xlarge", "24xlarge"],
    "c5n": ["large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "18xlarge"],
    "c4": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge"],
    "m4": ["large", "xlarge", "2xlarge", "4xlarge", "10xlarge", "16xlarge"],
    "r4": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"],
    "i3": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"],
    "i3en": ["large", "xlarge", "2xlarge", "3xlarge", "6xlarge", "12xlarge", "24xlarge"],
    "z1d": ["large", "xlarge", "2xlarge", "3xlarge", "6xlarge", "12xlarge"],
    "m5zn": ["large", "xlarge", "2xlarge", "3xlarge", "6xlarge", "12xlarge"],
    "x2iezn": ["2xlarge", "4xlarge", "6xlarge", "8xlarge", "12xlarge"],
    "d2": ["xlarge", "2xlarge", "4xlarge", "8xlarge"],
    "d3": ["xlarge", "2xlarge", "4xlarge", "8xlarge"],
    "d3en": ["xlarge", "2xlarge", "4xlarge", "6xlarge", "8xlarge", "12xlarge"],
    "h1": ["2xlarge", "4xlarge", "8xlarge", "16xlarge"],
    "a1": ["medium", "large", "xlarge", "2xlarge", "4xlarge"],
    "x1": ["16xlarge", "32xlarge"],
    "x1e": ["xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge", "32xlarge"],
    "x2idn": ["16xlarge", "24xlarge", "32xlarge"],
    "x2iedn": ["xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge", "24xlarge", "32xlarge"],
    "g4dn": ["xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "g4ad": ["xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"],
    "g5": [
        "xlarge",
        "2xlarge",
        "4xlarge",
        "8xlarge",
        "12xlarge",
        "16xlarge",
        "24xlarge",
        "48xlarge",
    ],
    "g5g": ["xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"],
    "g6": [
        "xlarge",
        "2xlarge",
        "4xlarge",
        "8xlarge",
        "12xlarge",
        "16xlarge",
        "24xlarge",
        "48xlarge",
    ],
    "vt1": ["3xlarge", "6xlarge", "24xlarge"],
    "p3": ["2xlarge", "8xlarge", "16xlarge"],
    "p3dn": ["24xlarge"],
    "p4d": ["24xlarge"],
    "p4de": ["24xlarge"],
    "p5": ["48xlarge"],
    "p5e": ["48xlarge"],
    "f1": ["2xlarge", "4xlarge", "16xlarge"],
    "inf1": ["xlarge", "2xlarge", "6xlarge", "24xlarge"],
    "inf2": ["xlarge", "8xlarge", "24xlarge", "48xlarge"],
    "dl1": ["24xlarge"],
    "trn1": ["2xlarge", "32xlarge"],
    "trn1n": ["32xlarge"],
}

FAMILIES = {
    # standard class (A, C, D, H, I, M, R, T, Z)
    "m5": "std",
    "m5a": "std",
    "m5d": "std",
    "m5ad": "std",
    "m5n": "std",
    "m5dn": "std",
    "m6i": "std32",
    "m6id": "std32",
    "m6in": "std32",
    "m6idn": "std32",
    "m6a": "std48",
    "m7i": "std48",
    "m7a": "std48",
    "m7i-flex": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge"],
    "m6g": "graviton",
    "m6gd": "graviton",
    "m7g": "graviton",
    "m7gd": "graviton",
    "m8g": "graviton4",
    "m4": "m4",
    "m5zn": "m5zn",
    "c5": "c5",
    "c5d": "c5",
    "c5a": "std",
    "c5ad": "std",
    "c5n": "c5n",
    "c4": "c4",
    "c6i": "std32",
    "c6id": "std32",
    "c6in": "std32",
    "c6a": "std48",
    "c7i": "std48",
    "c7a": "std48",
    "c6g": "graviton",
    "c6gd": "graviton",
    "c6gn": "graviton",
    "c7g": "graviton",
    "c7gd": "graviton",
    "c7gn": "graviton",
    "c8g": "graviton4",
    "r5": "std",
    "r5a": "std",
    "r5d": "std",
    "r5ad": "std",
    "r5n": "std",
    "r5dn": "std",
    "r5b": "std",
    "r6i": "std32",
    "r6id": "std32",
    "r6a": "std48",
    "r7i": "std48",
    "r7a": "std48",
    "r6g": "graviton",
    "r6gd": "graviton",
    "r7g": "graviton",
    "r7gd": "graviton",
    "r8g": "graviton4",
    "r4": "r4",
    "i3": "i3",
    "i3en": "i3en",
    "i4i": "std32",
    "d2": "d2",
    "d3": "d3",
    "d3en": "d3en",
    "h1": "h1",
    "z1d": "z1d",
    "a1": "a1",
    # G and VT, P, F, X, Inf, DL, Trn classes
    "g4dn": "g4dn",
    "g4ad": "g4ad",
    "g5": "g5",
    "g5g": "g5g",
    "g6": "g6",
    "g6e": "g6",
    "vt1": "vt1",
    "p3": "p3",
    "p3dn": "p3dn",
    "p4d": "p4d",
    "p4de": "p4de",
    "p5": "p5",
    "p5e": "p5e",
    "f1": "f1",
    "x1": "x1",
    "x1e": "x1e",
    "x2idn": "x2idn",
    "x2iedn": "x2iedn",
    "x2iezn": "x2iezn",
    "x2gd": "graviton",
    "inf1": "inf1",
    "inf2": "inf2",
    "dl1": "dl1",
    "trn1": "trn1",
    "trn1n": "trn1n",
}

# Burstable families: the small sizes are not 4N.
BURSTABLE = {
    "t2": {"nano": 1, "micro": 1, "small": 1, "medium": 2, "large": 2, "xlarge": 4, "2xlarge": 8},
    **{
        family: {
            "nano": 2,
            "micro": 2,
            "small": 2,
            "medium": 2,
            "large": 2,
            "xlarge": 4,
            "2xlarge": 8,
        }
        for family in ("t3", "t3a", "t4g")
    },
}

# HPC families run with SMT off: vCPUs are cores.
HPC = {
    "hpc6a.48xlarge": 96,
    "hpc6id.32xlarge": 64,
    "hpc7a.12xlarge": 24,
    "hpc7a.24xlarge": 48,
    "hpc7a.48xlarge": 96,
    "hpc7a.96xlarge": 192,
    "hpc7g.4xlarge": 16,
    "hpc7g.8xlarge": 32,
    "hpc7g.16xlarge": 64,
}
HIGH_MEMORY = {
    "u-3tb1.56xlarge": 224,
    "u-6tb1.56xlarge": 224,
    "u-6tb1.112xlarge": 448,
    "u-9tb1.112xlarge": 448,
    "u-12tb1.112xlarge": 448,
}
METAL = {
    "m5": 96,
    "m5d": 96,
    "m5n": 96,
    "m5dn": 96,
    "m5zn": 48,
    "m6i": 128,
    "m6id": 128,
    "m6a": 192,
    "m6g": 64,
    "m6gd": 64,
    "m7g": 64,
    "m7gd": 64,
    "c5": 96,
    "c5d": 96,
    "c5n": 72,
    "c6i": 128,
    "c6id": 128,
    "c6a": 192,
    "c6g": 64,
    "c6gd": 64,
    "c7g": 64,
    "c7gd": 64,
    "r5": 96,
    "r5d": 96,
    "r5b": 96,
    "r5dn": 96,
    "r5n": 96,
    "r6i": 128,
    "r6id": 128,
    "r6a": 192,
    "r6g": 64,
    "r6gd": 64,
    "r7g": 64,
    "r7gd": 64,
    "i3": 72,
    "i3en": 96,
    "i4i": 128,
    "z1d": 48,
    "x2idn": 128,
    "x2iedn": 128,
    "x2iezn": 48,
    "g4dn": 96,
    "a1": 16,
}


def size_vcpus(size: str) -> int:
    if size == "medium":
        return 1
    if size == "large":
        return 2
    if size == "xlarge":
        return 4
    if size.endswith("xlarge"):
        return 4 * int(size[: -len("xlarge")])
    raise ValueError(size)


def ec2_types() -> dict[str, int]:
    types: dict[str, int] = {}
    for family, sizes in FAMILIES.items():
        for size in SIZES[sizes] if isinstance(sizes, str) else sizes:
            types[f"{family}.{size}"] = size_vcpus(size)
    for family, table in BURSTABLE.items():
        for size, vcpus in table.items():
            types[f"{family}.{size}"] = vcpus
    for family, vcpus in METAL.items():
        types[f"{family}.metal"] = vcpus
    types.update(HPC)
    types.update(HIGH_MEMORY)
    return dict(sorted(types.items()))


GCP_SERIES = {
    # series: (vCPU sizes per shape, shapes)
    "n1": ([1, 2, 4, 8, 16, 32, 64, 96], ["standard", "highmem", "highcpu"]),
    "n2": ([2, 4, 8, 16, 32, 48, 64, 80, 96, 128], ["standard", "highmem", "highcpu"]),
    "n2d": ([2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224], ["standard", "highmem", "highcpu"]),
    "e2": ([2, 4, 8, 16, 32], ["standard", "highmem", "highcpu"]),
    "c2": ([4, 8, 16, 30, 60], ["standard"]),
    "c2d": ([2, 4, 8, 16, 32, 56, 112], ["standard", "highmem", "highcpu"]),
    "c3": ([4, 8, 22, 44, 88, 176], ["standard", "highmem", "highcpu"]),
    "c3d": ([4, 8, 16, 30, 60, 90, 180, 360], ["standard", "highmem", "highcpu"]),
    "t2d": ([1, 2, 4, 8, 16, 32, 48, 60], ["standard"]),
    "t2a": ([1, 2, 4, 8, 16, 32, 48], ["standard"]),
    "n4": ([2, 4, 8, 16, 32, 48, 64, 80], ["standard", "highmem", "highcpu"]),
    "c4": ([2, 4, 8, 16, 32, 48, 96, 192], ["standard", "highmem", "highcpu"]),
}
GCP_SHARED_CORE = {
    # shared-core types: the vCPUs they show and count against quota
    "e2-micro": 2,
    "e2-small": 2,
    "e2-medium": 2,
    "f1-micro": 1,
    "g1-small": 1,
}


def gcp_types() -> dict[str, int]:
    types: dict[str, int] = dict(GCP_SHARED_CORE)
    for series, (sizes, shapes) in GCP_SERIES.items():
        for shape in shapes:
            for vcpus in sizes:
                types[f"{series}-{shape}-{vcpus}"] = vcpus
    return dict(sorted(types.items()))


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for name, table in (
        ("ec2_instance_types.json", ec2_types()),
        ("gcp_machine_types.json", gcp_types()),
    ):
        (DATA / name).write_text(json.dumps(table, indent=0, sort_keys=True) + "\n")
        print(f"{name}: {len(table)} types")


if __name__ == "__main__":
    main()

"""The GCP quotas the rules consume: Cloud Quotas ``quotaId`` values, and the facts the rules
need about regions and defaults.

Ids are the ones Cloud Quotas lists (``gcloud beta quotas info list --service=...``).
Regional ones are placed in the resource's region (a zone ``us-central1-a`` is in region
``us-central1``).
"""

from __future__ import annotations

from quotapilot.catalogue.props import get
from quotapilot.catalogue.registry import QuotaRef
from quotapilot.catalogue.types import GCP_GENERAL_CPU_QUOTA, GCP_SERIES_CPU_QUOTA
from quotapilot.domain import PlannedResource, Scope

COMPUTE = "compute.googleapis.com"
R, G = Scope.REGIONAL, Scope.GLOBAL


def ref(code: str, name: str, scope: Scope = R, service: str = COMPUTE) -> QuotaRef:
    return QuotaRef("gcp", service, code, scope, name)


CPU_QUOTAS = {
    code: ref(code, f"{code.split('-per-')[0].replace('-', ' ').title()} per region")
    for code in (GCP_GENERAL_CPU_QUOTA, *GCP_SERIES_CPU_QUOTA.values())
}
CPUS_ALL_REGIONS = ref("CPUS-ALL-REGIONS-per-project", "CPUs in all regions", G)
INSTANCES = ref("INSTANCES-per-project-region", "VM instances per region")
IN_USE_ADDRESSES = ref("IN-USE-ADDRESSES-per-project-region", "In-use IP addresses per region")
STATIC_ADDRESSES = ref("STATIC-ADDRESSES-per-project-region", "Static IP addresses per region")
INTERNAL_ADDRESSES = ref(
    "INTERNAL-ADDRESSES-per-project-region", "Internal IP addresses per region"
)
GLOBAL_ADDRESSES = ref("STATIC-ADDRESSES-per-project", "Global static IP addresses", G)
GLOBAL_INTERNAL_ADDRESSES = ref(
    "GLOBAL-INTERNAL-ADDRESSES-per-project", "Global internal IP addresses", G
)
NETWORKS = ref("NETWORKS-per-project", "VPC networks", G)
SUBNETWORKS = ref("SUBNETWORKS-per-project", "Subnetworks", G)
FIREWALLS = ref("FIREWALLS-per-project", "Firewall rules", G)
ROUTERS = ref("ROUTERS-per-project", "Cloud Routers", G)
GLOBAL_FORWARDING_RULES = ref("FORWARDING-RULES-per-project", "Global forwarding rules", G)
GLOBAL_EXTERNAL_MANAGED_RULES = ref(
    "GLOBAL-EXTERNAL-MANAGED-FORWARDING-RULES-per-project",
    "Global external managed forwarding rules",
    G,
)
TRAFFIC_DIRECTOR_RULES = ref(
    "INTERNAL-TRAFFIC-DIRECTOR-FORWARDING-RULES-per-project",
    "Traffic Director forwarding rules",
    G,
)
REGIONAL_FORWARDING_RULES = ref(
    "EXTERNAL-NETWORK-LB-FORWARDING-RULES-per-project-region",
    "External network load balancer forwarding rules per region",
)
SSD_GB = ref("SSD-TOTAL-GB-per-project-region", "Persistent Disk SSD (GB) per region")
STANDARD_GB = ref("DISKS-TOTAL-GB-per-project-region", "Persistent Disk Standard (GB) per region")
RUN_CPU = ref(
    "CpuAllocPerProjectRegion",
    "Total CPU allocation, in milli vCPU, per region",
    service="run.googleapis.com",
)

#: A boot disk created from an image, with no size given, takes the image's size: 10 GB for
#: the public images most programs use. Compute Engine's default disk type is pd-standard.
DEFAULT_BOOT_DISK_GB = 10.0
DEFAULT_DISK_TYPE = "pd-standard"
#: GKE nodes: 100 GB pd-balanced boot disks unless the node config says otherwise.
GKE_DEFAULT_DISK_GB = 100.0
GKE_DEFAULT_DISK_TYPE = "pd-balanced"
#: A regional GKE cluster puts each node pool in three of the region's zones by default.
REGIONAL_ZONES = 3

#: An auto-mode VPC network creates one subnetwork in every region: these, as of 2026.
REGIONS = (
    "africa-south1",
    "asia-east1",
    "asia-east2",
    "asia-northeast1",
    "asia-northeast2",
    "asia-northeast3",
    "asia-south1",
    "asia-south2",
    "asia-southeast1",
    "asia-southeast2",
    "australia-southeast1",
    "australia-southeast2",
    "europe-central2",
    "europe-north1",
    "europe-north2",
    "europe-southwest1",
    "europe-west1",
    "europe-west2",
    "europe-west3",
    "europe-west4",
    "europe-west6",
    "europe-west8",
    "europe-west9",
    "europe-west10",
    "europe-west12",
    "me-central1",
    "me-central2",
    "me-west1",
    "northamerica-northeast1",
    "northamerica-northeast2",
    "northamerica-south1",
    "southamerica-east1",
    "southamerica-west1",
    "us-central1",
    "us-east1",
    "us-east4",
    "us-east5",
    "us-south1",
    "us-west1",
    "us-west2",
    "us-west3",
    "us-west4",
)

#: Resource types with no rule, and why.
UNTRACKED = {
    "gcp:cloudfunctions/function:Function": "1st gen functions count against Cloud "
    "Functions' own per-region limits (1,000 functions, not adjustable), which Cloud Quotas "
    "does not list",
}


def zone_region(value: object) -> str | None:
    """``us-central1`` for a zone ``us-central1-a`` (or a URL ending in one); else None."""
    if not isinstance(value, str) or not value:
        return None
    parts = value.rsplit("/", 1)[-1].split("-")
    return "-".join(parts[:-1]) if len(parts) == 3 and len(parts[2]) == 1 else None


def region_of(resource: PlannedResource, default: str | None) -> str | None:
    """The region a GCP resource lands in: its own region, location or zone, else the
    default (its provider's region or zone, else the stack's)."""
    for field in ("region", "location", "zone"):
        value = get(resource.properties, field)
        if isinstance(value, str) and value:
            value = value.rsplit("/", 1)[-1]
            return zone_region(value) or value
    return default


def disk_quota(kind: str) -> QuotaRef:
    """pd-standard counts on the standard quota; pd-balanced, pd-ssd and pd-extreme on SSD."""
    return STANDARD_GB if kind.rsplit("/", 1)[-1] == "pd-standard" else SSD_GB

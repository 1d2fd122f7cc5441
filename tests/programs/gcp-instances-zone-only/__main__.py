"""Only gcp:zone is configured, as most GCP programs do: regional quotas come from it."""

import pulumi_gcp as gcp

gcp.compute.Instance(
    "web",
    machine_type="e2-standard-4",
    boot_disk={
        "initialize_params": {"image": "debian-cloud/debian-12", "size": 20, "type": "pd-balanced"}
    },
    network_interfaces=[{"network": "default", "access_configs": [{}]}],
)
gcp.compute.Instance(
    "worker",
    machine_type="n2-standard-2",
    boot_disk={"initialize_params": {"image": "debian-cloud/debian-12"}},
    network_interfaces=[{"network": "default"}],
)

"""Persistent disks created on their own and attached to an instance."""

import pulumi_gcp as gcp

zone = "europe-west4-a"
fast = gcp.compute.Disk("fast", zone=zone, type="pd-ssd", size=500)
bulk = gcp.compute.Disk("bulk", zone=zone, type="pd-standard", size=1000)
gcp.compute.Instance(
    "db",
    zone=zone,
    machine_type="n2-highmem-8",
    boot_disk={"initialize_params": {"image": "debian-cloud/debian-12"}},
    attached_disks=[{"source": fast.id}, {"source": bulk.id}],
    network_interfaces=[{"network": "default"}],
)

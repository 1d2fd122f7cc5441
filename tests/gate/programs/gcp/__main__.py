"""A GCP program: a VM, a disk, a managed instance group from a template, a GKE pool."""

import pulumi_gcp as gcp

zones = gcp.compute.get_zones()
gcp.compute.Instance(
    "bastion",
    machine_type="e2-small",
    zone=zones.names[0],
    boot_disk={"initialize_params": {"image": "debian-cloud/debian-12"}},
    network_interfaces=[{"network": "default"}],
)
gcp.compute.Disk("data", zone=zones.names[0], size=500, type="pd-ssd")
template = gcp.compute.InstanceTemplate(
    "web",
    machine_type="n2-standard-4",
    disks=[{"source_image": "debian-cloud/debian-12", "boot": True}],
    network_interfaces=[{"network": "default"}],
)
gcp.compute.RegionInstanceGroupManager(
    "web",
    region="us-central1",
    base_instance_name="web",
    target_size=6,
    versions=[{"instance_template": template.id, "name": "primary"}],
)
gcp.compute.Address("ingress", region="us-central1")

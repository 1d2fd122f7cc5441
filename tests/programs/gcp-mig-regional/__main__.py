"""A regional managed instance group: its target size is spread over the region's zones."""

import pulumi_gcp as gcp

template = gcp.compute.InstanceTemplate(
    "api",
    machine_type="e2-medium",
    disks=[{"source_image": "debian-cloud/debian-12", "boot": True}],
    network_interfaces=[{"network": "default"}],
)
gcp.compute.RegionInstanceGroupManager(
    "api",
    region="europe-west4",
    base_instance_name="api",
    target_size=6,
    versions=[{"instance_template": template.id}],
)

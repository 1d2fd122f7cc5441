"""A zonal managed instance group from an instance template."""

import pulumi_gcp as gcp

template = gcp.compute.InstanceTemplate(
    "web",
    machine_type="n2-standard-2",
    disks=[
        {
            "source_image": "debian-cloud/debian-12",
            "boot": True,
            "disk_size_gb": 20,
            "disk_type": "pd-ssd",
        }
    ],
    network_interfaces=[{"network": "default", "access_configs": [{}]}],
)
gcp.compute.InstanceGroupManager(
    "web",
    zone="us-east1-b",
    base_instance_name="web",
    target_size=5,
    versions=[{"instance_template": template.self_link_unique}],
)

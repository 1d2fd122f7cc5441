"""A regional cluster keeping its default pool, and a pool pinned to two zones."""

import pulumi_gcp as gcp

cluster = gcp.container.Cluster("regional", location="us-central1", initial_node_count=1)
gcp.container.NodePool(
    "batch",
    cluster=cluster.id,
    location="us-central1",
    node_locations=["us-central1-a", "us-central1-b"],
    node_count=2,
    node_config={"machine_type": "e2-standard-4", "disk_size_gb": 50, "disk_type": "pd-standard"},
)

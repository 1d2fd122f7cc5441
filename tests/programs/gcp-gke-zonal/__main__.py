"""A zonal GKE cluster with its default pool removed and one node pool."""

import pulumi_gcp as gcp

cluster = gcp.container.Cluster(
    "main", location="us-central1-a", remove_default_node_pool=True, initial_node_count=1
)
gcp.container.NodePool(
    "general",
    cluster=cluster.name,
    location="us-central1-a",
    node_count=3,
    node_config={
        "machine_type": "n2-standard-4",
        "oauth_scopes": ["https://www.googleapis.com/auth/cloud-platform"],
    },
)

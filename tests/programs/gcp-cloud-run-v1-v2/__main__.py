"""A Cloud Run service on each API version."""

import pulumi_gcp as gcp

gcp.cloudrunv2.Service(
    "checkout",
    location="us-central1",
    template={
        "scaling": {"max_instance_count": 10},
        "containers": [
            {
                "image": "gcr.io/acme/checkout",
                "resources": {"limits": {"cpu": "2", "memory": "1Gi"}},
            }
        ],
    },
)
gcp.cloudrun.Service(
    "legacy",
    location="us-central1",
    template={
        "metadata": {"annotations": {"autoscaling.knative.dev/maxScale": "4"}},
        "spec": {
            "containers": [
                {"image": "gcr.io/acme/legacy", "resources": {"limits": {"cpu": "1000m"}}}
            ]
        },
    },
)

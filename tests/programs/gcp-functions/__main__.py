"""A 2nd gen function (it runs on Cloud Run) and a 1st gen one."""

import pulumi
import pulumi_gcp as gcp

bucket = gcp.storage.Bucket("sources", location="EU")
source = gcp.storage.BucketObject(
    "source",
    bucket=bucket.name,
    source=pulumi.StringAsset("def handler(request):\n    return 'ok'\n"),
)
gcp.cloudfunctionsv2.Function(
    "resize",
    location="europe-west4",
    build_config={
        "runtime": "python312",
        "entry_point": "handler",
        "source": {"storage_source": {"bucket": bucket.name, "object": source.name}},
    },
    service_config={"max_instance_count": 3, "available_cpu": "1", "available_memory": "512Mi"},
)
gcp.cloudfunctions.Function(
    "notify",
    region="europe-west4",
    runtime="python312",
    entry_point="handler",
    source_archive_bucket=bucket.name,
    source_archive_object=source.name,
    trigger_http=True,
)

"""The artifacts bucket: the Lambda packages, and the regression watch's load-test snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from quotapilot.components.part import TYPE_PREFIX, PartArgs, resource_options


@dataclass(frozen=True, kw_only=True)
class ArtifactsArgs(PartArgs):
    #: The key encrypting every object.
    key_arn: pulumi.Input[str]
    #: A local snapshot file of the load-test quotas to upload; empty: none.
    baseline_snapshot: str = ""


class Artifacts(pulumi.ComponentResource):
    """A private, encrypted, versioned bucket."""

    def __init__(
        self, name: str, args: ArtifactsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_PREFIX + "Artifacts", name, None, opts)
        child = resource_options(self, opts)
        prefix = args.prefix
        self.bucket = aws.s3.Bucket(f"{prefix}-artifacts", tags=args.tags, opts=child)
        aws.s3.BucketPublicAccessBlock(
            f"{prefix}-artifacts-private",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketVersioning(
            f"{prefix}-artifacts-versions",
            bucket=self.bucket.id,
            versioning_configuration={"status": "Enabled"},
            opts=child,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{prefix}-artifacts-encryption",
            bucket=self.bucket.id,
            rules=[
                {
                    "apply_server_side_encryption_by_default": {
                        "sse_algorithm": "aws:kms",
                        "kms_master_key_id": args.key_arn,
                    },
                    "bucket_key_enabled": True,
                }
            ],
            opts=child,
        )
        #: Where the regression watch reads the uploaded snapshot (``s3://BUCKET/KEY``); None
        #: when no snapshot was given.
        self.baseline_snapshot_url: pulumi.Output[str] | None = None
        if args.baseline_snapshot:
            path = Path(args.baseline_snapshot)
            snapshot = aws.s3.BucketObjectv2(
                f"{prefix}-regression-baseline",
                bucket=self.bucket.id,
                key="snapshots/regression-baseline" + path.suffix,
                source=pulumi.FileAsset(str(path.resolve())),
                server_side_encryption="aws:kms",
                kms_key_id=args.key_arn,
                opts=child,
            )
            self.baseline_snapshot_url = pulumi.Output.concat(
                "s3://", snapshot.bucket, "/", snapshot.key
            )
        self.register_outputs(
            {"bucket": self.bucket.id, "baseline_snapshot_url": self.baseline_snapshot_url}
        )

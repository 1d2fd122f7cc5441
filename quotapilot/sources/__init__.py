"""Quota sources: where limits and usage come from (a snapshot file, AWS, GCP).

Importing this package must stay cheap: the live sources import boto3 / the Google client
libraries only when they are opened, so ``quotapilot --help`` and the gate's offline path never
pay for them.
"""

from __future__ import annotations

from pathlib import Path

from quotapilot.exceptions import ConfigurationError
from quotapilot.sources.base import QuotaSource, SourceResult
from quotapilot.sources.snapshot import SnapshotSource

__all__ = ["QuotaSource", "SnapshotSource", "SourceResult", "open_source"]


def open_source(spec: str, *, base_dir: str | Path | None = None) -> QuotaSource:
    """Open the source a CLI ``--quotas`` / ``--baseline`` value names.

    * ``aws``: the default session's account and region; ``aws:REGION[,REGION...]``: those
      regions; ``aws:REGION;role=ARN``: another account, through that role;
    * ``s3://BUCKET/KEY``: a snapshot file kept in S3 (how a Lambda function reads one);
    * ``gcp:PROJECT``: that project (regions are taken from the keys asked for);
    * anything else: a snapshot file path, relative to ``base_dir`` when given.

    Live sources are created lazily: no client or credential lookup happens until ``read``.
    """
    spec = spec.strip()
    if not spec:
        raise ConfigurationError(
            "a quota source is empty; give a snapshot file, aws or gcp:PROJECT"
        )
    if spec.startswith("s3://"):
        from quotapilot.sources.s3 import S3SnapshotSource

        return S3SnapshotSource.from_url(spec)
    provider, colon, rest = spec.partition(":")
    if provider == "aws" and (colon or spec == "aws"):
        where, _, options = rest.partition(";")
        role_arn = None
        if options:
            name, equals, role_arn = options.partition("=")
            if name.strip() != "role" or not equals or not role_arn.startswith("arn:aws"):
                raise ConfigurationError(f"in quota source {spec!r}, after ';' give role=ROLE_ARN")
        regions = [region.strip() for region in where.split(",") if region.strip()]
        if colon and not regions:
            raise ConfigurationError(f"no region in quota source {spec!r}; use aws:us-east-1")
        from quotapilot.sources.aws import AwsSource

        return AwsSource(regions=regions or None, role_arn=role_arn)
    if provider == "gcp" and colon:
        project = rest.strip()
        if not project:
            raise ConfigurationError(f"no project in quota source {spec!r}; use gcp:my-project")
        from quotapilot.sources.gcp import GcpSource

        return GcpSource(project=project)
    path = Path(spec)
    if base_dir is not None and not path.is_absolute():
        path = Path(base_dir) / path
    return SnapshotSource.from_file(path)

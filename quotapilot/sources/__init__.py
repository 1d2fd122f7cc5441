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
      regions;
    * ``gcp:PROJECT``: that project (regions are taken from the keys asked for);
    * anything else: a snapshot file path, relative to ``base_dir`` when given.

    Live sources are created lazily: no client or credential lookup happens until ``read``.
    """
    spec = spec.strip()
    if not spec:
        raise ConfigurationError(
            "a quota source is empty; give a snapshot file, aws or gcp:PROJECT"
        )
    provider, colon, rest = spec.partition(":")
    if provider == "aws" and (colon or spec == "aws"):
        regions = [region.strip() for region in rest.split(",") if region.strip()]
        if colon and not regions:
            raise ConfigurationError(f"no region in quota source {spec!r}; use aws:us-east-1")
        from quotapilot.sources.aws import AwsSource

        return AwsSource(regions=regions or None)
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

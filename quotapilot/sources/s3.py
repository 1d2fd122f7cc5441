"""A quota snapshot kept in S3: how a Lambda function reads the load-test quotas when the
stack uploads a snapshot file instead of reaching into the load-test account."""

from __future__ import annotations

from typing import Any

from quotapilot.exceptions import SnapshotError, SourceError
from quotapilot.permissions import BASELINE_SNAPSHOT, Needs
from quotapilot.sources.snapshot import SnapshotSource, parse_text

#: A snapshot is a few kilobytes; anything near this is not one.
MAX_BYTES = 5 * 1024 * 1024


class S3SnapshotSource:
    """Reads ``s3://BUCKET/KEY`` on first use and answers like a snapshot file."""

    permissions = (
        Needs(("s3:GetObject",), BASELINE_SNAPSHOT, "read the load-test quota snapshot"),
    )

    def __init__(self, bucket: str, key: str, *, client: Any = None) -> None:
        self.bucket, self.key = bucket, key
        self.name = f"snapshot s3://{bucket}/{key}"
        self._client = client
        self._loaded: SnapshotSource | None = None

    @classmethod
    def from_url(cls, url: str, *, client: Any = None) -> S3SnapshotSource:
        bucket, _, key = url.removeprefix("s3://").partition("/")
        if not bucket or not key:
            raise SnapshotError("must be s3://BUCKET/KEY", path=url)
        return cls(bucket, key, client=client)

    def read(self, keys):
        return self._snapshot().read(keys)

    def _snapshot(self) -> SnapshotSource:
        if self._loaded is None:
            client = self._client
            if client is None:
                from botocore.config import Config

                from quotapilot.sources.aws.clients import shared_session

                client = shared_session().client(
                    "s3", config=Config(retries={"mode": "standard", "max_attempts": 8})
                )
            try:
                answer = client.get_object(Bucket=self.bucket, Key=self.key)
                size = int(answer.get("ContentLength") or 0)
                if size > MAX_BYTES:
                    raise SnapshotError("is too large to be a snapshot", path=self.url)
                body = answer["Body"].read(MAX_BYTES + 1)
            except SnapshotError:
                raise
            except Exception as error:
                raise SourceError(f"can't read the snapshot: {error}", path=self.url) from None
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise SnapshotError("is not UTF-8 text", path=self.url) from None
            self._loaded = parse_text(text, self.url)
        return self._loaded

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

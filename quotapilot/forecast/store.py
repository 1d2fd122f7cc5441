"""Versioned storage for fitted models worth keeping between runs.

A stored model is the fit of one series (coefficients, the time frame they are in, the
residual band) and can forecast on its own when a later run has too little fresh history
(after a collection gap, a new region, a restored table). Versions are the fit time, so a
newer fit never overwrites an older one in place and the latest is read back.

Two stores: files on disk (``LocalModelStore``, for ``simulate`` and tests) and the engine's
monitoring table (``DynamoModelStore``: partition ``model#<series id>``, sort key the version).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class StoredModel:
    series_id: str
    version: int  # epoch seconds of the fit
    method: str
    t_end: float
    span: float
    coef: tuple[float, ...]
    band: float
    confidence: float

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> StoredModel:
        data = json.loads(text)
        data["coef"] = tuple(data["coef"])
        return cls(**data)


class ModelStore(Protocol):
    def save(self, models: list[StoredModel]) -> None: ...

    def latest(self, series_ids: list[str]) -> dict[str, StoredModel]: ...


class LocalModelStore:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def _dir(self, series_id: str) -> Path:
        return self.directory / re.sub(r"[^A-Za-z0-9_.@-]+", "_", series_id)

    def save(self, models: list[StoredModel]) -> None:
        for model in models:
            target = self._dir(model.series_id)
            target.mkdir(parents=True, exist_ok=True)
            path = target / f"{model.version:012d}.json"
            tmp = path.with_suffix(".tmp")
            tmp.write_text(model.to_json())
            tmp.replace(path)  # never a half-written model

    def latest(self, series_ids: list[str]) -> dict[str, StoredModel]:
        found = {}
        for series_id in series_ids:
            versions = sorted(self._dir(series_id).glob("*.json"))
            if versions:
                found[series_id] = StoredModel.from_json(versions[-1].read_text())
        return found


class DynamoModelStore:
    """On the monitoring table (``pk``/``sk`` strings, as ``wiring.TABLE_KEYS`` says)."""

    def __init__(self, table: str, client: Any = None, ttl_days: int = 30) -> None:
        self.table = table
        self._client = client
        self.ttl_days = ttl_days

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config

            # Throttling is retried by botocore, as for every client quotapilot makes.
            self._client = boto3.client(
                "dynamodb", config=Config(retries={"mode": "standard", "max_attempts": 8})
            )
        return self._client

    def save(self, models: list[StoredModel]) -> None:
        from quotapilot import wiring

        for start in range(0, len(models), 25):
            requests = [
                {
                    "PutRequest": {
                        "Item": {
                            "pk": {"S": f"model#{m.series_id}"},
                            "sk": {"S": f"{m.version:012d}"},
                            "model": {"S": m.to_json()},
                            wiring.TTL_ATTRIBUTE: {"N": str(m.version + self.ttl_days * 86_400)},
                        }
                    }
                }
                for m in models[start : start + 25]
            ]
            pending = {self.table: requests}
            for _ in range(8):  # unprocessed items are retried, never dropped silently
                answer = self.client.batch_write_item(RequestItems=pending)
                pending = answer.get("UnprocessedItems") or {}
                if not pending:
                    break
            else:
                raise RuntimeError(f"{len(pending[self.table])} models were not stored")

    def latest(self, series_ids: list[str]) -> dict[str, StoredModel]:
        found = {}
        for series_id in series_ids:
            answer = self.client.query(
                TableName=self.table,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": f"model#{series_id}"}},
                ScanIndexForward=False,
                Limit=1,
            )
            items = answer.get("Items") or []
            if items:
                found[series_id] = StoredModel.from_json(items[0]["model"]["S"])
        return found

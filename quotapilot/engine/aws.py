"""Small helpers shared by the classes that talk to AWS: lazy clients, retry settings,
DynamoDB attribute conversion, error codes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

#: Standard retry mode with more attempts than the default: the engine runs unattended and
#: throttling (Service Quotas allows a few calls a second) must not cost a cycle.
RETRIES = {"mode": "standard", "max_attempts": 8}


class UsesAws:
    """Base for a class that talks to AWS: takes an optional client or session, creates lazily."""

    service: str = ""

    def __init__(self, client: Any = None, *, session: Any = None, region: str | None = None):
        self._client = client
        self._session = session
        self._region = region

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = make_client(self.service, session=self._session, region=self._region)
        return self._client


def make_client(service: str, *, session: Any = None, region: str | None = None) -> Any:
    from botocore.config import Config

    if session is None:
        from quotapilot.sources.aws.clients import shared_session

        session = shared_session()
    return session.client(service, region_name=region, config=Config(retries=RETRIES))


def error_code(error: BaseException) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    """A plain dict as DynamoDB attribute values (floats as Decimal, None dropped)."""
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    return {k: serializer.serialize(_decimals(v)) for k, v in values.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    return {k: _plain(deserializer.deserialize(v)) for k, v in item.items()}


def _decimals(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _decimals(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_decimals(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return {_plain(v) for v in value}
    return value

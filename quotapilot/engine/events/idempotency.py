"""Each event processed once: EventBridge delivers at least once, and retries for up to a day.

Powertools' idempotency utility keeps a record per event id in the idempotency table; a
repeated event gets the first one's result. Powertools is imported, and its persistence layer
created, on the first event: building the event function's parts makes no client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quotapilot import permissions as p
from quotapilot.permissions import Needs

#: EventBridge retries for up to a day: remember a processed event for two.
REMEMBER_S = 2 * 86_400

Process = Callable[[dict[str, Any]], dict[str, Any]]


class Idempotency:
    """Runs ``process`` once per event id; Powertools' DynamoDB persistence layer makes
    these calls."""

    permissions = (
        Needs(
            ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
            p.TABLE_IDEMPOTENCY,
            "Powertools idempotency records",
        ),
    )

    def __init__(self, table: str, process: Process) -> None:
        self.table = table
        self.process = process
        self._config: Any = None
        self._once: Process | None = None

    def register_lambda_context(self, context: Any) -> None:
        """Lets Powertools stop short of the function's timeout."""
        self._prepare()
        self._config.register_lambda_context(context)

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        self._prepare()
        assert self._once is not None
        return self._once(event=event)

    def _prepare(self) -> None:
        if self._once is not None:
            return
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
            IdempotencyConfig,
            idempotent_function,
        )
        from botocore.config import Config

        from quotapilot.engine.aws import RETRIES

        persistence = DynamoDBPersistenceLayer(
            table_name=self.table, boto_config=Config(retries=dict(RETRIES))
        )
        self._config = IdempotencyConfig(event_key_jmespath="id", expires_after_seconds=REMEMBER_S)
        process = self.process

        @idempotent_function(
            data_keyword_argument="event", persistence_store=persistence, config=self._config
        )
        def once(event: dict[str, Any]) -> dict[str, Any]:
            return process(event)

        self._once = once

"""One TransactWriteItems request, sent until DynamoDB answers it definitely.

After an InternalServerError, a throttle that outlasted botocore's retries, or a response
lost on its way back, the transaction may or may not have been committed. A *new* request
at that point (a new ClientRequestToken, a new delta key) could record one apply twice. So a
request keeps its token and its items for every send: DynamoDB treats the sends of one
token as one transaction for 10 minutes (a repeat answers success and writes nothing), and
the delta's put, conditioned on its key being absent, can't write twice even past that
window. A cancellation is definite (nothing was written), so only after one does the caller
build a new request, with a new token.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

from quotapilot.ledger.exceptions import LedgerUnsettled

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

#: For clients the ledger creates: botocore retries throttling, 5xx and timeouts itself, and
#: its retries resend the same serialised request, token included. Spelled out because
#: botocore releases in our range default to the legacy mode.
RETRY_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 10})

#: Sends of one request while its outcome stays unknown; each includes botocore's retries.
MAX_SENDS = 5

#: Errors after which the transaction may have been committed (or may still be: the
#: token's first send in progress). Throttles count too: botocore may have retried a lost
#: response into one.
UNSETTLED_CODES = frozenset(
    {
        "InternalServerError",
        "ServiceUnavailable",
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "TransactionInProgressException",
    }
)
_UNSETTLED_EXCEPTIONS = (ConnectionError, HTTPClientError)  # timeouts, dropped connections


def error_code(error: BaseException) -> str:
    return getattr(error, "response", {}).get("Error", {}).get("Code", "")


@dataclass(frozen=True)
class Cancelled:
    """DynamoDB cancelled the transaction: nothing of it was written."""

    #: One code per item, in request order ("None" for the items that didn't fail).
    reasons: tuple[str, ...]
    #: The request may have reached DynamoDB before (our resends or botocore's retries), so
    #: an earlier send may have committed it.
    repeated: bool

    @property
    def codes(self) -> set[str]:
        return set(self.reasons) - {"None", ""}


class TransactWrite:
    """One TransactWriteItems request: its items and its ClientRequestToken, fixed for every
    send."""

    def __init__(self, client: DynamoDBClient, items: list[dict[str, Any]]) -> None:
        self.client = client
        self.items = items
        self.token = str(uuid.uuid4())
        self.sends = 0

    def send(self) -> Cancelled | None:
        """None once committed; the reasons if cancelled. Raises LedgerUnsettled when the
        outcome is still unknown after MAX_SENDS, ClientError for any other refusal."""
        last = ""
        for attempt in range(MAX_SENDS):
            if attempt:
                backoff(attempt)
            self.sends += 1
            try:
                self.client.transact_write_items(
                    TransactItems=self.items, ClientRequestToken=self.token
                )
                return None
            except ClientError as error:
                code = error_code(error)
                if code == "TransactionCanceledException":
                    return self._cancelled(error)
                if code not in UNSETTLED_CODES:
                    raise
                last = code
            except _UNSETTLED_EXCEPTIONS as error:
                last = type(error).__name__
        raise LedgerUnsettled(
            f"DynamoDB gave no definite answer to {MAX_SENDS} sends (last: {last})",
            token=self.token,
        )

    def puts(self) -> list[dict[str, Any]]:
        """The items this request puts."""
        return [item["Put"]["Item"] for item in self.items if "Put" in item]

    def put_was_there(self, cancelled: Cancelled) -> bool:
        """Whether a put conditioned on its key's absence failed: its item exists, so an
        earlier send of this very request committed."""
        return any(
            "Put" in item and reason == "ConditionalCheckFailed"
            for item, reason in zip(self.items, cancelled.reasons, strict=False)
        )

    def _cancelled(self, error: ClientError) -> Cancelled:
        reasons = tuple(
            str(reason.get("Code") or "None")
            for reason in error.response.get("CancellationReasons", [])
        )
        retried = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
        return Cancelled(reasons, repeated=self.sends > 1 or bool(retried))


def backoff(attempt: int) -> None:
    # Full jitter, capped: colliding writers spread out instead of colliding again.
    time.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))

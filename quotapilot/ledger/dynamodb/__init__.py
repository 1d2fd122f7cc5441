"""The DynamoDB ledger: ``layout`` says where items live, ``transaction`` sends one
TransactWriteItems until DynamoDB answers it definitely, ``ledger`` is the backend."""

from __future__ import annotations

from quotapilot.ledger.dynamodb.ledger import MAX_TRANSACTION_ITEMS, DynamoDBLedger

__all__ = ["MAX_TRANSACTION_ITEMS", "DynamoDBLedger"]

"""What AWS services do with a function's role on its behalf: no object of ours makes these
calls, so each function's parts declare them."""

from __future__ import annotations

from quotapilot import permissions as p
from quotapilot.permissions import Needs

#: Tables, topics and the queue are encrypted with the stack's key.
ENCRYPTION = Needs(
    ("kms:Decrypt", "kms:GenerateDataKey"),
    p.KMS_KEY,
    "read and write the stack's encrypted tables, topics and queue",
)
#: Lambda's asynchronous invocation sends events that fail every retry to the function's
#: dead-letter queue, with the function's role.
DEAD_LETTERS = Needs(
    ("sqs:SendMessage",), p.DEAD_LETTER_QUEUE, "failed events go to the dead-letter queue"
)

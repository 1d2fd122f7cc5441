"""The runtime engine: the code quotapilot's Lambda functions run.

Cheap to import (no boto3 until a client is needed). The decision is pure and lives in
:mod:`quotapilot.engine.decision.decide`; the actions, the cycle, the event processor and the
approval desk talk to AWS through optional, lazily created clients.
"""

from __future__ import annotations

from quotapilot.engine.decision.decide import Action, Band, Decision, Situation, decide
from quotapilot.engine.rules import AutomationLevel, Rule, rule_from_mapping

__all__ = [
    "Action",
    "AutomationLevel",
    "Band",
    "Decision",
    "Rule",
    "Situation",
    "decide",
    "rule_from_mapping",
]

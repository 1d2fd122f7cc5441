"""Errors of the runtime engine."""

from __future__ import annotations

from quotapilot.exceptions import ConfigurationError, EngineError, EventValidationError, InputError


class RuleError(InputError):
    """An automation rule (rules table item or RULES.yaml entry) is invalid."""


class HistoryError(InputError):
    """A usage history file for ``quotapilot simulate`` is malformed."""


class EngineConfigurationError(ConfigurationError):
    """The engine's environment (tables, topics, accounts, regions) is missing or invalid."""


class UnknownEventError(EventValidationError):
    """An event's source or detail type is not one the event processor handles."""


class MalformedEventError(EventValidationError):
    """An event of a known type does not match its schema."""


class ApprovalError(EngineError):
    """An approval decision was refused (unknown request, not an approver, already decided)."""


class NotAnApproverError(ApprovalError):
    """The caller is not one of the configured approvers."""


class IncreaseInFlight(EngineError):
    """Another run holds the lock for this increase and has not recorded a request yet: the
    approval workflow retries rather than report it filed."""


class ShardsFailed(EngineError):
    """Some shards of a collector's batch could not be read; the others' rows are written,
    and the Distributed Map retries the batch."""


class OrganizationUnreadable(EngineError):
    """AWS Organizations listed no active account: the stack is not in the organisation's
    management or a delegated administrator account (moto answers an empty list there)."""

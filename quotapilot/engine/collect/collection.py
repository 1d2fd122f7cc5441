"""Sources for collection across member accounts, through the QuotaSource protocol, and
what a collection found.

The source does the reading (``quotapilot.sources.aws.AwsSource`` by default);
:mod:`quotapilot.engine.collect.shards` decides what to read where and records what failed,
so one bad account or region never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from quotapilot.domain import QuotaKey, Reading
from quotapilot.engine.config import MemberAccount
from quotapilot.sources.aws import AwsSource
from quotapilot.sources.base import QuotaSource

#: (account, regions) -> the source that reads it.
SourceFactory = Callable[[MemberAccount, list[str]], QuotaSource]


class AwsSources:
    """The default source factory: an :class:`AwsSource` per account (through its role) and
    regions, created when the collection reaches the account."""

    builds = (AwsSource,)

    def __init__(self, session: Any = None) -> None:
        self._session = session

    def __call__(self, account: MemberAccount, regions: list[str]) -> QuotaSource:
        return AwsSource(
            regions=regions or None,
            role_arn=account.role_arn or None,
            account=account.account or None,
            session=self._session,
        )


@dataclass
class Collection:
    readings: dict[QuotaKey, Reading] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)  # what was skipped and why

"""Recording a deployed stack's usage in the ledger, idempotently.

The stack's scope gets, per cloud quota, exactly what the export shows it uses: recording
again replaces the previous figures with compensating deltas (quotas the stack no longer
uses go to zero), so re-running after every deploy never double-counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quotapilot.ledger.base import Ledger
from quotapilot.ledger.exceptions import LedgerError
from quotapilot.ledger.export import read_export
from quotapilot.ledger.kinds import DemandFor, Measurement, catalogue_usage


@dataclass(frozen=True)
class Recorded:
    measurement: Measurement
    deltas: dict[str, float]
    #: Scopes on the path now over a limit, as (scope, quota, usage, limit).
    over: list[tuple[str, str, float, float]]


def catalogue_demand_for() -> DemandFor:
    try:
        from quotapilot.catalogue import demand_for
    except ImportError as error:
        raise LedgerError(
            "the quota catalogue (quotapilot.catalogue.demand_for) is not available",
            reason=str(error),
        ) from None
    return demand_for


def record_stack(
    ledger: Ledger,
    scope: str,
    export: str | Path,
    *,
    demand_for: DemandFor | None = None,
    default_region: str | None = None,
) -> Recorded:
    resources = read_export(export)
    measurement = catalogue_usage(resources, demand_for or catalogue_demand_for(), default_region)
    # A deployed stack's usage is a fact: record it even over a limit, and say so.
    deltas = ledger.recalculate(scope, measurement.usage)
    over = []
    for quota in measurement.usage:
        tight = ledger.tightest(scope, quota)
        if tight is not None and tight.limit is not None and tight.usage > tight.limit:
            over.append((tight.scope, quota, tight.usage, tight.limit))
    return Recorded(measurement, deltas, over)

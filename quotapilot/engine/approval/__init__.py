"""Human approval of large increases: starting the workflow and reading its records
(:mod:`.request`), the approval function's desk (:mod:`.desk`), and filing the approved
increase (:mod:`.execute`).

``DENIED_ERROR`` is re-exported: it is the name the workflow and the components agree on.
"""

from __future__ import annotations

from quotapilot.engine.approval.desk import DENIED_ERROR

__all__ = ["DENIED_ERROR"]

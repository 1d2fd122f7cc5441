"""Build the Lambda deployment packages: `python lambdas/build.py [engine events approval]`.

One deterministic zip per function in lambdas/dist/ (see quotapilot.components.bundle); the
entry points live in quotapilot.handlers. `pulumi up` builds them itself, in the user's cache,
when the stack is not given prebuilt zips.
"""

from __future__ import annotations

import sys
from pathlib import Path

from quotapilot import wiring
from quotapilot.components.bundle import build

DIST = Path(__file__).resolve().parent / "dist"

if __name__ == "__main__":
    for function in sys.argv[1:] or wiring.FUNCTIONS:
        print(build(function, DIST))

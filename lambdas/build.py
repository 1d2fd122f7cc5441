"""Build the Lambda deployment packages: `python lambdas/build.py [engine events approval]`.

One deterministic zip per function in lambdas/dist/ (see quotapilot.components.bundle);
`pulumi up` builds them itself when they are missing.
"""

import sys

from quotapilot import wiring
from quotapilot.components.bundle import build

if __name__ == "__main__":
    for function in sys.argv[1:] or wiring.FUNCTIONS:
        print(build(function))

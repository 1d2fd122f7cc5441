"""Starts a process of its own, then never finishes."""

import subprocess
import sys
import time
from pathlib import Path

import pulumi

out = Path(pulumi.Config().require("pidfile"))
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
out.write_text(str(child.pid))
time.sleep(600)

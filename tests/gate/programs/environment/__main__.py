"""Writes down the environment it was given."""

import json
import os
from pathlib import Path

import pulumi

Path(pulumi.Config().require("out")).write_text(json.dumps(sorted(os.environ)))

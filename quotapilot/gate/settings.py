"""The gate's defaults, and its one spelling of "no limit", defined here and nowhere else.

The CLI, the policy pack and ``run_check`` take their defaults from here; the Rego rules get
every number they compare with in their input (``input.settings``), never as a literal.
"""

from __future__ import annotations

#: Safety buffer: the share of each limit (less what AWS keeps back) a plan may not use,
#: percent.
BUFFER_PCT = 10.0
#: Warn when a change leaves a quota at least this full (of its usable limit, before the
#: buffer), percent.
LOW_HEADROOM_PCT = 80.0
#: An unlimited limit (a load-test quota with no limit) in the Rego input. JSON has no
#: infinity; this number is above any real limit, and the rules read it from
#: ``input.settings.infinity`` wherever they need "unlimited".
INFINITY = 1e300

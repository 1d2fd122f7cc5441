"""The quota gate: a plan against the serving quotas, the load-test baseline and a team's
allocation; Rego decides what blocks."""

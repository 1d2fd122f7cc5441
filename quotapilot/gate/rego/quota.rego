# quotapilot's verdicts. Python computes the arithmetic (input.quotas: one fact per quota the
# plan touches); these rules decide what blocks (deny_*) and what warns (warn_*). Teams add
# their own rules in further .rego files in package quotapilot, named deny_* or warn_*, each
# producing objects with at least "key" (a fact's key) and "message".
package quotapilot

import rego.v1

# METADATA
# title: Planned demand exceeds the serving quota
# description: >-
#   demand + other usage above the limit less the floor and the safety buffer. A quota the
#   plan adds nothing to never blocks (it may warn); an unknown usage counts as none, so
#   demand alone is still checked, and the unknown usage is reported by warn_unknown.
deny_exceeds contains finding if {
	some fact in input.quotas
	is_number(fact.limit)
	fact.demand > 0
	fact.projected > fact.usable
	finding := {
		"kind": "exceeds",
		"key": fact.key,
		"message": sprintf(
			"%s needs %v (demand %v + usage %s%s) but only %v of %v is usable (%v%% buffer%s)",
			[fact.label, fact.projected, fact.demand, usage_text(fact), in_parent(fact), fact.usable, fact.limit, fact.buffer_pct, kept_back(fact)],
		),
	}
}

usage_text(fact) := sprintf("%v", [fact.usage]) if is_number(fact.usage)

usage_text(fact) := "unknown" if not is_number(fact.usage)

in_parent(fact) := sprintf(" in %s", [fact.per]) if is_string(fact.per)

in_parent(fact) := "" if not is_string(fact.per)

# Lambda keeps 100 of the account's concurrency unreserved: say so when it matters.
kept_back(fact) := sprintf(", %v kept back by AWS", [fact.floor]) if fact.floor > 0

kept_back(fact) := "" if fact.floor == 0

# METADATA
# title: Serving quota regressed below the load-test environment's
deny_regression contains finding if {
	some fact in input.quotas
	is_number(fact.baseline_limit)
	fact.baseline_limit > limit_or_infinite(fact)
	finding := {
		"kind": "regression",
		"key": fact.key,
		"message": sprintf(
			"%s: serving limit %v is below the load-test limit %v",
			[fact.label, fact.limit, fact.baseline_limit],
		),
	}
}

# METADATA
# title: Little headroom left after this change
warn_low_headroom contains finding if {
	some fact in input.quotas
	is_number(fact.limit)
	fact.projected <= fact.usable
	fact.projected_pct >= input.settings.low_headroom_pct
	finding := {
		"kind": "low_headroom",
		"key": fact.key,
		"message": sprintf(
			"%s will be %v%% used after this change (%v of %v)",
			[fact.label, fact.projected_pct, fact.projected, fact.limit],
		),
	}
}

# A quota already past its usable limit that the plan adds nothing to: the change can't make
# it worse, so it never blocks, but the team should know.
warn_low_headroom contains finding if {
	some fact in input.quotas
	is_number(fact.limit)
	fact.demand == 0
	fact.projected > fact.usable
	finding := {
		"kind": "low_headroom",
		"key": fact.key,
		"message": sprintf(
			"%s is already %v%% used (%v of %v); this change adds nothing to it",
			[fact.label, fact.projected_pct, fact.projected, fact.limit],
		),
	}
}

# METADATA
# title: A quota or a demand could not be determined
warn_unknown contains finding if {
	not input.settings.strict
	some finding in unknown_findings
}

# METADATA
# title: A quota or a demand could not be determined (strict mode blocks)
deny_unknown contains finding if {
	input.settings.strict
	some finding in unknown_findings
}

unknown_findings contains finding if {
	some fact in input.quotas
	is_string(fact.unknown)
	finding := {"kind": "unknown", "key": fact.key, "message": sprintf("%s: %s", [fact.label, fact.unknown])}
}

unknown_findings contains finding if {
	some lookup in object.get(input, "lookups", [])
	finding := {
		"kind": "unknown",
		"key": "",
		"message": lookup,
	}
}

unknown_findings contains finding if {
	some resource in input.resources
	some reason in object.get(resource, "__unknown_demand", [])
	finding := {
		"kind": "unknown",
		"key": "",
		"message": sprintf("%s (%s): %s", [resource.__name, resource.__type, reason]),
	}
}

# METADATA
# title: Planned demand exceeds the team's allocation in the quota ledger
deny_allocation contains finding if {
	some fact in input.quotas
	is_number(fact.allocation_limit)
	fact.demand > 0
	fact.demand + fact.allocation_usage > fact.allocation_limit
	finding := {
		"kind": "allocation",
		"key": fact.key,
		"message": sprintf(
			"%s: demand %v + allocated usage %v exceeds the allocation %v of %s",
			[fact.label, fact.demand, fact.allocation_usage, fact.allocation_limit, input.settings.scope],
		),
	}
}

# METADATA
# title: A busy season starts within the quota's increase lead time, above the serving limit
# description: >-
#   The facts carry the highest seasonal level needed between now and the end of the quota's
#   increase lead time (null when no season is near): ask for it now, or the increase arrives
#   after the season has started.
warn_season contains finding if {
	some fact in input.quotas
	is_number(fact.season_level)
	fact.season_level > limit_or_infinite(fact)
	finding := {
		"kind": "season",
		"key": fact.key,
		"message": sprintf(
			"%s: the season from %s needs %v but the serving limit is %v; %s, and an increase can take %v days: request it now",
			[fact.label, fact.season_starts, fact.season_level, fact.limit, season_when(fact), fact.season_lead_days],
		),
	}
}

season_when(fact) := "it has started" if fact.season_days_away == 0

season_when(fact) := sprintf("it starts in %v days", [fact.season_days_away]) if fact.season_days_away > 0

# A serving limit that is unlimited (or unknown) is above everything: the number the input
# carries for it, defined once in Python (quotapilot.gate.settings.INFINITY).
limit_or_infinite(fact) := fact.limit if is_number(fact.limit)

limit_or_infinite(fact) := input.settings.infinity if not is_number(fact.limit)

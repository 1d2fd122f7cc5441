# quotapilot's verdicts for conftest. conftest queries rules named deny*/warn* whose results
# are strings or objects carrying "msg"; quotapilot's own rules (package quotapilot) produce
# objects carrying "message". This package restates every one of them, bundled or a team's,
# in conftest's shape. quotapilot computes the facts (`quotapilot check --write-input`);
# conftest or OPA evaluates the rules:
#
#   conftest test quota-input.json --policy quotapilot-policies/ --namespace quotapilot_conftest
#
# It is not loaded by `quotapilot check` itself (which reads package quotapilot directly).
package quotapilot_conftest

import rego.v1

# METADATA
# title: quotapilot's blocking findings (exceeds, regression, allocation, strict unknowns)
deny_quota contains result if {
	some name, findings in data.quotapilot
	startswith(name, "deny_")
	some finding in findings
	result := restated(finding)
}

# METADATA
# title: quotapilot's warnings (low headroom, unknowns)
warn_quota contains result if {
	some name, findings in data.quotapilot
	startswith(name, "warn_")
	some finding in findings
	result := restated(finding)
}

restated(finding) := {
	"msg": finding.message,
	"kind": object.get(finding, "kind", ""),
	"key": object.get(finding, "key", ""),
}

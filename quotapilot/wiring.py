"""Names the deployed stack and the Lambda code must agree on.

The components (``quotapilot.components``) set these environment variables, event sources and
detail types; the engine, event processor and approval handler (``quotapilot.engine``) read
them at cold start. Keeping both sides on one module is what stops them drifting apart.
"""

from __future__ import annotations

from typing import Final

# Lambda functions, by role. The entry point is quotapilot.handlers.<name>.
FUNCTION_ENGINE: Final = "engine"
FUNCTION_EVENTS: Final = "events"
FUNCTION_APPROVAL: Final = "approval"
FUNCTIONS: Final = (FUNCTION_ENGINE, FUNCTION_EVENTS, FUNCTION_APPROVAL)
#: With ``fan_out`` on, the cycle runs as a state machine: a Distributed Map runs this function
#: over batches of shards (an account in a region), then the engine decides over their rows.
FUNCTION_COLLECTOR: Final = "collector"
#: Every function the Lambda code has an entry point for.
ALL_FUNCTIONS: Final = (*FUNCTIONS, FUNCTION_COLLECTOR)

# Environment variables (read once, at cold start).
ENV_MONITORING_TABLE: Final = "QUOTAPILOT_MONITORING_TABLE"
ENV_RULES_TABLE: Final = "QUOTAPILOT_RULES_TABLE"
ENV_LOG_TABLE: Final = "QUOTAPILOT_LOG_TABLE"  # the automation log: the audit trail
ENV_EVENTS_TABLE: Final = "QUOTAPILOT_EVENTS_TABLE"
ENV_IDEMPOTENCY_TABLE: Final = "QUOTAPILOT_IDEMPOTENCY_TABLE"
ENV_LEDGER_TABLE: Final = "QUOTAPILOT_LEDGER_TABLE"
ENV_ALERTS_TOPIC_ARN: Final = "QUOTAPILOT_ALERTS_TOPIC_ARN"
ENV_EVENTS_TOPIC_ARN: Final = "QUOTAPILOT_EVENTS_TOPIC_ARN"
ENV_EVENT_BUS: Final = "QUOTAPILOT_EVENT_BUS"
ENV_APPROVAL_STATE_MACHINE_ARN: Final = "QUOTAPILOT_APPROVAL_STATE_MACHINE_ARN"
#: Comma-separated IAM principal ARNs allowed to approve or deny increase requests.
ENV_APPROVERS: Final = "QUOTAPILOT_APPROVERS"
#: JSON list of {"account": "...", "role_arn": "..."} to collect from; empty: this account.
ENV_ACCOUNTS: Final = "QUOTAPILOT_ACCOUNTS"
#: JSON {"id": "o-...", "role_name": "..."}: watch every active account of the organisation
#: (listed from AWS Organizations each run), through the member role of that name.
ENV_ORGANIZATION: Final = "QUOTAPILOT_ORGANIZATION"
#: Comma-separated regions to collect from.
ENV_REGIONS: Final = "QUOTAPILOT_REGIONS"
#: JSON object {"serving": source, "loadtest": source, "quotas": [...]} for the regression watch.
ENV_REGRESSION_WATCH: Final = "QUOTAPILOT_REGRESSION_WATCH"
ENV_ENVIRONMENT: Final = "QUOTAPILOT_ENVIRONMENT"
#: The artifacts bucket's name: the fan-out cycle writes its shard lists under runs/.
ENV_ARTIFACTS_BUCKET: Final = "QUOTAPILOT_ARTIFACTS_BUCKET"

# Engine function actions: the scheduled cycle is the default when "action" is absent.
#: Errors the approval workflow tells apart from failures (it retries failures, not these):
#: the approval function fails the task with this name on a denial, and the engine's
#: exception for an increase nobody approved is named this (Lambda reports the class name).
APPROVAL_DENIED_ERROR = "QuotaIncreaseDenied"
APPROVAL_MISSING_ERROR = "ApprovalError"

ACTION_CYCLE: Final = "cycle"
# The fan-out cycle (a state machine), in three steps:
#: engine: write the run's shards to ``s3://<artifacts>/<key>`` (the Map's ItemReader reads
#: them from there: a state can't carry 4,000 shards) and answer
#: {"run_id", "now", "bucket", "key", "shards": <count>}.
ACTION_LIST_SHARDS: Final = "list_shards"
#: collector: {"action", "run_id", "now", "shards": [<shard>, ...]} (a Map batch): collect
#: each shard and write its rows; raise if any shard failed (the Map retries the batch).
ACTION_COLLECT: Final = "collect"
#: engine: {"action", "run_id", "now"}: forecast, decide and act over the run's rows; answers
#: the cycle report.
ACTION_DECIDE: Final = "decide"
#: Where list_shards writes the shard list, under the artifacts bucket.
SHARDS_PREFIX: Final = "runs/"
ACTION_REGRESSION_WATCH: Final = "regression_watch"
ACTION_EXECUTE_INCREASE: Final = "execute_increase"
# Approval function actions.
ACTION_APPROVAL_REQUEST: Final = "request"  # from the state machine, with the task token

# Events on quotapilot's custom bus.
EVENT_SOURCE: Final = "quotapilot"
DETAIL_THRESHOLD_EXCEEDED: Final = "Quota Threshold Exceeded"
DETAIL_USAGE_SPIKE: Final = "Quota Usage Spike"
DETAIL_PREDICTION_ALERT: Final = "Quota Prediction Alert"
DETAIL_INFRASTRUCTURE_SCALING: Final = "Infrastructure Scaling"
DETAIL_DISASTER_RECOVERY: Final = "Disaster Recovery"
DETAIL_COST_OPTIMIZATION: Final = "Cost Optimization"
DETAIL_TYPES: Final = (
    DETAIL_THRESHOLD_EXCEEDED,
    DETAIL_USAGE_SPIKE,
    DETAIL_PREDICTION_ALERT,
    DETAIL_INFRASTRUCTURE_SCALING,
    DETAIL_DISASTER_RECOVERY,
    DETAIL_COST_OPTIMIZATION,
)

# Service Quotas' own threshold-breach notifications arrive on the default bus as AWS Health
# events (they need Service Quotas automatic management to be on).
SERVICE_QUOTAS_EVENT_SOURCE: Final = "aws.health"
SERVICE_QUOTAS_DETAIL_TYPE: Final = "AWS Health Event"
SERVICE_QUOTAS_EVENT_TYPE_CODE: Final = "AWS_SERVICEQUOTAS_THRESHOLD_BREACH"

#: Set by the gate while it runs a Pulumi program under mocks to read its plan: components
#: must not build Lambda bundles (pip installs) then; the plan needs resources, not code.
ENV_OFFLINE_PLAN: Final = "QUOTAPILOT_OFFLINE_PLAN"

# DynamoDB key schemas the components create and the engine reads and writes: (partition key,
# sort key or None); every key attribute is a string. The monitoring table also holds the
# engine's small state items (alert cooldowns, request locks, approval tokens) under
# prefixed partition keys, so that no extra table is needed.
TABLE_KEYS: Final = {
    ENV_MONITORING_TABLE: ("pk", "sk"),
    ENV_RULES_TABLE: ("rule_id", None),
    ENV_LOG_TABLE: ("log_id", None),
    ENV_EVENTS_TABLE: ("event_id", None),
    ENV_IDEMPOTENCY_TABLE: ("id", None),  # Powertools idempotency's default layout
}
#: Secondary indexes for people and dashboards (the engine itself reads by key): table env
#: name -> (index name, partition attribute and type, sort attribute and type).
TABLE_INDEXES: Final = {
    # The names are stored (the table's index, its items' attribute): they keep their spelling.
    ENV_MONITORING_TABLE: ("by-service-utilisation", ("service", "S"), ("utilisation", "N")),
    ENV_LOG_TABLE: ("by-action-time", ("kind", "S"), ("at", "S")),
    ENV_EVENTS_TABLE: ("by-type-time", ("detail_type", "S"), ("received_at", "S")),
}
#: TTL attribute (epoch seconds) on the monitoring, log and events tables.
TTL_ATTRIBUTE: Final = "ttl"
#: TTL attribute Powertools idempotency writes on the idempotency table.
IDEMPOTENCY_TTL_ATTRIBUTE: Final = "expiration"

# CloudWatch metrics the engine emits (embedded metric format, through its logs: no
# PutMetricData permission). Dimension "function" = the wiring function name.
METRICS_NAMESPACE: Final = "Quotapilot"
METRIC_QUOTAS_EVALUATED: Final = "QuotasEvaluated"
METRIC_ALERTS_SENT: Final = "AlertsSent"
METRIC_ALERTS_SUPPRESSED: Final = "AlertsSuppressed"  # within the cooldown
METRIC_INCREASES_REQUESTED: Final = "IncreasesRequested"
METRIC_APPROVALS_REQUESTED: Final = "ApprovalsRequested"
METRIC_COLLECTION_FAILURES: Final = "CollectionFailures"  # accounts/regions/quotas skipped
METRIC_ACTION_FAILURES: Final = "ActionFailures"
METRIC_EVENTS_PROCESSED: Final = "EventsProcessed"
METRIC_EVENTS_REJECTED: Final = "EventsRejected"  # malformed or unknown: sent to the DLQ
METRIC_REGRESSIONS: Final = "QuotaRegressions"  # serving limit below load-test
#: Percent, the highest of the cycle. The published name keeps its spelling: dashboards,
#: alarms and the metric's history read it.
METRIC_MAX_UTILIZATION: Final = "MaxUtilisation"

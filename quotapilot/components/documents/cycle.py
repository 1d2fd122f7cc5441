"""The fan-out cycle: a Step Functions definition whose Distributed Map collects every shard
(an account in a region) in batches, then has the engine decide over what was collected."""

from __future__ import annotations

from typing import Any

from quotapilot import wiring

#: The Map state's label: child executions are named under it.
COLLECT = "Collect"
#: The Lambda service failing (not the function): always worth another try.
LAMBDA_SERVICE_ERRORS = (
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
)
#: What the decide step's report keeps in the execution's state (a state carries at most
#: 256 KiB: the failures themselves are in the engine's log and the audit trail).
REPORT_FIELDS = (
    "started_at",
    "rules",
    "quotas_evaluated",
    "decisions",
    "alerts_sent",
    "alerts_suppressed",
    "increases_requested",
    "approvals_requested",
    "audit_unwritten",
    "max_utilization",
)


def fan_out_state_machine(
    engine_arn: str,
    collector_arn: str,
    *,
    max_concurrency: int,
    batch_size: int,
    tolerated_failure_percentage: int,
    retries: int,
) -> dict[str, Any]:
    """List the run's shards, collect them in parallel batches, decide, summarise."""
    invoke = "arn:aws:states:::lambda:invoke"
    return {
        "Comment": "quotapilot: one cycle over every account and region, fanned out",
        "StartAt": "ListShards",
        "States": {
            "ListShards": {
                "Type": "Task",
                "Resource": invoke,
                "Parameters": {
                    "FunctionName": engine_arn,
                    "Payload": {"action": wiring.ACTION_LIST_SHARDS},
                },
                # Listing again is harmless (a new run id, a new list): a crash or an exhausted
                # retry of AWS calls must not cost the cycle.
                "Retry": [
                    _service_errors(),
                    {
                        "ErrorEquals": ["States.TaskFailed"],
                        "IntervalSeconds": 5,
                        "MaxAttempts": 2,
                        "BackoffRate": 2,
                    },
                ],
                # {"run_id", "now", "bucket", "key", "shards"}: the run every later step names.
                "ResultSelector": {"run.$": "$.Payload"},
                "OutputPath": "$.run",
                "Next": COLLECT,
            },
            COLLECT: {
                "Type": "Map",
                "Label": COLLECT,
                # The shard list is too big for a state (4,000 shards): the Map reads it.
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "JSON"},
                    "Parameters": {"Bucket.$": "$.bucket", "Key.$": "$.key"},
                },
                "ItemBatcher": {
                    "MaxItemsPerBatch": batch_size,
                    "BatchInput": {"run_id.$": "$.run_id", "now.$": "$.now"},
                },
                "MaxConcurrency": max_concurrency,
                "ToleratedFailurePercentage": tolerated_failure_percentage,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "CollectBatch",
                    "States": {
                        "CollectBatch": {
                            "Type": "Task",
                            "Resource": invoke,
                            "Parameters": {
                                "FunctionName": collector_arn,
                                "Payload": {
                                    "action": wiring.ACTION_COLLECT,
                                    "run_id.$": "$.BatchInput.run_id",
                                    "now.$": "$.BatchInput.now",
                                    "shards.$": "$.Items",
                                },
                            },
                            # A batch whose shard failed raises (ShardsFailed): try it again;
                            # rewriting a shard's rows replaces them, so a retry is safe.
                            "Retry": [
                                _service_errors(),
                                {
                                    "ErrorEquals": ["States.ALL"],
                                    "IntervalSeconds": 5,
                                    "MaxAttempts": retries,
                                    "BackoffRate": 2,
                                    "JitterStrategy": "FULL",
                                },
                            ],
                            # {"run_id", "shards", "quotas"}: a few bytes per batch.
                            "OutputPath": "$.Payload",
                            "End": True,
                        }
                    },
                },
                # The rows are in the monitoring table; the batches' answers are not needed
                # (and the run's state stays far below its 256 KiB).
                "ResultPath": None,
                "Next": "Decide",
            },
            "Decide": {
                "Type": "Task",
                "Resource": invoke,
                "Parameters": {
                    "FunctionName": engine_arn,
                    "Payload": {
                        "action": wiring.ACTION_DECIDE,
                        "run_id.$": "$.run_id",
                        "now.$": "$.now",
                    },
                },
                # Acting is idempotent (locks, open requests found, alert cooldowns), so a
                # failed decide is tried again, as EventBridge retries the single cycle.
                "Retry": [
                    _service_errors(),
                    {
                        "ErrorEquals": ["States.TaskFailed"],
                        "IntervalSeconds": 30,
                        "MaxAttempts": 2,
                        "BackoffRate": 2,
                    },
                ],
                "ResultSelector": {
                    **{f"{name}.$": f"$.Payload.{name}" for name in REPORT_FIELDS},
                    "failures.$": "States.ArrayLength($.Payload.failures)",
                },
                "ResultPath": "$.report",
                "Next": "Summary",
            },
            "Summary": {
                "Type": "Pass",
                "Parameters": {
                    "run_id.$": "$.run_id",
                    "shards.$": "$.shards",
                    "report.$": "$.report",
                },
                "End": True,
            },
        },
    }


def _service_errors() -> dict[str, Any]:
    return {
        "ErrorEquals": list(LAMBDA_SERVICE_ERRORS),
        "IntervalSeconds": 2,
        "MaxAttempts": 6,
        "BackoffRate": 2,
        "JitterStrategy": "FULL",
    }

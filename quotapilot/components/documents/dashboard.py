"""The CloudWatch dashboard of one environment's automation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quotapilot import wiring


def dashboard(
    region: str,
    environment: str,
    functions: Mapping[str, str],
    state_machine_arn: str,
    dlq_name: str,
    cycle_state_machine_arn: str | None = None,
) -> dict[str, Any]:
    ns = wiring.METRICS_NAMESPACE

    def widget(title: str, metrics: list, x: int, y: int, stat: str = "Sum") -> dict:
        return {
            "type": "metric",
            "x": x,
            "y": y,
            "width": 12,
            "height": 6,
            "properties": {
                "title": title,
                "region": region,
                "stat": stat,
                "period": 300,
                "metrics": metrics,
            },
        }

    engine = functions[wiring.FUNCTION_ENGINE]
    return {
        "widgets": [
            widget(
                f"{environment}: engine runs and errors",
                [
                    ["AWS/Lambda", "Invocations", "FunctionName", engine],
                    ["AWS/Lambda", "Errors", "FunctionName", engine],
                ],
                0,
                0,
            ),
            widget(
                "duration (p95)",
                [["AWS/Lambda", "Duration", "FunctionName", name] for name in functions.values()],
                12,
                0,
                "p95",
            ),
            widget(
                "highest quota utilisation, %",
                [[ns, wiring.METRIC_MAX_UTILIZATION, "function", wiring.FUNCTION_ENGINE]],
                0,
                6,
                "Maximum",
            ),
            widget(
                "alerts, increases, approvals",
                [
                    [ns, m, "function", wiring.FUNCTION_ENGINE]
                    for m in (
                        wiring.METRIC_ALERTS_SENT,
                        wiring.METRIC_INCREASES_REQUESTED,
                        wiring.METRIC_APPROVALS_REQUESTED,
                        wiring.METRIC_REGRESSIONS,
                    )
                ],
                12,
                6,
            ),
            widget(
                "events processed and rejected",
                [
                    [ns, m, "function", wiring.FUNCTION_EVENTS]
                    for m in (wiring.METRIC_EVENTS_PROCESSED, wiring.METRIC_EVENTS_REJECTED)
                ],
                0,
                12,
            ),
            widget(
                "approval workflow and dead letters",
                [
                    ["AWS/States", "ExecutionsFailed", "StateMachineArn", state_machine_arn],
                    ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", dlq_name],
                ],
                12,
                12,
                "Maximum",
            ),
            widget(
                "shards and quotas not collected",
                [[ns, wiring.METRIC_COLLECTION_FAILURES, "function", wiring.FUNCTION_ENGINE]],
                0,
                18,
            ),
            *(
                [
                    widget(
                        "fan-out cycle runs",
                        [
                            ["AWS/States", m, "StateMachineArn", cycle_state_machine_arn]
                            for m in ("ExecutionsSucceeded", "ExecutionsFailed")
                        ],
                        12,
                        18,
                    )
                ]
                if cycle_state_machine_arn
                else []
            ),
        ]
    }

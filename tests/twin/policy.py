"""Every AWS call a function makes, held against the function's planned IAM policy.

moto's server enforces IAM only against the resource ``*`` for most services (SQS, IAM and STS
excepted), which would refuse every least-privilege statement; so the twin evaluates each call
itself, before it is sent, with moto's own policy evaluator, on the call's real resource ARN.
A call the policy doesn't allow fails as AWS would fail it (AccessDenied), and every call is
recorded as the IAM action it needs.
"""

from __future__ import annotations

from typing import Any

#: botocore service names whose IAM prefix differs.
IAM_PREFIX = {
    "monitoring": "cloudwatch",
    "stepfunctions": "states",
    "service-quotas": "servicequotas",
    "servicequotas": "servicequotas",
    "email": "ses",
}


def iam_action(service_name: str, operation: str) -> str:
    return f"{IAM_PREFIX.get(service_name, service_name)}:{operation}"


def resources_of(
    service: str, operation: str, params: dict[str, Any], region: str, account: str
) -> list[str]:
    """The ARNs a call acts on, as IAM evaluates them; ``*`` for actions AWS can't scope."""
    arn = f"arn:aws:{{}}:{region}:{account}:{{}}"
    if service == "dynamodb":
        tables: list[str] = []
        if "TableName" in params:
            name = params["TableName"]
            index = params.get("IndexName")
            tables.append(f"table/{name}" + (f"/index/{index}" if index else ""))
        for name in params.get("RequestItems", {}) or {}:
            tables.append(f"table/{name}")
        for item in params.get("TransactItems", []) or []:
            for body in item.values():
                tables.append(f"table/{body['TableName']}")
        return [arn.format("dynamodb", t) for t in tables] or ["*"]
    if service == "sns" and "TopicArn" in params:
        return [params["TopicArn"]]
    if service == "sqs" and "QueueUrl" in params:
        return [arn.format("sqs", params["QueueUrl"].rstrip("/").rsplit("/", 1)[-1])]
    if service == "stepfunctions":
        if "stateMachineArn" in params:
            return [params["stateMachineArn"]]
        if "executionArn" in params:
            return [params["executionArn"]]
        return ["*"]  # SendTask* take the task token, not a resource
    if service == "events" and operation == "PutEvents":
        buses = []
        for entry in params.get("Entries", []):
            bus = entry.get("EventBusName") or "default"
            buses.append(
                bus if bus.startswith("arn:") else arn.format("events", f"event-bus/{bus}")
            )
        return buses or ["*"]
    if service == "sts" and "RoleArn" in params:
        return [params["RoleArn"]]
    if service == "s3" and "Bucket" in params:
        key = params.get("Key")
        return [f"arn:aws:s3:::{params['Bucket']}" + (f"/{key}" if key else "")]
    return ["*"]


def allowed(policy: dict[str, Any], action: str, resource: str) -> bool:
    import json

    from moto.iam.access_control import IAMPolicy, PermissionResult

    document = json.dumps(policy)  # the evaluator reads the policy as AWS stores it: JSON
    return IAMPolicy(document).is_action_permitted(action, resource) == PermissionResult.PERMITTED

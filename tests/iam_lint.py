"""parliament (IAM lint) on a planned policy, with the two places its tables are behind AWS:
operations newer than its action list (they must exist in botocore's service model instead),
and DescribeExecution, which it allows only on express executions while AWS's own
Distributed Map policy grants it on standard ones (what the Map's child executions are)."""

from __future__ import annotations

EXPRESS_EXECUTION = "arn:*:states:*:*:express:*:*:*"
#: parliament's prefix -> botocore's service name, where they differ.
SERVICE_NAMES = {"servicequotas": "service-quotas"}


def lint_failures(policy_text: str) -> list[str]:
    """What parliament finds in the policy, but for its known gaps; empty when it passes."""
    import botocore.session
    import parliament

    session = botocore.session.get_session()
    failures = []
    for finding in parliament.analyze_policy_string(policy_text).findings:
        if finding.issue == "UNKNOWN_ACTION":
            prefix, operation = str(finding.detail).rsplit(" ", 1)[-1].split(":")
            model = session.get_service_model(SERVICE_NAMES.get(prefix, prefix))
            if operation in model.operation_names:
                continue
        elif finding.issue == "RESOURCE_MISMATCH" and finding.detail == [
            {"action": "states:DescribeExecution", "required_format": EXPRESS_EXECUTION}
        ]:
            continue
        failures.append(f"{finding.issue} {finding.detail}")
    return failures

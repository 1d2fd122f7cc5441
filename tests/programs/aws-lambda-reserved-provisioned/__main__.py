"""One function with reserved concurrency, one with provisioned concurrency on an alias."""

import pulumi
import pulumi_aws as aws

role = aws.iam.Role(
    "fns",
    assume_role_policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    '"Action":"sts:AssumeRole","Principal":{"Service":"lambda.amazonaws.com"}}]}',
)
code = pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c):\n    return e\n")})
aws.lambda_.Function(
    "orders",
    role=role,  # a resource object as an input: the provider gets its id
    runtime="python3.12",
    handler="index.handler",
    code=code,
    reserved_concurrent_executions=100,
)
api = aws.lambda_.Function(
    "api", role=role.arn, runtime="python3.12", handler="index.handler", code=code, publish=True
)
live = aws.lambda_.Alias("live", function_name=api.name, function_version=api.version)
aws.lambda_.ProvisionedConcurrencyConfig(
    "live",
    function_name=api.name,
    qualifier=live.name,
    provisioned_concurrent_executions=20,
)

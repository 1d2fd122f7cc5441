"""The Lambda functions (engine, events, approval; and the collector with the fan-out
cycle), each with its log group, package, role and least-privilege
policy (built from the Lambda code's own declarations,
:data:`quotapilot.engine.permissions.FUNCTION_NEEDS`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from quotapilot import wiring
from quotapilot.components import bundle, documents
from quotapilot.components.part import TYPE_PREFIX, PartArgs, resource_options

#: The functions EventBridge invokes asynchronously: they retry, then dead-letter.
ASYNC_FUNCTIONS = (wiring.FUNCTION_ENGINE, wiring.FUNCTION_EVENTS)


@dataclass(frozen=True, kw_only=True)
class FunctionsArgs(PartArgs):
    #: The key encrypting the log groups, packages and environment variables.
    key_arn: pulumi.Input[str]
    #: The bucket the packages are uploaded to.
    bucket_id: pulumi.Input[str]
    #: Where asynchronous invocations land after their retries.
    dead_letters_arn: pulumi.Input[str]
    #: Every environment value the functions may read; each function gets the variables its
    #: code reads (:data:`quotapilot.engine.permissions.FUNCTION_ENV`).
    environment: Mapping[str, pulumi.Input[str]]
    #: Logical resource (``table:rules``) -> the ARNs it stands for; an empty ARN is none.
    resource_arns: Mapping[str, Sequence[pulumi.Input[str]]]
    #: Logical resource -> the IAM condition its statements carry (an organisation's roles).
    resource_conditions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    log_retention_days: pulumi.Input[int]
    memory_mb: pulumi.Input[int]
    reserved_concurrency: pulumi.Input[int]
    #: Prebuilt packages by function (a zip path or an archive); the others are built.
    code: Mapping[str, str | pulumi.Input[pulumi.Archive]] = field(default_factory=dict)
    #: The functions to make: the collector only with the fan-out cycle.
    functions: tuple[str, ...] = wiring.FUNCTIONS
    #: Per function, the Function arguments that differ from the above: ``timeout``,
    #: ``memory_size``, ``reserved_concurrent_executions`` (None: none reserved).
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


class Functions(pulumi.ComponentResource):
    """Functions with X-Ray, JSON logs, reserved concurrency and (the asynchronous ones) a
    dead-letter queue."""

    def __init__(
        self, name: str, args: FunctionsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_PREFIX + "Functions", name, None, opts)
        child = resource_options(self, opts)
        made = {function: _function(function, args, child) for function in args.functions}
        self.functions: dict[str, aws.lambda_.Function] = {f: m[0] for f, m in made.items()}
        self.roles: dict[str, aws.iam.Role] = {f: m[1] for f, m in made.items()}
        self.log_groups: dict[str, aws.cloudwatch.LogGroup] = {f: m[2] for f, m in made.items()}
        # Asynchronous invocations (EventBridge) retry twice, then land in the DLQ.
        for function in ASYNC_FUNCTIONS:
            aws.lambda_.FunctionEventInvokeConfig(
                f"{args.prefix}-{function}-async",
                function_name=self.functions[function].name,
                maximum_retry_attempts=2,
                maximum_event_age_in_seconds=3600,
                destination_config={"on_failure": {"destination": args.dead_letters_arn}},
                opts=child,
            )
        self.register_outputs({f: fn.arn for f, fn in self.functions.items()})


def _function(
    function: str, args: FunctionsArgs, child: pulumi.ResourceOptions
) -> tuple[aws.lambda_.Function, aws.iam.Role, aws.cloudwatch.LogGroup]:
    """One function, with its log group, package, role and policy."""
    from quotapilot.engine.permissions import FUNCTION_ENV

    prefix, tags = args.prefix, args.tags
    log_group = aws.cloudwatch.LogGroup(
        f"{prefix}-{function}-logs",
        retention_in_days=args.log_retention_days,
        kms_key_id=args.key_arn,
        tags=tags,
        opts=child,
    )
    # Packages go through S3: the engine's (with the forecaster) is over Lambda's 50 MB
    # direct-upload limit, and one path for all keeps them alike.
    package = aws.s3.BucketObjectv2(
        f"{prefix}-{function}-package",
        bucket=args.bucket_id,
        key=f"lambda/{function}.zip",
        source=package_code(function, args.code),
        server_side_encryption="aws:kms",
        kms_key_id=args.key_arn,
        opts=child,
    )
    role = aws.iam.Role(
        f"{prefix}-{function}-role",
        assume_role_policy=json.dumps(documents.assume_role("lambda.amazonaws.com")),
        tags=tags,
        opts=child,
    )
    asynchronous = function in ASYNC_FUNCTIONS
    settings = {
        "timeout": 300 if function == wiring.FUNCTION_ENGINE else 60,
        "memory_size": args.memory_mb,
        "reserved_concurrent_executions": args.reserved_concurrency,
        **args.overrides.get(function, {}),
    }
    lambda_function = aws.lambda_.Function(
        f"{prefix}-{function}",
        runtime="python3.11",
        handler="handler.handler",
        architectures=["x86_64"],
        s3_bucket=args.bucket_id,
        s3_key=package.key,
        s3_object_version=package.version_id,
        role=role.arn,
        **settings,
        environment={
            "variables": {
                env: args.environment[env]
                for env in FUNCTION_ENV[function]
                if env in args.environment
            }
        },
        kms_key_arn=args.key_arn,
        tracing_config={"mode": "Active"},
        # Only asynchronously invoked functions can dead-letter (the approval function is
        # called synchronously): no DLQ, and no SendMessage grant, for the rest.
        dead_letter_config={"target_arn": args.dead_letters_arn} if asynchronous else None,
        logging_config={"log_format": "JSON", "log_group": log_group.name},
        tags=tags,
        opts=child,
    )
    aws.iam.RolePolicy(
        f"{prefix}-{function}-policy",
        role=role.id,
        policy=_policy(function, args, log_group.arn),
        opts=child,
    )
    return lambda_function, role, log_group


def _policy(
    function: str, args: FunctionsArgs, log_group_arn: pulumi.Output[str]
) -> pulumi.Output[str]:
    """The function's policy: what its code declares it needs, on the stack's resources."""
    from quotapilot.engine.permissions import FUNCTION_NEEDS

    needs = FUNCTION_NEEDS[function]
    arns = pulumi.Output.all(
        **{logical: pulumi.Output.all(*given) for logical, given in args.resource_arns.items()}
    )
    dlq = args.dead_letters_arn if function in ASYNC_FUNCTIONS else None
    return pulumi.Output.all(arns, log_group_arn, dlq).apply(
        lambda a: json.dumps(
            documents.function_policy(
                needs,
                {k: [arn for arn in v if arn] for k, v in a[0].items()},
                a[1],
                a[2],
                conditions=args.resource_conditions,
            )
        )
    )


def package_code(
    function: str, code: Mapping[str, str | pulumi.Input[pulumi.Archive]]
) -> pulumi.Input[pulumi.Archive]:
    """The function's package: the zip or archive given, else one built from the installed
    quotapilot (while the gate reads a plan offline, the handler's source alone)."""
    given = code.get(function)
    if isinstance(given, str):  # a zip built ahead of time (`quotapilot package`)
        return pulumi.FileArchive(given)
    if given is not None:  # an archive, or another resource's output
        return given
    if bundle.offline():
        return pulumi.AssetArchive(
            {"handler.py": pulumi.FileAsset(str(bundle.handler_file(function)))}
        )
    return pulumi.FileArchive(str(bundle.build(function)))

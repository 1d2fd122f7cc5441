"""Mocks that let a real Pulumi program run with no engine, no provider and no cloud.

Resources get a deterministic id and their inputs back as outputs, in the types the provider
declares for those outputs, plus a plausible ``name`` and ``arn`` (AWS) so that references
between resources resolve; every other output stays unknown, as in a real preview. Stack
references' outputs are unknown too: they live in a backend the gate doesn't read.

Data sources (:mod:`quotapilot.gate.lookups`): the common ones get plausible answers; any
other gets a stand-in of its declared shape and is reported, so that a demand computed from
it is flagged rather than trusted.
"""

from __future__ import annotations

import hashlib

import pulumi

from quotapilot.gate import lookups
from quotapilot.gate.shapes import coerce, declared_outputs

ACCOUNT_ID = lookups.ACCOUNT_ID
PROJECT_ID = lookups.PROJECT_ID
AMI_ID = lookups.AMI_ID
render_policy_document = lookups.render_policy_document

#: The engine's marker for a value not known until the resource exists.
UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
STACK_REFERENCE = "pulumi:pulumi:StackReference"


#: ARN layouts of the resource types programs refer to by ARN, as AWS builds them, so that a
#: reference between planned resources reads like the real one ({r}egion, {a}ccount, {n}ame).
ARN_FORMATS = {
    "aws:dynamodb/table:Table": "arn:aws:dynamodb:{r}:{a}:table/{n}",
    "aws:sns/topic:Topic": "arn:aws:sns:{r}:{a}:{n}",
    "aws:sqs/queue:Queue": "arn:aws:sqs:{r}:{a}:{n}",
    "aws:cloudwatch/eventBus:EventBus": "arn:aws:events:{r}:{a}:event-bus/{n}",
    "aws:iam/role:Role": "arn:aws:iam::{a}:role/{n}",
    "aws:iam/user:User": "arn:aws:iam::{a}:user/{n}",
    "aws:iam/policy:Policy": "arn:aws:iam::{a}:policy/{n}",
    "aws:iam/instanceProfile:InstanceProfile": "arn:aws:iam::{a}:instance-profile/{n}",
    "aws:lambda/function:Function": "arn:aws:lambda:{r}:{a}:function:{n}",
    "aws:sfn/stateMachine:StateMachine": "arn:aws:states:{r}:{a}:stateMachine:{n}",
    "aws:cloudwatch/logGroup:LogGroup": "arn:aws:logs:{r}:{a}:log-group:{n}",
    "aws:s3/bucket:Bucket": "arn:aws:s3:::{n}",
    "aws:s3/bucketV2:BucketV2": "arn:aws:s3:::{n}",
    "aws:ecs/cluster:Cluster": "arn:aws:ecs:{r}:{a}:cluster/{n}",
    "aws:ecr/repository:Repository": "arn:aws:ecr:{r}:{a}:repository/{n}",
    "aws:kinesis/stream:Stream": "arn:aws:kinesis:{r}:{a}:stream/{n}",
}


def aws_arn(token: str, state: dict, region: str, digest: str) -> str:
    """A plausible ARN for a planned AWS resource."""
    name = str(state.get("name"))
    layout = ARN_FORMATS.get(token)
    if layout is not None:
        return layout.format(r=region, a=ACCOUNT_ID, n=name)
    if token == "aws:cloudwatch/eventRule:EventRule":
        bus = state.get("eventBusName")
        path = f"{bus}/{name}" if isinstance(bus, str) and bus not in ("", "default") else name
        return f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/{path}"
    if token == "aws:kms/key:Key":
        return f"arn:aws:kms:{region}:{ACCOUNT_ID}:key/{digest}"
    if token == "aws:ecs/taskDefinition:TaskDefinition":
        return f"arn:aws:ecs:{region}:{ACCOUNT_ID}:task-definition/{state.get('family')}:1"
    service = token.split(":")[1].split("/")[0]
    return f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{name}-{digest}"


#: Types whose id is not their name, as the provider reports them.
_ID_IS_ARN = {"aws:sns/topic:Topic", "aws:sfn/stateMachine:StateMachine", "aws:iam/policy:Policy"}


def _aws_id(token: str, state: dict, digest: str) -> str:
    if token in _ID_IS_ARN:
        return str(state["arn"])
    if token == "aws:sqs/queue:Queue":
        return str(state.get("url") or state["name"])
    if token == "aws:kms/key:Key":
        return digest
    return str(state["name"])


class PlanMocks(pulumi.runtime.Mocks):
    """Answers for a program run by :mod:`quotapilot.gate.runner`."""

    def __init__(self, aws_region: str, gcp_project: str, gcp_region: str) -> None:
        self.aws_region = aws_region or "us-east-1"
        self.gcp_project = gcp_project or PROJECT_ID
        self.gcp_region = gcp_region or "us-central1"
        #: What the plan may be missing (lookups answered with stand-ins, stack references,
        #: components built elsewhere), in the order the program met them: one sentence each.
        self.unanswered: list[str] = []

    # Resources ---------------------------------------------------------------------------

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        if args.typ == STACK_REFERENCE:
            stack = args.inputs.get("name") or args.name
            self.report(
                f"the program reads stack reference {stack}, whose outputs the gate can't read "
                "offline: demand that depends on them is unknown"
            )
            return str(stack), {"name": stack, "outputs": UNKNOWN_WIRE, "secretOutputNames": []}
        declared = declared_outputs(args.typ)
        state = {
            key: coerce(value, declared[key]) if key in declared else value
            for key, value in dict(args.inputs).items()
        }
        digest = hashlib.sha256(f"{args.typ}::{args.name}".encode()).hexdigest()[:12]
        physical = state.get("name") if isinstance(state.get("name"), str) else None
        resource_id = args.resource_id or physical or f"{args.name}-{digest}"
        if args.typ.startswith("aws:"):
            # Pulumi's auto-naming: the logical name and a random suffix; for most AWS
            # resources the id is that name (a bucket's id is its name).
            state.setdefault("name", physical or f"{args.name}-{digest[:7]}")
            state.setdefault("arn", aws_arn(args.typ, state, self.aws_region, digest))
            if args.typ == "aws:sqs/queue:Queue":
                state.setdefault(
                    "url",
                    f"https://sqs.{self.aws_region}.amazonaws.com/{ACCOUNT_ID}/{state['name']}",
                )
            resource_id = args.resource_id or _aws_id(args.typ, state, digest)
        elif args.typ.startswith("gcp:"):
            state.setdefault("name", physical or f"{args.name}-{digest[:7]}")
            state.setdefault("project", self.gcp_project)
            link = (
                f"https://www.googleapis.com/compute/v1/projects/{self.gcp_project}/"
                f"global/{args.name}-{digest[:7]}"
            )
            state.setdefault("selfLink", link)
            if "selfLinkUnique" in declared:
                state.setdefault("selfLinkUnique", f"{link}?uniqueId={int(digest, 16) % 10**12}")
        return resource_id, state

    def remote_component(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        """A multi-language component (awsx, eks): its provider plugin builds what is inside
        it, and no plugin runs here. Its outputs stay unknown, and it is reported, since the
        resources it would create are not in the plan."""
        self.report(
            f"component {args.name!r} ({args.typ}) is built by its provider plugin, which the "
            "gate doesn't run: the resources inside it are not counted"
        )
        return f"{args.name}-component", {}

    # Data sources ------------------------------------------------------------------------

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        given = dict(args.args)
        answer = lookups.ANSWERS.get(args.token)
        if answer is not None:
            return answer(self, given)
        region = self.gcp_region if args.token.startswith("gcp:") else self.aws_region
        account = self.gcp_project if args.token.startswith("gcp:") else ACCOUNT_ID
        shaped = lookups.stand_in(args.token, given, region, account)
        if args.token not in lookups.DESCRIPTIVE:
            self.report(lookups.stand_in_note(args.token))
        return shaped

    def report(self, what: str) -> None:
        if what not in self.unanswered:
            self.unanswered.append(what)

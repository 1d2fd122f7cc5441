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
            state.setdefault("name", physical or f"{args.name}-{digest[:7]}")
            service = args.typ.split(":")[1].split("/")[0]
            state.setdefault(
                "arn", f"arn:aws:{service}:{self.aws_region}:{ACCOUNT_ID}:{args.name}-{digest}"
            )
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

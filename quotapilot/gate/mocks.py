"""Mocks that let a real Pulumi program run with no engine, no provider and no cloud.

Resources get a deterministic id and their inputs back as outputs, plus a plausible ``name``
and ``arn`` (AWS) so that references between resources resolve; every other output stays
unknown, as in a real preview. Data-source calls that programs commonly make get plausible
answers; any other call gets an empty answer rather than a crash.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pulumi

ACCOUNT_ID = "123456789012"
PROJECT_ID = "quotapilot-plan"
AMI_ID = "ami-0123456789abcdef0"


class PlanMocks(pulumi.runtime.Mocks):
    """Answers for a program run by :mod:`quotapilot.gate.runner`."""

    def __init__(self, aws_region: str, gcp_project: str, gcp_region: str) -> None:
        self.aws_region = aws_region or "us-east-1"
        self.gcp_project = gcp_project or PROJECT_ID
        self.gcp_region = gcp_region or "us-central1"

    # Resources ---------------------------------------------------------------------------

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        state = dict(args.inputs)
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
        return resource_id, state

    # Data sources ------------------------------------------------------------------------

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        answer = CALLS.get(args.token)
        return answer(self, args.args) if answer is not None else {}


def _region(mocks: PlanMocks, _: dict) -> dict:
    region = mocks.aws_region
    return {
        "id": region,
        "name": region,
        "region": region,
        "description": region,
        "endpoint": f"ec2.{region}.amazonaws.com",
    }


def _caller(mocks: PlanMocks, _: dict) -> dict:
    arn = f"arn:aws:iam::{ACCOUNT_ID}:user/quotapilot-plan"
    return {"id": ACCOUNT_ID, "accountId": ACCOUNT_ID, "arn": arn, "userId": "AIDAPLAN"}


def _partition(mocks: PlanMocks, _: dict) -> dict:
    return {
        "id": "aws",
        "partition": "aws",
        "dnsSuffix": "amazonaws.com",
        "reverseDnsPrefix": "com.amazonaws",
    }


def _zones(mocks: PlanMocks, _: dict) -> dict:
    names = [f"{mocks.aws_region}{z}" for z in "abc"]
    return {
        "id": mocks.aws_region,
        "names": names,
        "zoneIds": [f"use1-az{i}" for i in (1, 2, 3)],
        "groupNames": names,
    }


def _ami(mocks: PlanMocks, args: dict) -> dict:
    return {
        "id": AMI_ID,
        "imageId": AMI_ID,
        "architecture": "x86_64",
        "name": "quotapilot-plan-ami",
        "rootDeviceName": "/dev/xvda",
    }


def _policy_document(mocks: PlanMocks, args: dict) -> dict:
    document = render_policy_document(args)
    text = json.dumps(document, indent=2)
    return {
        "id": hashlib.sha256(text.encode()).hexdigest()[:16],
        "json": text,
        "minifiedJson": json.dumps(document, separators=(",", ":")),
    }


def render_policy_document(args: dict) -> dict[str, Any]:
    """The IAM policy JSON ``aws.iam.get_policy_document`` would render for ``args``."""
    statements = []
    for given in args.get("statements") or []:
        statement: dict[str, Any] = {}
        if given.get("sid"):
            statement["Sid"] = given["sid"]
        statement["Effect"] = given.get("effect") or "Allow"
        for field, key in (
            ("actions", "Action"),
            ("notActions", "NotAction"),
            ("resources", "Resource"),
            ("notResources", "NotResource"),
        ):
            values = given.get(field)
            if values:
                statement[key] = values[0] if len(values) == 1 else sorted(values)
        for field, key in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            principals = given.get(field)
            if principals:
                block: dict[str, Any] = {}
                for principal in principals:
                    ids = principal.get("identifiers") or []
                    block[principal.get("type", "AWS")] = ids[0] if len(ids) == 1 else ids
                statement[key] = block
        conditions = given.get("conditions")
        if conditions:
            block = {}
            for condition in conditions:
                values = condition.get("values") or []
                block.setdefault(condition["test"], {})[condition["variable"]] = (
                    values[0] if len(values) == 1 else values
                )
            statement["Condition"] = block
        statements.append(statement)
    document: dict[str, Any] = {
        "Version": args.get("version") or "2012-10-17",
        "Statement": statements,
    }
    if args.get("policyId"):
        document["Id"] = args["policyId"]
    return document


def _gcp_client(mocks: PlanMocks, _: dict) -> dict:
    return {
        "id": mocks.gcp_project,
        "project": mocks.gcp_project,
        "region": mocks.gcp_region,
        "zone": f"{mocks.gcp_region}-a",
        "accessToken": "plan-token",
    }


def _gcp_project(mocks: PlanMocks, args: dict) -> dict:
    project = args.get("projectId") or mocks.gcp_project
    return {
        "id": f"projects/{project}",
        "projectId": project,
        "name": project,
        "number": "123456789012",
    }


def _gcp_zones(mocks: PlanMocks, args: dict) -> dict:
    region = args.get("region") or mocks.gcp_region
    return {"id": region, "names": [f"{region}-{z}" for z in "abc"], "region": region}


CALLS = {
    "aws:index/getRegion:getRegion": _region,
    "aws:index/getCallerIdentity:getCallerIdentity": _caller,
    "aws:index/getPartition:getPartition": _partition,
    "aws:index/getAvailabilityZones:getAvailabilityZones": _zones,
    "aws:ec2/getAmi:getAmi": _ami,
    "aws:iam/getPolicyDocument:getPolicyDocument": _policy_document,
    "gcp:organizations/getClientConfig:getClientConfig": _gcp_client,
    "gcp:organizations/getProject:getProject": _gcp_project,
    "gcp:compute/getZones:getZones": _gcp_zones,
}

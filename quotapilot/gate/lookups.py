"""Answers to the data-source calls programs make, for a plan read under mocks.

Three kinds of lookup:

- :data:`ANSWERS`: lookups whose answer can change what a program creates (zones, subnets,
  regions, AMIs, rendered policy documents) get a plausible, deterministic answer.
- :data:`DESCRIPTIVE`: lookups that only name or describe something that already exists
  (a hosted zone, a certificate, a managed policy) get a stand-in of their declared shape;
  no count of anything depends on them.
- Any other lookup also gets a stand-in, but is reported, so that the check says which
  demand may rest on a made-up value instead of trusting it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, Protocol

from quotapilot.gate import shapes


class PlanMocks(Protocol):
    """What a lookup reads from the mocks answering it (``gate.mocks.PlanMocks``): where the
    program runs, and where to note an answer that stands in for an unknown."""

    aws_region: str
    gcp_project: str
    gcp_region: str

    def report(self, what: str) -> None: ...


ACCOUNT_ID = "123456789012"
PROJECT_ID = "quotapilot-plan"
AMI_ID = "ami-0123456789abcdef0"


def stand_in(token: str, args: dict[str, Any], region: str, account: str) -> dict[str, Any]:
    return shapes.stand_in(token, args, region, account)


def stand_in_note(lookup: str) -> str:
    return (
        f"the program read {lookup}, which the gate answered with a stand-in: demand that "
        "depends on it may be wrong"
    )


def _aws(mocks: PlanMocks, token: str, args: dict[str, Any], **fixed: Any) -> dict[str, Any]:
    """A stand-in for an AWS lookup with the fields that matter set to plausible values."""
    answer = shapes.stand_in(token, args, mocks.aws_region, ACCOUNT_ID)
    answer.update(fixed)
    return answer


def _gcp(mocks: PlanMocks, token: str, args: dict[str, Any], **fixed: Any) -> dict[str, Any]:
    answer = shapes.stand_in(token, args, mocks.gcp_region, mocks.gcp_project)
    answer.update(fixed)
    return answer


def _region(mocks: PlanMocks, args: dict) -> dict:
    region = args.get("region") or args.get("name") or mocks.aws_region
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
    # Three zones, as most regions have at least three: the count drives how many subnets,
    # NAT gateways and instances "one per AZ" programs create.
    names = [f"{mocks.aws_region}{z}" for z in "abc"]
    return {
        "id": mocks.aws_region,
        "names": names,
        "zoneIds": [f"use1-az{i}" for i in (1, 2, 3)],
        "groupNames": names,
        "state": "available",
    }


def _ami(mocks: PlanMocks, args: dict) -> dict:
    return _aws(
        mocks,
        "aws:ec2/getAmi:getAmi",
        args,
        id=AMI_ID,
        imageId=AMI_ID,
        architecture="x86_64",
        name="quotapilot-plan-ami",
        rootDeviceName="/dev/xvda",
    )


def _vpc(mocks: PlanMocks, args: dict) -> dict:
    vpc_id = args.get("id") or "vpc-0a1b2c3d4e5f60001"
    return _aws(
        mocks,
        "aws:ec2/getVpc:getVpc",
        args,
        id=vpc_id,
        cidrBlock="172.31.0.0/16",
        default=bool(args.get("default")),
        arn=f"arn:aws:ec2:{mocks.aws_region}:{ACCOUNT_ID}:vpc/{vpc_id}",
    )


def _subnets(mocks: PlanMocks, args: dict) -> dict:
    ids = [f"subnet-0a1b2c3d4e5f6000{i}" for i in (1, 2, 3)]
    return _aws(mocks, "aws:ec2/getSubnets:getSubnets", args, id=mocks.aws_region, ids=ids)


def _subnet(mocks: PlanMocks, args: dict) -> dict:
    subnet_id = args.get("id") or "subnet-0a1b2c3d4e5f60001"
    return _aws(
        mocks,
        "aws:ec2/getSubnet:getSubnet",
        args,
        id=subnet_id,
        vpcId="vpc-0a1b2c3d4e5f60001",
        availabilityZone=args.get("availabilityZone") or f"{mocks.aws_region}a",
        cidrBlock="172.31.0.0/20",
    )


def _ssm_parameter(mocks: PlanMocks, args: dict) -> dict:
    name = str(args.get("name") or "")
    answer = _aws(mocks, "aws:ssm/getParameter:getParameter", args, name=name, type="String")
    if "ami" in name.lower() or "image" in name.lower():
        answer["value"] = answer["insecureValue"] = AMI_ID
    else:
        mocks.report(stand_in_note(f"aws:ssm/getParameter:getParameter ({name})"))
    return answer


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
    return _gcp(
        mocks,
        "gcp:organizations/getProject:getProject",
        args,
        id=f"projects/{project}",
        projectId=project,
        name=project,
        number="123456789012",
    )


def _gcp_zones(mocks: PlanMocks, args: dict) -> dict:
    region = args.get("region") or mocks.gcp_region
    return {
        "id": region,
        "names": [f"{region}-{z}" for z in "abc"],
        "region": region,
        "project": mocks.gcp_project,
    }


def _gcp_engine_versions(mocks: PlanMocks, args: dict) -> dict:
    return _gcp(
        mocks,
        "gcp:container/getEngineVersions:getEngineVersions",
        args,
        defaultClusterVersion="1.30.5-gke.1014001",
        latestMasterVersion="1.30.5-gke.1014001",
        latestNodeVersion="1.30.5-gke.1014001",
        validMasterVersions=["1.30.5-gke.1014001"],
        validNodeVersions=["1.30.5-gke.1014001"],
    )


ANSWERS: dict[str, Callable[[PlanMocks, dict], dict]] = {
    "aws:index/getRegion:getRegion": _region,
    "aws:index/getCallerIdentity:getCallerIdentity": _caller,
    "aws:index/getPartition:getPartition": _partition,
    "aws:index/getAvailabilityZones:getAvailabilityZones": _zones,
    "aws:ec2/getAmi:getAmi": _ami,
    "aws:ec2/getVpc:getVpc": _vpc,
    "aws:ec2/getSubnets:getSubnets": _subnets,
    "aws:ec2/getSubnet:getSubnet": _subnet,
    "aws:ssm/getParameter:getParameter": _ssm_parameter,
    "aws:iam/getPolicyDocument:getPolicyDocument": _policy_document,
    "gcp:organizations/getClientConfig:getClientConfig": _gcp_client,
    "gcp:organizations/getProject:getProject": _gcp_project,
    "gcp:compute/getZones:getZones": _gcp_zones,
    "gcp:container/getEngineVersions:getEngineVersions": _gcp_engine_versions,
}

#: Lookups of things that exist already, whose answers name or describe them and count
#: nothing: a stand-in of the declared shape is as good as the real answer for the gate.
DESCRIPTIVE: frozenset[str] = frozenset(
    {
        "aws:acm/getCertificate:getCertificate",
        "aws:ec2/getSecurityGroup:getSecurityGroup",
        "aws:ec2/getAmiIds:getAmiIds",
        "aws:ec2/getVpcs:getVpcs",
        "aws:ecr/getAuthorizationToken:getAuthorizationToken",
        "aws:elb/getServiceAccount:getServiceAccount",
        "aws:iam/getPolicy:getPolicy",
        "aws:iam/getRole:getRole",
        "aws:iam/getSessionContext:getSessionContext",
        "aws:index/getRegions:getRegions",
        "aws:kms/getAlias:getAlias",
        "aws:kms/getKey:getKey",
        "aws:route53/getZone:getZone",
        "aws:secretsmanager/getSecret:getSecret",
        "aws:secretsmanager/getSecretVersion:getSecretVersion",
        "gcp:compute/getDefaultServiceAccount:getDefaultServiceAccount",
        "gcp:compute/getImage:getImage",
        "gcp:compute/getNetwork:getNetwork",
        "gcp:compute/getSubnetwork:getSubnetwork",
        "gcp:projects/getProject:getProject",
        "gcp:serviceaccount/getAccount:getAccount",
    }
)

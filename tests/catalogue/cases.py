"""One or more worked cases per rule: properties in, demands out.

An expected demand is ``(service, code, region, amount)`` (plus ``per`` when the quota is per
parent); ``UNKNOWN`` expects an UnknownDemand. Region defaults to us-east-1 for AWS and to
the resource's own zone/region for GCP.
"""

from __future__ import annotations

import json

from quotapilot.catalogue.props import UNKNOWN as UNKNOWN_VALUE

UNKNOWN = "unknown"
LT = {
    "type": "aws:ec2/launchTemplate:LaunchTemplate",
    "name": "lt",
    "id": "lt-1",
    "properties": {"instanceType": "c5.2xlarge"},
}
R = "us-east-1"
C = "compute.googleapis.com"
RUN = "run.googleapis.com"


def gke(service, cpu_quota, region, *, nodes, vcpus, disk=100, ips=True):
    """What GKE nodes take: CPUs, instances, pd-balanced boot disks and (public) IPs."""
    out = [
        (service, cpu_quota, region, nodes * vcpus),
        (service, "CPUS-ALL-REGIONS-per-project", "global", nodes * vcpus),
        (service, "INSTANCES-per-project-region", region, nodes),
        (service, "SSD-TOTAL-GB-per-project-region", region, nodes * disk),
    ]
    if ips:
        out.append((service, "IN-USE-ADDRESSES-per-project-region", region, nodes))
    return out


def _template(template_id: str, properties: dict) -> dict:
    return {
        "type": "gcp:compute/instanceTemplate:InstanceTemplate",
        "name": template_id,
        "id": template_id,
        "properties": properties,
    }


TEMPLATE_N2 = _template(
    "tpl-1",
    {
        "machineType": "n2-standard-8",
        "disks": [{"boot": True, "diskSizeGb": 20, "diskType": "pd-ssd"}, {"source": "shared"}],
        "networkInterfaces": [{"network": "default", "accessConfigs": [{}]}],
    },
)
TEMPLATE_E2 = _template("tpl-2", {"machineType": "e2-medium", "disks": [{"boot": True}]})
# A Fargate task definition of 0.5 vCPU (512 CPU units), named as services name it.
TASK = {
    "type": "aws:ecs/taskDefinition:TaskDefinition",
    "name": "web",
    "id": "td",
    "properties": {
        "family": "web",
        "cpu": "512",
        "requiresCompatibilities": ["FARGATE"],
        "arn": "arn:aws:ecs:us-east-1:1:task-definition/web:3",
    },
}


def _distributed(
    mode: str = "DISTRIBUTED", resource: str = "arn:aws:states:::lambda:invoke", **map_fields
) -> dict:
    """A Map state whose children run one task."""
    return {
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": mode},
            "StartAt": "Work",
            "States": {"Work": {"Type": "Task", "Resource": resource, "End": True}},
        },
        "End": True,
        **map_fields,
    }


def _machine(*states: dict) -> dict:
    named = {f"S{i}": state for i, state in enumerate(states)} or {"S0": {"Type": "Succeed"}}
    return {"StartAt": "S0", "States": named}


CASES: dict[str, list[tuple]] = {
    "aws:lambda/function:Function": [
        ({"reservedConcurrentExecutions": 50.0}, [("lambda", "L-B99A9384", R, 50)]),
        ({}, [("lambda", "L-B99A9384", R, 0)]),
        ({"reservedConcurrentExecutions": -1}, [("lambda", "L-B99A9384", R, 0)]),
        ({"reservedConcurrentExecutions": UNKNOWN_VALUE}, [UNKNOWN]),
    ],
    "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig": [
        ({"provisionedConcurrentExecutions": 20}, [("lambda", "L-B99A9384", R, 20)]),
    ],
    "aws:ec2/instance:Instance": [
        ({"instanceType": "m5.4xlarge"}, [("ec2", "L-1216C47A", R, 16)]),
        ({"instanceType": "p4d.24xlarge"}, [("ec2", "L-417A185B", R, 96)]),
        ({"instanceType": "g5.xlarge"}, [("ec2", "L-DB2E81BA", R, 4)]),
        ({"instanceType": "inf2.8xlarge"}, [("ec2", "L-1945791B", R, 32)]),
        ({"instanceType": "x2idn.16xlarge"}, [("ec2", "L-7295265B", R, 64)]),
        ({"instanceType": "f1.2xlarge"}, [("ec2", "L-74FC7D96", R, 8)]),
        ({"instanceType": "t3.micro"}, [("ec2", "L-1216C47A", R, 2)]),
        ({"launchTemplate": {"id": "lt-1"}}, [("ec2", "L-1216C47A", R, 8)], [LT]),
        ({"instanceType": "m99.huge"}, [UNKNOWN]),
        ({"instanceType": UNKNOWN_VALUE}, [UNKNOWN]),
        ({"instanceType": "m5.large", "instanceMarketOptions": {"marketType": "spot"}}, []),
    ],
    "aws:autoscaling/group:Group": [
        (
            {"desiredCapacity": 4, "minSize": 1, "launchConfiguration": "lc-web"},
            [("autoscaling", "L-CDE20ADC", R, 1), ("ec2", "L-1216C47A", R, 8)],
            [
                {
                    "type": "aws:ec2/launchConfiguration:LaunchConfiguration",
                    "name": "lc",
                    "id": "lc-web",
                    "properties": {"instanceType": "m5.large"},
                }
            ],
        ),
        (
            {"desiredCapacity": 4, "launchConfiguration": "lc-elsewhere"},
            [("autoscaling", "L-CDE20ADC", R, 1), UNKNOWN],
        ),
        (
            {"desiredCapacity": 3, "minSize": 1, "launchTemplate": {"id": "lt-1"}},
            [("autoscaling", "L-CDE20ADC", R, 1), ("ec2", "L-1216C47A", R, 24)],
            [LT],
        ),
        (
            {"minSize": 2, "launchTemplate": {"id": "lt-1"}},
            [("autoscaling", "L-CDE20ADC", R, 1), ("ec2", "L-1216C47A", R, 16)],
            [LT],
        ),
        (
            {
                "desiredCapacity": 2,
                "mixedInstancesPolicy": {
                    "launchTemplate": {
                        "launchTemplateSpecification": {"launchTemplateId": "lt-1"},
                        "overrides": [{"instanceType": "r5.large"}],
                    }
                },
            },
            [("autoscaling", "L-CDE20ADC", R, 1), ("ec2", "L-1216C47A", R, 4)],
        ),
        (
            {"desiredCapacity": 3, "launchTemplate": {"id": "lt-elsewhere"}},
            [("autoscaling", "L-CDE20ADC", R, 1), UNKNOWN],
        ),
    ],
    "aws:eks/nodeGroup:NodeGroup": [
        (
            {"scalingConfig": {"desiredSize": 3}, "instanceTypes": ["m5.xlarge"]},
            [("ec2", "L-1216C47A", R, 12), ("autoscaling", "L-CDE20ADC", R, 1)],
        ),
        (
            {"scalingConfig": {"desiredSize": 2}},
            [("ec2", "L-1216C47A", R, 4), ("autoscaling", "L-CDE20ADC", R, 1)],
        ),
        (
            {"scalingConfig": {"desiredSize": 5}, "capacityType": "SPOT"},
            [("autoscaling", "L-CDE20ADC", R, 1)],
        ),
    ],
    "aws:ec2/launchConfiguration:LaunchConfiguration": [
        ({"instanceType": "m5.large"}, [("autoscaling", "L-6B80B8FA", R, 1)]),
    ],
    "aws:ebs/volume:Volume": [
        ({"size": 512, "type": "gp3"}, [("ebs", "L-7A658B76", R, 0.5)]),
        ({"size": 1024}, [("ebs", "L-D18FCD1D", R, 1)]),
        ({"snapshotId": "snap-1"}, [UNKNOWN]),
    ],
    "aws:ecs/cluster:Cluster": [({}, [("ecs", "L-21C621EB", R, 1)])],
    "aws:ecs/service:Service": [
        ({"cluster": "arn:c1", "launchType": "EC2"}, [("ecs", "L-9EF96962", R, 1, "arn:c1")]),
        (
            {
                "cluster": "arn:c1",
                "launchType": "FARGATE",
                "desiredCount": 3,
                "taskDefinition": "td",
            },
            [("ecs", "L-9EF96962", R, 1, "arn:c1"), ("fargate", "L-3032A538", R, 1.5)],
            [TASK],
        ),
        (
            # 2 base tasks on FARGATE, the other 8 split 1:3 -> 2 + 6 on FARGATE_SPOT
            {
                "cluster": "arn:c1",
                "desiredCount": 10,
                "taskDefinition": "arn:aws:ecs:us-east-1:1:task-definition/web:3",
                "capacityProviderStrategies": [
                    {"capacityProvider": "FARGATE", "base": 2, "weight": 1},
                    {"capacityProvider": "FARGATE_SPOT", "weight": 3},
                ],
            },
            [
                ("ecs", "L-9EF96962", R, 1, "arn:c1"),
                ("fargate", "L-3032A538", R, 2),
                ("fargate", "L-36FBB829", R, 3),
            ],
            [TASK],
        ),
        (
            # Fargate-only task definition, no launch type: the service runs on Fargate
            {"cluster": "arn:c1", "desiredCount": 2, "taskDefinition": "td"},
            [("ecs", "L-9EF96962", R, 1, "arn:c1"), ("fargate", "L-3032A538", R, 1)],
            [TASK],
        ),
        (
            {
                "cluster": "arn:c1",
                "launchType": "FARGATE",
                "desiredCount": 1,
                "taskDefinition": "x",
            },
            [("ecs", "L-9EF96962", R, 1, "arn:c1"), UNKNOWN],
        ),
    ],
    "aws:eks/cluster:Cluster": [({}, [("eks", "L-1194D53C", R, 1)])],
    "aws:ec2/eip:Eip": [({"domain": "vpc"}, [("ec2", "L-0263D0A3", R, 1)])],
    "aws:ec2/vpc:Vpc": [
        (
            {"cidrBlock": "10.0.0.0/16"},
            [("vpc", "L-F678F1CE", R, 1), ("vpc", "L-589F43AA", R, 1, "urn:test")],
        )
    ],
    "aws:ec2/routeTable:RouteTable": [
        ({"vpcId": "vpc-1"}, [("vpc", "L-589F43AA", R, 1, "vpc-1")]),
    ],
    "aws:lb/targetGroup:TargetGroup": [
        ({"port": 80}, [("elasticloadbalancing", "L-B22855CB", R, 1)])
    ],
    "aws:alb/targetGroup:TargetGroup": [
        ({"port": 80}, [("elasticloadbalancing", "L-B22855CB", R, 1)])
    ],
    "aws:iam/user:User": [({}, [("iam", "L-F55AF5E4", "global", 1)])],
    "aws:iam/instanceProfile:InstanceProfile": [({}, [("iam", "L-6E65F664", "global", 1)])],
    "aws:rds/clusterInstance:ClusterInstance": [({}, [("rds", "L-7B6409FD", R, 1)])],
    "aws:rds/subnetGroup:SubnetGroup": [({}, [("rds", "L-48C6BF61", R, 1)])],
    "aws:kinesis/stream:Stream": [
        ({"shardCount": 4}, [("kinesis", "L-0918CF54", R, 4)]),
        ({"streamModeDetails": {"streamMode": "ON_DEMAND"}}, []),
        ({"shardCount": UNKNOWN_VALUE}, [UNKNOWN]),
    ],
    "aws:ec2/internetGateway:InternetGateway": [({}, [("vpc", "L-A4707A72", R, 1)])],
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": [
        ({}, [("vpc", "L-45FE3B85", R, 1)])
    ],
    "aws:ec2/natGateway:NatGateway": [
        (
            {"subnetId": "subnet-1"},
            [("vpc", "L-FE5A380F", R, 1, "us-east-1a")],
            [
                {
                    "type": "aws:ec2/subnet:Subnet",
                    "name": "s",
                    "id": "subnet-1",
                    "properties": {"availabilityZone": "us-east-1a"},
                }
            ],
        ),
        ({"subnetId": "subnet-9"}, [("vpc", "L-FE5A380F", R, 1, "subnet subnet-9")]),
    ],
    "aws:ec2/securityGroup:SecurityGroup": [
        (
            {
                "ingress": [{"cidrBlocks": ["10.0.0.0/8", "10.1.0.0/16"]}, {"cidrBlocks": []}],
                "egress": [{"cidrBlocks": ["0.0.0.0/0"]}],
            },
            [("vpc", "L-E79EC296", R, 1), ("vpc", "L-0EA8095F", R, 3, "urn:test")],
        ),
    ],
    "aws:ec2/subnet:Subnet": [({"vpcId": "vpc-1"}, [("vpc", "L-407747CB", R, 1, "vpc-1")])],
    "aws:lb/loadBalancer:LoadBalancer": [
        ({}, [("elasticloadbalancing", "L-53DA6B97", R, 1)]),
        ({"loadBalancerType": "network"}, [("elasticloadbalancing", "L-69A177A2", R, 1)]),
        ({"loadBalancerType": "gateway"}, [UNKNOWN]),
    ],
    "aws:alb/loadBalancer:LoadBalancer": [
        ({}, [("elasticloadbalancing", "L-53DA6B97", R, 1)]),
    ],
    "aws:elb/loadBalancer:LoadBalancer": [({}, [("elasticloadbalancing", "L-E9E9831D", R, 1)])],
    "aws:cloudfront/distribution:Distribution": [({}, [("cloudfront", "L-24B04930", "global", 1)])],
    "aws:dynamodb/table:Table": [({}, [("dynamodb", "L-F98FE922", R, 1)])],
    "aws:rds/instance:Instance": [
        (
            {"allocatedStorage": 100, "engine": "postgres"},
            [("rds", "L-7B6409FD", R, 1), ("rds", "L-7ADDB58A", R, 100)],
        ),
        ({"engine": "aurora-postgresql"}, [("rds", "L-7B6409FD", R, 1)]),
    ],
    "aws:rds/cluster:Cluster": [({}, [("rds", "L-952B80B8", R, 1)])],
    "aws:elasticache/cluster:Cluster": [
        ({"numCacheNodes": 3}, [("elasticache", "L-DFE45DF3", R, 3)]),
    ],
    "aws:s3/bucket:Bucket": [({}, [("s3", "L-DC2B2D3D", "global", 1)])],
    "aws:s3/bucketV2:BucketV2": [({}, [("s3", "L-DC2B2D3D", "global", 1)])],
    "aws:ecr/repository:Repository": [({}, [("ecr", "L-CFEB8E8D", R, 1)])],
    "aws:kms/key:Key": [({}, [("kms", "L-C2F1777E", R, 1)])],
    "aws:cloudwatch/logGroup:LogGroup": [({}, [("logs", "L-C7B9AAAB", R, 1)])],
    "aws:sns/topic:Topic": [({}, [("sns", "L-61103206", R, 1)])],
    "aws:cloudwatch/eventBus:EventBus": [({}, [("events", "L-658A4FD9", R, 1)])],
    "aws:cloudwatch/eventRule:EventRule": [
        ({}, [("events", "L-244521F2", R, 1, "default")]),
        (
            {"eventBusName": "arn:aws:events:us-east-1:1:event-bus/ops"},
            [("events", "L-244521F2", R, 1, "ops")],
        ),
    ],
    "aws:sfn/stateMachine:StateMachine": [
        ({}, [("states", "L-B66B0F91", R, 1), UNKNOWN]),  # no definition: can't tell
        ({"definition": json.dumps(_machine())}, [("states", "L-B66B0F91", R, 1)]),
        (
            {"definition": json.dumps(_machine(_distributed(MaxConcurrency=200)))},
            [("states", "L-B66B0F91", R, 1), ("lambda", "L-B99A9384", R, 200)],
        ),
        (  # no MaxConcurrency: up to 10,000 children at once
            {"definition": json.dumps(_machine(_distributed()))},
            [("states", "L-B66B0F91", R, 1), ("lambda", "L-B99A9384", R, 10_000)],
        ),
        (  # two Maps in a Parallel may run together
            {
                "definition": json.dumps(
                    _machine(
                        {
                            "Type": "Parallel",
                            "Branches": [
                                _machine(_distributed(MaxConcurrency=30)),
                                _machine(_distributed(MaxConcurrency=20)),
                            ],
                        }
                    )
                )
            },
            [("states", "L-B66B0F91", R, 1), ("lambda", "L-B99A9384", R, 50)],
        ),
        (  # an inline Map, or a Distributed one that invokes no Lambda: nothing
            {"definition": json.dumps(_machine(_distributed(mode="INLINE", MaxConcurrency=5)))},
            [("states", "L-B66B0F91", R, 1)],
        ),
        (
            {
                "definition": json.dumps(
                    _machine(_distributed(resource="arn:aws:states:::sqs:sendMessage"))
                )
            },
            [("states", "L-B66B0F91", R, 1)],
        ),
        (
            {"definition": json.dumps(_machine(_distributed(MaxConcurrencyPath="$.n")))},
            [("states", "L-B66B0F91", R, 1), UNKNOWN],
        ),
        ({"definition": UNKNOWN_VALUE}, [("states", "L-B66B0F91", R, 1), UNKNOWN]),
        ({"definition": "{not json"}, [("states", "L-B66B0F91", R, 1), UNKNOWN]),
    ],
    "aws:iam/role:Role": [
        (
            {"name": "app", "managedPolicyArns": ["arn:p1", "arn:p2"]},
            [("iam", "L-FE177D64", "global", 1), ("iam", "L-0DA4ABF3", "global", 2, "app")],
        ),
    ],
    "aws:iam/policy:Policy": [({}, [("iam", "L-E95E4862", "global", 1)])],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [
        ({"role": "arn:aws:iam::1:role/app"}, [("iam", "L-0DA4ABF3", "global", 1, "app")]),
    ],
    # GCP
    "gcp:compute/instance:Instance": [
        (
            {"machineType": "n2-standard-8", "zone": "europe-west1-b"},
            [
                (C, "N2-CPUS-per-project-region", "europe-west1", 8),
                (C, "CPUS-ALL-REGIONS-per-project", "global", 8),
                (C, "INSTANCES-per-project-region", "europe-west1", 1),
                (C, "DISKS-TOTAL-GB-per-project-region", "europe-west1", 10),
            ],
        ),
        (
            {
                "machineType": "e2-medium",
                "zone": "us-central1-a",
                "bootDisk": {"initializeParams": {"size": 50, "type": "pd-balanced"}},
                "networkInterfaces": [{"network": "default", "accessConfigs": [{}]}],
            },
            [
                (C, "CPUS-per-project-region", "us-central1", 2),
                (C, "CPUS-ALL-REGIONS-per-project", "global", 2),
                (C, "INSTANCES-per-project-region", "us-central1", 1),
                (C, "SSD-TOTAL-GB-per-project-region", "us-central1", 50),
                (C, "IN-USE-ADDRESSES-per-project-region", "us-central1", 1),
            ],
        ),
        (
            # a boot disk given by source is a Disk resource, counted as such
            {"machineType": "e2-small", "zone": "us-central1-a", "bootDisk": {"source": "d1"}},
            [
                (C, "CPUS-per-project-region", "us-central1", 2),
                (C, "CPUS-ALL-REGIONS-per-project", "global", 2),
                (C, "INSTANCES-per-project-region", "us-central1", 1),
            ],
        ),
        (
            {"machineType": "n9-mega-1", "zone": "us-central1-a"},
            [UNKNOWN, (C, "DISKS-TOTAL-GB-per-project-region", "us-central1", 10)],
        ),
    ],
    "gcp:compute/instanceGroupManager:InstanceGroupManager": [
        (
            {"zone": "us-central1-b", "targetSize": 4, "versions": [{"instanceTemplate": "tpl-1"}]},
            [
                (C, "N2-CPUS-per-project-region", "us-central1", 32),
                (C, "CPUS-ALL-REGIONS-per-project", "global", 32),
                (C, "INSTANCES-per-project-region", "us-central1", 4),
                (C, "SSD-TOTAL-GB-per-project-region", "us-central1", 80),
                (C, "IN-USE-ADDRESSES-per-project-region", "us-central1", 4),
            ],
            [TEMPLATE_N2],
        ),
        (
            {
                "zone": "us-central1-b",
                "targetSize": 2,
                "versions": [{"instanceTemplate": "projects/p/global/instanceTemplates/tpl-x"}],
            },
            [UNKNOWN],
        ),
    ],
    "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": [
        (
            # a regional group's target size is its total across the zones
            {
                "region": "europe-west4",
                "targetSize": 3,
                "versions": [{"instanceTemplate": "tpl-2"}],
            },
            [
                (C, "CPUS-per-project-region", "europe-west4", 6),
                (C, "CPUS-ALL-REGIONS-per-project", "global", 6),
                (C, "INSTANCES-per-project-region", "europe-west4", 3),
                (C, "DISKS-TOTAL-GB-per-project-region", "europe-west4", 30),
            ],
            [TEMPLATE_E2],
        ),
    ],
    "gcp:container/nodePool:NodePool": [
        (
            {
                "nodeCount": 2,
                "nodeLocations": ["us-central1-a", "us-central1-b"],
                "location": "us-central1",
                "nodeConfig": {"machineType": "n2-standard-4"},
            },
            gke(C, "N2-CPUS-per-project-region", "us-central1", nodes=4, vcpus=4),
        ),
        (
            # a pool of a regional cluster with no locations: three zones
            {"nodeCount": 1, "location": "europe-west1", "nodeConfig": {"diskSizeGb": 50}},
            gke(C, "CPUS-per-project-region", "europe-west1", nodes=3, vcpus=2, disk=50),
        ),
        (
            # the cluster (in the plan) is private and spans its zone plus one
            {"nodeCount": 2, "cluster": "gke-1", "nodeConfig": {"machineType": "e2-standard-2"}},
            gke(C, "CPUS-per-project-region", "us-central1", nodes=4, vcpus=2, ips=False),
            [
                {
                    "type": "gcp:container/cluster:Cluster",
                    "name": "gke",
                    "id": "gke-1",
                    "properties": {
                        "location": "us-central1-a",
                        "nodeLocations": ["us-central1-b"],
                        "removeDefaultNodePool": True,
                        "privateClusterConfig": {"enablePrivateNodes": True},
                    },
                }
            ],
        ),
    ],
    "gcp:container/cluster:Cluster": [
        (
            {"location": "us-central1-a", "initialNodeCount": 3},
            gke(C, "CPUS-per-project-region", "us-central1", nodes=3, vcpus=2),
        ),
        (
            # regional: initial node count in each of three zones
            {"location": "us-central1", "initialNodeCount": 1},
            gke(C, "CPUS-per-project-region", "us-central1", nodes=3, vcpus=2),
        ),
        ({"location": "us-central1", "removeDefaultNodePool": True}, []),
    ],
    "gcp:compute/disk:Disk": [
        (
            {"size": 200, "type": "pd-ssd", "zone": "us-east1-b"},
            [(C, "SSD-TOTAL-GB-per-project-region", "us-east1", 200)],
        ),
        ({"zone": "us-east1-b"}, [(C, "DISKS-TOTAL-GB-per-project-region", "us-east1", 10)]),
        ({"zone": "us-east1-b", "image": "debian-12"}, [UNKNOWN]),
    ],
    "gcp:compute/address:Address": [
        ({"region": "us-east1"}, [(C, "STATIC-ADDRESSES-per-project-region", "us-east1", 1)]),
        (
            {"region": "us-east1", "addressType": "INTERNAL"},
            [(C, "INTERNAL-ADDRESSES-per-project-region", "us-east1", 1)],
        ),
    ],
    "gcp:compute/globalAddress:GlobalAddress": [
        ({}, [(C, "STATIC-ADDRESSES-per-project", "global", 1)]),
    ],
    "gcp:compute/forwardingRule:ForwardingRule": [
        (
            {"region": "us-east1"},
            [(C, "EXTERNAL-NETWORK-LB-FORWARDING-RULES-per-project-region", "us-east1", 1)],
        ),
        ({"region": "us-east1", "loadBalancingScheme": "INTERNAL"}, [UNKNOWN]),
    ],
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": [
        ({}, [(C, "FORWARDING-RULES-per-project", "global", 1)]),
        (
            {"loadBalancingScheme": "EXTERNAL_MANAGED"},
            [(C, "GLOBAL-EXTERNAL-MANAGED-FORWARDING-RULES-per-project", "global", 1)],
        ),
        (
            {"loadBalancingScheme": "INTERNAL_SELF_MANAGED"},
            [(C, "INTERNAL-TRAFFIC-DIRECTOR-FORWARDING-RULES-per-project", "global", 1)],
        ),
        ({"loadBalancingScheme": "INTERNAL_MANAGED"}, [UNKNOWN]),
    ],
    "gcp:compute/network:Network": [
        (
            {},
            [
                (C, "NETWORKS-per-project", "global", 1),
                (C, "SUBNETWORKS-per-project", "global", 42),
            ],
        ),
        ({"autoCreateSubnetworks": False}, [(C, "NETWORKS-per-project", "global", 1)]),
    ],
    "gcp:compute/subnetwork:Subnetwork": [
        ({"region": "us-east1"}, [(C, "SUBNETWORKS-per-project", "global", 1)]),
    ],
    "gcp:compute/firewall:Firewall": [
        ({}, [(C, "FIREWALLS-per-project", "global", 1)]),
    ],
    "gcp:compute/router:Router": [
        ({"region": "us-east1"}, [(C, "ROUTERS-per-project", "global", 1)]),
    ],
    "gcp:cloudrunv2/service:Service": [
        (
            {
                "location": "us-east1",
                "template": {
                    "scaling": {"maxInstanceCount": 10},
                    "containers": [{"resources": {"limits": {"cpu": "2"}}}],
                },
            },
            [(RUN, "CpuAllocPerProjectRegion", "us-east1", 20000)],
        ),
        (
            {
                "location": "us-east1",
                "template": {
                    "scaling": {"maxInstanceCount": 4},
                    "containers": [{"resources": {"limits": {"cpu": "500m"}}}],
                },
            },
            [(RUN, "CpuAllocPerProjectRegion", "us-east1", 2000)],
        ),
    ],
    "gcp:cloudrun/service:Service": [
        (
            {
                "location": "us-east1",
                "template": {
                    "metadata": {"annotations": {"autoscaling.knative.dev/maxScale": "5"}},
                    "spec": {"containers": [{"resources": {"limits": {"cpu": "2"}}}]},
                },
            },
            [(RUN, "CpuAllocPerProjectRegion", "us-east1", 10000)],
        ),
        # no annotation, no limits: 100 instances of 1 vCPU
        ({"location": "us-east1"}, [(RUN, "CpuAllocPerProjectRegion", "us-east1", 100000)]),
    ],
    "gcp:cloudfunctionsv2/function:Function": [
        (
            {"location": "us-east1", "serviceConfig": {"maxInstanceCount": 5, "availableCpu": "1"}},
            [(RUN, "CpuAllocPerProjectRegion", "us-east1", 5000)],
        ),
    ],
}

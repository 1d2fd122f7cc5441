"""One or more worked cases per rule: properties in, demands out.

An expected demand is ``(service, code, region, amount)`` (plus ``per`` when the quota is per
parent); ``UNKNOWN`` expects an UnknownDemand. Region defaults to us-east-1 for AWS and to
the resource's own zone/region for GCP.
"""

from __future__ import annotations

from quotapilot.catalogue.props import UNKNOWN as UNKNOWN_VALUE

UNKNOWN = "unknown"
LT = {
    "type": "aws:ec2/launchTemplate:LaunchTemplate",
    "name": "lt",
    "id": "lt-1",
    "properties": {"instanceType": "c5.2xlarge"},
}
R = "us-east-1"

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
            [("ec2", "L-1216C47A", R, 12)],
        ),
        ({"scalingConfig": {"desiredSize": 2}}, [("ec2", "L-1216C47A", R, 4)]),
    ],
    "aws:ebs/volume:Volume": [
        ({"size": 512, "type": "gp3"}, [("ebs", "L-7A658B76", R, 0.5)]),
        ({"size": 1024}, [("ebs", "L-D18FCD1D", R, 1)]),
        ({"snapshotId": "snap-1"}, [UNKNOWN]),
    ],
    "aws:ecs/cluster:Cluster": [({}, [("ecs", "L-21C621EB", R, 1)])],
    "aws:ecs/service:Service": [
        ({"cluster": "arn:c1"}, [("ecs", "L-9EF96962", R, 1, "arn:c1")]),
    ],
    "aws:eks/cluster:Cluster": [({}, [("eks", "L-1194D53C", R, 1)])],
    "aws:ec2/eip:Eip": [({"domain": "vpc"}, [("ec2", "L-0263D0A3", R, 1)])],
    "aws:ec2/vpc:Vpc": [({"cidrBlock": "10.0.0.0/16"}, [("vpc", "L-F678F1CE", R, 1)])],
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
    "aws:sfn/stateMachine:StateMachine": [({}, [("states", "L-B66B0F91", R, 1)])],
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
                ("compute.googleapis.com", "N2-CPUS-per-project-region", "europe-west1", 8),
                ("compute.googleapis.com", "CPUS-ALL-REGIONS-per-project", "global", 8),
                ("compute.googleapis.com", "INSTANCES-per-project-region", "europe-west1", 1),
            ],
        ),
        (
            {"machineType": "e2-medium", "zone": "us-central1-a"},
            [
                ("compute.googleapis.com", "CPUS-per-project-region", "us-central1", 2),
                ("compute.googleapis.com", "CPUS-ALL-REGIONS-per-project", "global", 2),
                ("compute.googleapis.com", "INSTANCES-per-project-region", "us-central1", 1),
            ],
        ),
        ({"machineType": "n9-mega-1", "zone": "us-central1-a"}, [UNKNOWN]),
    ],
    "gcp:compute/instanceGroupManager:InstanceGroupManager": [
        (
            {"zone": "us-central1-b", "targetSize": 4, "versions": [{"instanceTemplate": "tpl-1"}]},
            [
                ("compute.googleapis.com", "N2-CPUS-per-project-region", "us-central1", 32),
                ("compute.googleapis.com", "CPUS-ALL-REGIONS-per-project", "global", 32),
                ("compute.googleapis.com", "INSTANCES-per-project-region", "us-central1", 4),
            ],
            [
                {
                    "type": "gcp:compute/instanceTemplate:InstanceTemplate",
                    "name": "tpl",
                    "id": "tpl-1",
                    "properties": {"machineType": "n2-standard-8"},
                }
            ],
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
            {
                "region": "europe-west4",
                "targetSize": 3,
                "versions": [{"instanceTemplate": "tpl-1"}],
            },
            [
                ("compute.googleapis.com", "CPUS-per-project-region", "europe-west4", 6),
                ("compute.googleapis.com", "CPUS-ALL-REGIONS-per-project", "global", 6),
                ("compute.googleapis.com", "INSTANCES-per-project-region", "europe-west4", 3),
            ],
            [
                {
                    "type": "gcp:compute/instanceTemplate:InstanceTemplate",
                    "name": "tpl",
                    "id": "tpl-1",
                    "properties": {"machineType": "e2-medium"},
                }
            ],
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
            [
                ("compute.googleapis.com", "N2-CPUS-per-project-region", "us-central1", 16),
                ("compute.googleapis.com", "CPUS-ALL-REGIONS-per-project", "global", 16),
                ("compute.googleapis.com", "INSTANCES-per-project-region", "us-central1", 4),
            ],
        ),
    ],
    "gcp:container/cluster:Cluster": [
        (
            {"location": "us-central1-a", "initialNodeCount": 3},
            [
                ("compute.googleapis.com", "CPUS-per-project-region", "us-central1", 6),
                ("compute.googleapis.com", "CPUS-ALL-REGIONS-per-project", "global", 6),
                ("compute.googleapis.com", "INSTANCES-per-project-region", "us-central1", 3),
            ],
        ),
        ({"location": "us-central1", "removeDefaultNodePool": True}, []),
    ],
    "gcp:compute/disk:Disk": [
        (
            {"size": 200, "type": "pd-ssd", "zone": "us-east1-b"},
            [("compute.googleapis.com", "SSD-TOTAL-GB-per-project-region", "us-east1", 200)],
        ),
        (
            {"zone": "us-east1-b"},
            [("compute.googleapis.com", "DISKS-TOTAL-GB-per-project-region", "us-east1", 10)],
        ),
        ({"zone": "us-east1-b", "image": "debian-12"}, [UNKNOWN]),
    ],
    "gcp:compute/address:Address": [
        (
            {"region": "us-east1"},
            [("compute.googleapis.com", "STATIC-ADDRESSES-per-project-region", "us-east1", 1)],
        ),
        (
            {"region": "us-east1", "addressType": "INTERNAL"},
            [("compute.googleapis.com", "INTERNAL-ADDRESSES-per-project-region", "us-east1", 1)],
        ),
    ],
    "gcp:compute/globalAddress:GlobalAddress": [
        ({}, [("compute.googleapis.com", "STATIC-ADDRESSES-per-project", "global", 1)]),
    ],
    "gcp:compute/forwardingRule:ForwardingRule": [
        (
            {"region": "us-east1"},
            [
                (
                    "compute.googleapis.com",
                    "EXTERNAL-NETWORK-LB-FORWARDING-RULES-per-project-region",
                    "us-east1",
                    1,
                )
            ],
        ),
        ({"region": "us-east1", "loadBalancingScheme": "INTERNAL"}, [UNKNOWN]),
    ],
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": [
        ({}, [("compute.googleapis.com", "FORWARDING-RULES-per-project", "global", 1)]),
    ],
    "gcp:compute/network:Network": [
        ({}, [("compute.googleapis.com", "NETWORKS-per-project", "global", 1)]),
    ],
    "gcp:compute/subnetwork:Subnetwork": [
        (
            {"region": "us-east1"},
            [("compute.googleapis.com", "SUBNETWORKS-per-project", "global", 1)],
        ),
    ],
    "gcp:compute/firewall:Firewall": [
        ({}, [("compute.googleapis.com", "FIREWALLS-per-project", "global", 1)]),
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
            [("run.googleapis.com", "CpuAllocPerProjectRegion", "us-east1", 20000)],
        ),
        (
            {
                "location": "us-east1",
                "template": {
                    "scaling": {"maxInstanceCount": 4},
                    "containers": [{"resources": {"limits": {"cpu": "500m"}}}],
                },
            },
            [("run.googleapis.com", "CpuAllocPerProjectRegion", "us-east1", 2000)],
        ),
    ],
    "gcp:cloudfunctionsv2/function:Function": [
        (
            {"location": "us-east1", "serviceConfig": {"maxInstanceCount": 5, "availableCpu": "1"}},
            [("run.googleapis.com", "CpuAllocPerProjectRegion", "us-east1", 5000)],
        ),
    ],
}

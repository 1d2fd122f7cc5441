import pulumi_aws as aws


def size_for(environment):
    return {"prod": 3}[environment]


aws.sns.Topic("alerts")
aws.ec2.Instance("web", instance_type="t3.micro", ami="ami-1", count=size_for("dev"))

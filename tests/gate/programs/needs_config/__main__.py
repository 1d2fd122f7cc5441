import pulumi

pulumi.Config().require("vpcCidr")

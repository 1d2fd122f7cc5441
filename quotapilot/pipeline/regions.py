"""Where the pipeline's AWS calls go for quotas and APIs that live in one region."""

from __future__ import annotations

#: Global AWS quotas (IAM, S3, CloudFront) and the Support API live in us-east-1.
AWS_HOME_REGION = "us-east-1"


def aws_region(region: str) -> str:
    return AWS_HOME_REGION if region == "global" else region

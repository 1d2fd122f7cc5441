"""The AWS quota source (Service Quotas + CloudWatch AWS/Usage). Imports boto3 lazily."""

from __future__ import annotations

from quotapilot.sources.aws.source import AwsSource

__all__ = ["AwsSource"]

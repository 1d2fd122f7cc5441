from quotapilot.components import QuotaLevel, QuotaRequests, QuotaRequestsArgs

LOADTEST = (
    QuotaLevel("aws", "lambda", "L-B99A9384", 3000),
    QuotaLevel("aws", "ec2", "L-1216C47A", 512),
    QuotaLevel("gcp", "compute.googleapis.com", "CPUS-per-project-region", 96, "us-central1"),
)
QuotaRequests(
    "prod",
    QuotaRequestsArgs(
        levels=(
            QuotaLevel("aws", "lambda", "L-B99A9384", 2000),
            QuotaLevel("aws", "ec2", "L-1216C47A", 1024),
        ),
        parity_with=LOADTEST,
        gcp_project="acme-prod",
        gcp_contact_email="capacity@example.com",
        aws_auto_management="NotifyOnly",
        gcp_quota_adjuster=True,
    ),
)

import pulumi_azure_native  # noqa: F401  (not installed: the error must name the package)

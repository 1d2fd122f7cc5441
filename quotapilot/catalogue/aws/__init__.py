"""AWS demand rules; importing this package registers them."""

from quotapilot.catalogue.aws import compute, containers, data, integration, network  # noqa: F401

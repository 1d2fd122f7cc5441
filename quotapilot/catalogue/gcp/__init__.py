"""GCP demand rules (Compute Engine, GKE, Cloud Run); importing this package registers them."""

from quotapilot.catalogue.gcp import compute, gke, run  # noqa: F401

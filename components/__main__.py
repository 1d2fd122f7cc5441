"""quotapilot's components for any Pulumi language: `pulumi package add ./components`."""

from pulumi.provider.experimental import component_provider_host

from quotapilot._version import __version__
from quotapilot.components.plugin import COMPONENTS

if __name__ == "__main__":
    # The plugin is versioned as the package it serves, so generated SDKs name the release.
    component_provider_host(COMPONENTS, name="quotapilot", version=__version__)

"""quotapilot's components for any Pulumi language: `pulumi package add ./components`."""

from pulumi.provider.experimental import component_provider_host

from quotapilot.components.plugin import COMPONENTS

if __name__ == "__main__":
    component_provider_host(COMPONENTS, name="quotapilot")

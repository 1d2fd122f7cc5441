"""Cloud Run (v1 and v2) and Cloud Functions 2nd gen, which runs on Cloud Run: the CPU
Cloud Run reserves when a service scales out to its maximum."""

from __future__ import annotations

from quotapilot.catalogue.gcp import refs
from quotapilot.catalogue.gcp.compute import GcpRule
from quotapilot.catalogue.props import NotKnown, get, number
from quotapilot.catalogue.registry import register
from quotapilot.domain import PlannedResource

#: Cloud Run's default ceiling on instances, and its default CPU per instance.
DEFAULT_MAX_INSTANCES = 100
DEFAULT_CPU = "1"
V1_MAX_SCALE = "autoscaling.knative.dev/maxScale"


def milli_cpu(value: object, where: str) -> float:
    """``"1"``, ``2``, ``"500m"`` as milli-vCPU."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise NotKnown(f"{where} is not known until apply")
    text = str(value).strip()
    try:
        return float(text[:-1]) if text.endswith("m") else float(text) * 1000
    except ValueError:
        raise NotKnown(f"{where} must be a CPU amount, got {value!r}") from None


def run_cpu(resource: PlannedResource, scaling: str, limits: str) -> float:
    """Max instances x CPU per instance, in milli-vCPU."""
    props = resource.properties
    instances = number(props, scaling, DEFAULT_MAX_INSTANCES)
    return instances * milli_cpu(get(props, limits, DEFAULT_CPU), limits)


class RunCpuRule(GcpRule):
    """Base for workloads on Cloud Run: max instances x CPU per instance."""

    quotas = (refs.RUN_CPU,)
    scaling: str
    limits: str

    def amount(self, resource: PlannedResource) -> float:
        return run_cpu(resource, self.scaling, self.limits)

    def gcp_demand(self, resource, region, plan):
        try:
            amount = self.amount(resource)
        except NotKnown as error:
            yield self.unknown(refs.RUN_CPU, resource, error.reason)
            return
        yield self.one(refs.RUN_CPU, resource, region, amount)


@register("gcp:cloudrunv2/service:Service")
class CloudRunService(RunCpuRule):
    """Max instances x CPU limit against Cloud Run's regional CPU allocation."""

    scaling = "template.scaling.maxInstanceCount"
    limits = "template.containers.0.resources.limits.cpu"


@register("gcp:cloudrun/service:Service")
class CloudRunV1Service(RunCpuRule):
    """Max scale (the maxScale annotation) x CPU limit against Cloud Run's CPU allocation."""

    limits = "template.spec.containers.0.resources.limits.cpu"

    def amount(self, resource: PlannedResource) -> float:
        annotations = get(resource.properties, "template.metadata.annotations") or {}
        if not isinstance(annotations, dict):
            raise NotKnown("the template's annotations are not known until apply")
        scale = annotations.get(V1_MAX_SCALE, DEFAULT_MAX_INSTANCES)
        instances = number({"maxScale": scale}, "maxScale")
        cpu = get(resource.properties, self.limits, DEFAULT_CPU)
        return instances * milli_cpu(cpu, self.limits)


@register("gcp:cloudfunctionsv2/function:Function")
class CloudFunction(RunCpuRule):
    """A 2nd gen function runs on Cloud Run: max instances x available CPU."""

    scaling = "serviceConfig.maxInstanceCount"
    limits = "serviceConfig.availableCpu"

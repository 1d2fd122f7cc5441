"""Fixtures of the twin: the stack planned from ``stacks/`` in two configurations, each
created on its own local AWS, and the calls every function made across the scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from quotapilot.gate.program import read_plan
from tests.twin.cloud import Twin
from tests.twin.scenarios import CONFIGURED, FAN_OUT

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def default_plan():
    # A stack with no config of its own: QuotaAutomationArgs' defaults.
    return read_plan(ROOT / "stacks", "twin-defaults")


@pytest.fixture(scope="session")
def configured_plan():
    return read_plan(ROOT / "stacks", "twin-configured", CONFIGURED)


@pytest.fixture(scope="session")
def fan_out_plan():
    return read_plan(ROOT / "stacks", "twin-fan-out", FAN_OUT)


def _twin(tmp_path_factory, plan, name: str):
    twin = Twin(tmp_path_factory.mktemp(name)).start()
    try:
        twin.deploy(plan)
        yield twin
    finally:
        twin.stop()


@pytest.fixture(scope="module")
def default_twin(tmp_path_factory, default_plan):
    yield from _twin(tmp_path_factory, default_plan, "defaults")


@pytest.fixture(scope="module")
def configured_twin(tmp_path_factory, configured_plan):
    yield from _twin(tmp_path_factory, configured_plan, "configured")


@pytest.fixture(scope="module")
def fan_out_twin(tmp_path_factory, fan_out_plan):
    yield from _twin(tmp_path_factory, fan_out_plan, "fan-out")


#: The twin tests that ran in this process (under pytest-xdist, a module's tests may be split
#: between workers, and then none of them has seen the whole scenario).
RAN: set[str] = set()


@pytest.fixture(autouse=True)
def _ran(request):
    yield
    RAN.add(request.node.nodeid)


@pytest.fixture(scope="module", autouse=True)
def _scenarios_finished(request):
    """Marks a scenario module as run whole in this process (the permissions test needs
    them all; when they ran elsewhere, or only in part, it runs them itself)."""
    yield
    module = request.module
    mine = [i.nodeid for i in request.session.items if getattr(i, "module", None) is module]
    if not request.session.testsfailed and mine and all(n in RAN for n in mine):
        from tests.twin import functions

        functions.FINISHED.add(module.__name__.rsplit(".", 1)[-1])

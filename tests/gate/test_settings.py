"""The gate's defaults and its "unlimited" are written once (quotapilot.gate.settings): no
other copy in the Python, and no number but zero in the Rego, which reads them from its
input. A copy that drifts would make the CLI, the policy pack and the rules disagree."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

from quotapilot.gate import settings
from quotapilot.gate.check import run_check
from tests.gate.test_check import REGIONS, instances, source

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "quotapilot" / "gate" / "settings.py"
#: Where the gate's code and rules live, and the programs and configs that ship with it.
SOURCES = [ROOT / "quotapilot", ROOT / "policies", ROOT / "components", ROOT / "stacks"]
INFINITY = re.compile(r"(?<![\w.])1(\.0*)?[eE]\+?300(?![\w.])|10\s*\*\*\s*300")
#: How far (in tokens) before a number a mention of the setting makes it a copy of its default.
NEAR = 24


def files(*suffixes: str) -> list[Path]:
    found = [p for root in SOURCES for p in root.rglob("*") if p.suffix in suffixes]
    return sorted(p for p in found if p != SETTINGS and ".venv" not in p.parts)


def test_infinity_is_spelled_only_in_the_settings():
    copies = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files(".py", ".rego", ".json", ".yaml", ".yml")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if INFINITY.search(line)
    ]
    assert not copies
    assert INFINITY.search(SETTINGS.read_text())  # ... and the pattern does find it


def default_copies(text: str) -> list[str]:
    """Numbers equal to a default, written near a mention of the buffer or the headroom."""
    defaults = {
        settings.BUFFER_PCT,
        settings.BUFFER_PCT / 100,
        settings.LOW_HEADROOM_PCT,
        settings.LOW_HEADROOM_PCT / 100,
    }
    seen: list[tokenize.TokenInfo] = []
    copies = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
            continue
        if token.type == tokenize.NEWLINE:
            seen = []  # a mention counts within its own statement
            continue
        if token.type == tokenize.NUMBER and ast.literal_eval(token.string) in defaults:
            context = " ".join(t.string for t in seen[-NEAR:]).lower()
            if "buffer" in context or "headroom" in context:
                copies.append(f"{token.start[0]}: {token.line.strip()}")
        seen.append(token)
    return copies


def test_the_defaults_are_written_only_in_the_settings():
    copies = [
        f"{path.relative_to(ROOT)}:{where}"
        for path in files(".py")
        for where in default_copies(path.read_text())
    ]
    assert not copies


@pytest.mark.parametrize(
    "text",
    [
        'buffer: float = typer.Option(\n    10.0,\n    "--buffer",\n)\n',
        'x = float(config.get("buffer_pct", 10)) / 100\n',
        '"low_headroom_pct": {"type": "number", "minimum": 0, "default": 80},\n',
        "DEFAULT_BUFFER = 0.10\n",
    ],
)
def test_the_copy_finder_finds_the_copies_there_were(text):
    assert default_copies(text)


def test_the_rules_compare_with_no_number_but_zero():
    """Thresholds and "unlimited" come in the input (``input.settings``)."""
    for path in files(".rego"):
        code = re.sub(r"#[^\n]*", "", path.read_text())
        code = re.sub(r'"(?:[^"\\]|\\.)*"|`[^`]*`', '""', code)
        numbers = set(re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])", code))
        assert numbers <= {"0"}, (path.relative_to(ROOT), numbers)


def test_the_input_carries_the_settings_the_rules_read():
    result = run_check(instances(1), source(("ec2", "L-1216C47A", 64, 0)), regions=REGIONS)
    assert result.document is not None
    given = result.document["settings"]
    assert given["buffer_pct"] == settings.BUFFER_PCT
    assert given["low_headroom_pct"] == settings.LOW_HEADROOM_PCT
    assert given["infinity"] == settings.INFINITY


def test_the_readme_states_the_defaults():
    readme = (ROOT / "README.md").read_text()
    assert f"| `buffer_pct` | number | {settings.BUFFER_PCT:g} |" in readme
    assert f"| `low_headroom_pct` | number | {settings.LOW_HEADROOM_PCT:g} |" in readme

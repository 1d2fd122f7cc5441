"""The ledger's shape: small modules, and one module that knows where DynamoDB items live."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import quotapilot.ledger

PACKAGE = Path(quotapilot.ledger.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))
LAYOUT = PACKAGE / "dynamodb" / "layout.py"
#: How the item layout spells keys: prefixes of pk and sk, the registry's partition.
KEY_SPELLING = re.compile(r"""["'](S#|D#|Q#|SCOPES)|f["'][^"']*#\{""")


@pytest.mark.parametrize("module", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_every_module_is_small(module):
    assert len(module.read_text(encoding="utf-8").splitlines()) < 350


def test_only_the_layout_module_spells_item_keys():
    spelling = {
        str(module.relative_to(PACKAGE))
        for module in MODULES
        if KEY_SPELLING.search(module.read_text(encoding="utf-8"))
    }
    assert spelling == {"dynamodb/layout.py"}

"""Small rooms: every module of the components stays short enough to read in one sitting."""

from __future__ import annotations

from pathlib import Path

import quotapilot.components

COMPONENTS = Path(quotapilot.components.__file__).resolve().parent
LIMIT = 200
#: The JSON documents are long by nature (each is what AWS reads, spelled out).
DOCUMENTS_LIMIT = 350


def test_no_module_is_longer_than_its_limit():
    too_long = []
    for path in sorted(COMPONENTS.rglob("*.py")):
        relative = path.relative_to(COMPONENTS).as_posix()
        limit = DOCUMENTS_LIMIT if relative.startswith("documents/") else LIMIT
        lines = len(path.read_text().splitlines())
        if lines > limit:
            too_long.append(f"{relative}: {lines} lines (at most {limit})")
    assert not too_long


def test_every_document_builder_is_importable_from_documents():
    import importlib
    import inspect

    from quotapilot.components import documents

    builders = set()
    for path in (COMPONENTS / "documents").glob("[!_]*.py"):
        module = importlib.import_module(f"quotapilot.components.documents.{path.stem}")
        builders |= {
            name
            for name, value in vars(module).items()
            if inspect.isfunction(value)
            and value.__module__ == module.__name__
            and not name.startswith("_")
        }
    assert builders and builders <= set(documents.__all__)

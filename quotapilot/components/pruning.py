"""What a Lambda package leaves out of the installed dependencies: files no function loads
at run time. Licence files and package metadata always stay."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

# Never loaded by a function at run time: test suites, type stubs, Cython and C sources and
# headers (only a compiler reads them), static libraries, docs, and the sample data sets of
# scikit-learn's loaders. Licence files and package metadata stay, and so do .js/.css assets:
# scikit-learn reads its HTML-repr stylesheet at import.
_PRUNED_DIRS = frozenset({"tests", "test", "__pycache__"})
_PRUNED_SUFFIXES = (
    *(".pyi", ".pxd", ".pyx", ".pxi", ".h", ".hpp", ".c", ".cpp", ".a", ".pyc"),
    *(".md", ".rst"),
)
_PRUNED_PATHS = (
    ("sklearn", "datasets", "data"),
    ("sklearn", "datasets", "descr"),
    ("sklearn", "datasets", "images"),
    ("numpy", "_core", "lib", "pkgconfig"),
)
#: Files under a pruned folder that library code imports at run time (numpy.testing, which
#: SciPy's array API layer loads, imports this one from numpy's own tests).
_KEPT = frozenset({"numpy/_core/tests/_natype.py"})


def prunable(relative: str) -> bool:
    """Whether a file at ``relative`` (inside the package root) is left out of the zip."""
    if relative in _KEPT or _is_licence(relative):
        return False
    parts = PurePosixPath(relative).parts
    if any(part in _PRUNED_DIRS for part in parts[:-1]):
        return True
    if parts[-1].endswith(_PRUNED_SUFFIXES) or parts[-1] == "py.typed":
        return True
    return any(parts[: len(prefix)] == prefix for prefix in _PRUNED_PATHS)


def _is_licence(relative: str) -> bool:
    name = PurePosixPath(relative).name.upper()
    return name.startswith(("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS"))


def prune(staging: Path) -> None:
    """Delete what the functions never load from an installed tree, and emptied folders."""
    for path in sorted(staging.rglob("*"), reverse=True):  # children before their folders
        if path.is_file() and prunable(path.relative_to(staging).as_posix()):
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()

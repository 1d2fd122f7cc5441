"""Reading and writing the JSON files the pipeline's steps hand to each other.

Each step reads what the previous one wrote (``check`` JSON -> ``request`` -> ``wait``), so a
reader trusts nothing: a missing, empty, binary or malformed file, a non-finite number or a
document of the wrong shape is one :class:`InputError` naming the file (exit code 2). Writes go
through a temporary file and ``os.replace`` so an interrupted step never leaves half a file.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from quotapilot.exceptions import InputError


def _no_constant(name: str) -> Any:
    # json accepts NaN and Infinity by default; a gate's numbers must be finite.
    raise ValueError(f"non-finite number {name}")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"non-finite number {text[:40]}")
    return value


def _finite_int(text: str) -> int:
    value = int(text)
    # A 400-digit integer is finite for Python but not for any float it will be compared with.
    try:
        float(value)
    except OverflowError:
        raise ValueError(f"number too large: {text[:40]}...") from None
    return value


def read_json(path: Path, what: str) -> Any:
    """The parsed document, or an InputError naming ``path`` (``what`` says what it should be)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file (expected {what})", path=str(path)) from None
    except IsADirectoryError:
        raise InputError(f"is a directory, not {what}", path=str(path)) from None
    except OSError as error:
        raise InputError(f"can't read it: {error.strerror or error}", path=str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"not UTF-8 text (expected {what})", path=str(path)) from None
    if not text.strip():
        raise InputError(f"is empty (expected {what})", path=str(path))
    try:
        return json.loads(
            text,
            parse_constant=_no_constant,
            parse_float=_finite_float,
            parse_int=_finite_int,
        )
    except RecursionError:
        raise InputError("nested too deeply to be " + what, path=str(path)) from None
    except ValueError as error:  # JSONDecodeError is a ValueError, and so are ours above
        raise InputError(f"not valid JSON ({error})", path=str(path)) from None


def write_json_atomically(path: Path, document: Any) -> None:
    """Write ``document`` so that readers see the old file or the new one, never a torn one."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as error:
        raise InputError(f"can't write it: {error.strerror or error}", path=str(path)) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2, sort_keys=True)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"can't write it: {error.strerror or error}", path=str(path)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def number(value: Any, where: dict[str, str], field: str, *, optional: bool = False) -> Any:
    """A finite, non-negative number from a document (None allowed when ``optional``)."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"must be a number, got {value!r:.40}", field=field, **where)
    if not math.isfinite(value) or value < 0:
        raise InputError(f"must be a finite number >= 0, got {value!r:.40}", field=field, **where)
    return float(value)


def text(value: Any, where: dict[str, str], field: str) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(f"must be a non-empty string, got {value!r:.40}", field=field, **where)
    return value

"""Scope paths (``acme/payments/api``) and quota names: syntax and ancestry.

Paths are validated once at the API boundary so the backends can use them as keys and
prefixes without escaping: segments never contain ``/``, ``#`` or SQL wildcards.
"""

from __future__ import annotations

import math
import re

from quotapilot.ledger.exceptions import LedgerPathError

#: Deepest scope tree the ledger accepts (as Waldur bounds its ancestor walk).
MAX_DEPTH = 10

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
# Quota names may carry a QuotaKey's spelling: "aws:lambda/L-B99A9384@us-east-1".
_QUOTA = re.compile(r"[A-Za-z0-9][A-Za-z0-9:/._@-]{0,199}")


def parse_scope(path: str) -> tuple[str, ...]:
    """The segments of ``path``, root first; raise LedgerPathError naming what is wrong."""
    if not isinstance(path, str) or not path.strip("/"):
        raise LedgerPathError("a scope path can't be empty", scope=repr(path))
    segments = tuple(path.strip("/").split("/"))
    if len(segments) > MAX_DEPTH:
        raise LedgerPathError(
            f"a scope path has at most {MAX_DEPTH} segments, this one has {len(segments)}",
            scope=path,
        )
    for segment in segments:
        if not _SEGMENT.fullmatch(segment):
            raise LedgerPathError(
                f"bad segment {segment!r}: use letters, digits, '.', '_' or '-' "
                "(starting with a letter or digit, at most 63 characters)",
                scope=path,
            )
    return segments


def normalise_scope(path: str) -> str:
    return "/".join(parse_scope(path))


def lineage(path: str) -> list[str]:
    """``path`` and every ancestor, nearest first: ``a/b/c`` -> ``[a/b/c, a/b, a]``."""
    segments = parse_scope(path)
    return ["/".join(segments[:n]) for n in range(len(segments), 0, -1)]


def parent_of(path: str) -> str | None:
    segments = parse_scope(path)
    return "/".join(segments[:-1]) or None


def check_quota(name: str) -> str:
    if not isinstance(name, str) or not _QUOTA.fullmatch(name):
        raise LedgerPathError(
            "bad quota name: use letters, digits and ':/._@-' (no spaces or '#')",
            quota=repr(name),
        )
    return name


def check_amount(quota: str, value: object, *, what: str = "delta") -> float:
    """A finite number; booleans and strings are refused rather than coerced."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LedgerPathError(f"a {what} must be a number", quota=quota, value=repr(value))
    number = float(value)
    if not math.isfinite(number):
        raise LedgerPathError(f"a {what} must be finite", quota=quota, value=value)
    return number


def check_limit(quota: str, value: object) -> float | None:
    """None or -1 mean unlimited; any other negative number is refused."""
    if value is None:
        return None
    number = check_amount(quota, value, what="limit")
    if number == -1:
        return None
    if number < 0:
        raise LedgerPathError(
            "a limit can't be negative (use -1 or None for unlimited)", quota=quota, limit=value
        )
    return number

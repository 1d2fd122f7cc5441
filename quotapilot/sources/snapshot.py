"""A quota snapshot file: limits (and optionally usage) written down, read like a cloud.

The gate's tests and users' CI carry snapshots instead of credentials. The format is documented
in ``examples/quotas/README.md``; every entry is validated up front so that a typo fails loudly
with the file, the entry and the field, instead of turning into a silently missing quota.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from quotapilot.domain import (
    GLOBAL,
    PROVIDERS,
    Quota,
    QuotaKey,
    Reading,
    Unknown,
    Usage,
    finite,
    normalise_limit,
)
from quotapilot.exceptions import SnapshotError
from quotapilot.sources.base import SourceResult

_TOP_FIELDS = {"provider", "account", "project", "region", "quotas"}
_ENTRY_FIELDS = {
    "service",
    "code",
    "limit",
    "usage",
    "usage_per",
    "region",
    "adjustable",
    "name",
    "unit",
}
_AWS_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class _Where:
    """Where in the file a problem is, for SnapshotError."""

    path: str
    entry: str | None = None

    def error(self, message: str, field: str | None = None) -> SnapshotError:
        return SnapshotError(message, path=self.path, entry=self.entry, field=field)


class SnapshotSource:
    """Answers quota keys from a snapshot held in memory (usually loaded with :meth:`from_file`)."""

    def __init__(
        self,
        provider: str,
        readings: Mapping[QuotaKey, Reading],
        *,
        account: str = "",
        name: str = "snapshot",
    ) -> None:
        self.provider = provider
        self.account = account
        self.name = name
        # Indexed by the unbound key: plans don't know the account they will deploy to.
        self._readings = {key.unbound: reading for key, reading in readings.items()}

    @classmethod
    def from_file(cls, path: str | Path) -> SnapshotSource:
        """Load and validate a YAML or JSON snapshot; raise SnapshotError if it is malformed."""
        path = Path(path)
        where = _Where(str(path))
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise where.error("no such snapshot file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise where.error(f"can't read the snapshot file: {exc}") from None
        document = _parse(text, path, where)
        return cls.from_document(document, path=str(path))

    @classmethod
    def from_document(cls, document: Any, *, path: str = "<snapshot>") -> SnapshotSource:
        """Validate an already parsed snapshot (a mapping as in the file format)."""
        where = _Where(path)
        if not isinstance(document, Mapping):
            raise where.error(
                f"a snapshot must be a mapping with 'provider' and 'quotas', got {_kind(document)}"
            )
        _reject_unknown(document, _TOP_FIELDS, where)
        provider = document.get("provider")
        if provider not in PROVIDERS:
            raise where.error(
                f"must be one of {', '.join(PROVIDERS)}, got {provider!r}", "provider"
            )
        account = _account(document, provider, where)
        default_region = document.get("region")
        if default_region is not None:
            default_region = _text(default_region, where, "region")
        entries = document.get("quotas")
        if not isinstance(entries, list):
            raise where.error(f"must be a list of quota entries, got {_kind(entries)}", "quotas")

        readings: dict[QuotaKey, Reading] = {}
        first_seen: dict[QuotaKey, str] = {}
        for index, entry in enumerate(entries):
            entry_where = _Where(path, f"quotas[{index}]")
            reading = _reading(entry, provider, account, default_region, entry_where)
            key = reading.key
            if key in first_seen:
                raise entry_where.error(
                    f"duplicate entry for {key.service}/{key.code} in {key.region}; "
                    f"{first_seen[key]} already gives it"
                )
            first_seen[key] = entry_where.entry or ""
            readings[key] = reading
        return cls(provider, readings, account=account, name=f"snapshot {path}")

    @property
    def keys(self) -> list[QuotaKey]:
        """Every key the snapshot holds, bound to its account."""
        return [reading.key for reading in self._readings.values()]

    def read(self, keys: Iterable[QuotaKey]) -> SourceResult:
        result = SourceResult()
        for key in keys:
            reading = self._readings.get(key.unbound)
            if key.provider != self.provider:
                result.unknown[key] = Unknown(f"{self.name} holds {self.provider} quotas only")
            elif key.account and self.account and key.account != self.account:
                result.unknown[key] = Unknown(
                    f"{self.name} is for {self.account}, not {key.account}"
                )
            elif reading is None:
                result.unknown[key] = Unknown(f"not in {self.name}")
            else:
                result.readings[key] = reading
        return result


def parse_text(text: str, name: str) -> SnapshotSource:
    """A snapshot from its text (YAML, or JSON when ``name`` ends in .json)."""
    document = _parse(text, Path(name), _Where(name))
    return SnapshotSource.from_document(document, path=name)


def _parse(text: str, path: Path, where: _Where) -> Any:
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text, parse_constant=_no_constant)
        except RecursionError:
            raise where.error("nested too deeply to be a snapshot") from None
        except ValueError as exc:
            raise where.error(f"not valid JSON: {exc}") from None
    try:
        return yaml.safe_load(text)
    except RecursionError:
        raise where.error("nested too deeply to be a snapshot") from None
    except yaml.YAMLError as exc:
        raise where.error(f"not valid YAML: {' '.join(str(exc).split())}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a snapshot may hold")


def _account(document: Mapping[str, Any], provider: str, where: _Where) -> str:
    own, other = ("account", "project") if provider == "aws" else ("project", "account")
    if other in document:
        raise where.error(f"a {provider} snapshot names its {own}, not a {other}", other)
    value = document.get(own)
    if value is None:
        return ""
    if provider == "aws" and isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:012d}"  # YAML reads an unquoted account id as a number
    account = _text(value, where, own)
    if provider == "aws" and not _AWS_ACCOUNT.match(account):
        raise where.error(f"an AWS account id has 12 digits, got {account!r}", own)
    return account


def _reading(
    entry: Any, provider: str, account: str, default_region: str | None, where: _Where
) -> Reading:
    if not isinstance(entry, Mapping):
        raise where.error(f"a quota entry must be a mapping, got {_kind(entry)}")
    _reject_unknown(entry, _ENTRY_FIELDS, where)
    service = _text(entry.get("service"), where, "service")
    code = _text(entry.get("code"), where, "code")
    if "region" in entry:
        region = _text(entry["region"], where, "region")
    elif default_region is not None:
        region = default_region
    else:
        raise where.error(
            "missing; give the entry a region or the file a default region "
            f"('{GLOBAL}' for global quotas)",
            "region",
        )
    if "limit" not in entry:
        raise where.error("missing; use null or -1 for an unlimited quota", "limit")
    limit_value = entry["limit"]
    if limit_value is not None:
        limit_value = _number(limit_value, where, "limit")
    try:
        limit = normalise_limit(limit_value)
    except ValueError as exc:
        raise where.error(str(exc), "limit") from None
    adjustable = entry.get("adjustable")
    if adjustable is not None and not isinstance(adjustable, bool):
        raise where.error(f"must be true or false, got {adjustable!r}", "adjustable")

    key = QuotaKey(provider, service, code, region, account)  # type: ignore[arg-type]
    quota = Quota(
        key,
        limit,
        adjustable=adjustable,
        name=_text(entry["name"], where, "name") if "name" in entry else "",
        unit=_text(entry["unit"], where, "unit") if "unit" in entry else "",
    )
    usage = None
    if entry.get("usage") is not None:
        used = _number(entry["usage"], where, "usage")
        if used < 0:
            raise where.error(f"usage can't be negative, got {entry['usage']!r}", "usage")
        usage = Usage(key, used)
    return Reading(quota, usage, _usage_per(entry.get("usage_per"), where))


def _usage_per(value: Any, where: _Where) -> dict[str, float] | None:
    """``usage_per: {vpc-0abc: 180}``: usage in each parent of a per-parent quota."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise where.error(f"must map parent ids to usage, got {_kind(value)}", "usage_per")
    out: dict[str, float] = {}
    for parent, used in value.items():
        if not isinstance(parent, str) or not parent.strip():
            raise where.error(f"a parent id must be a string, got {parent!r}", "usage_per")
        number = _number(used, where, f"usage_per.{parent}")
        if number < 0:
            raise where.error(f"usage can't be negative, got {used!r}", f"usage_per.{parent}")
        out[parent.strip()] = number
    return out


def _reject_unknown(mapping: Mapping[Any, Any], allowed: set[str], where: _Where) -> None:
    unknown = sorted(str(name) for name in mapping if name not in allowed)
    if unknown:
        raise where.error(
            f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}",
            unknown[0],
        )


def _text(value: Any, where: _Where, field: str) -> str:
    if value is None:
        raise where.error("missing", field)
    if not isinstance(value, str) or not value.strip():
        raise where.error(f"must be a non-empty string, got {value!r}", field)
    return value.strip()


def _number(value: Any, where: _Where, field: str) -> float:
    # bool is an int in Python ("limit: yes" is a typo, not 1), and .inf/.nan are never a
    # quota's size: only null and -1 spell "unlimited".
    try:
        return finite(value)
    except ValueError as error:
        raise where.error(str(error), field) from None


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__

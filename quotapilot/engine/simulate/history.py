"""Reading ``quotapilot simulate``'s inputs: the usage history CSV and RULES.yaml.

Errors name the file, the row (spreadsheet numbering: the header is row 1) or rule entry, and
the field.
"""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime
from pathlib import Path

from quotapilot.domain import QuotaKey, normalise_limit
from quotapilot.engine.exceptions import HistoryError, RuleError
from quotapilot.engine.rules import Rule, rule_from_mapping
from quotapilot.engine.simulate.replay import Point

COLUMNS = ("timestamp", "service", "code", "region", "usage", "limit")


def _timestamp(text: str, where: dict[str, str]) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise HistoryError(
            f"not an ISO 8601 timestamp: {text!r}", field="timestamp", **where
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _number(text: str, name: str, where: dict[str, str]) -> float:
    try:
        value = float(text)
    except ValueError:
        raise HistoryError(f"not a number: {text!r}", field=name, **where) from None
    if math.isnan(value):
        raise HistoryError("not a number: NaN", field=name, **where)
    return value


def read_history(path: str | Path) -> dict[QuotaKey, list[Point]]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise HistoryError(f"can't read the history: {error}", path=str(path)) from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise HistoryError(
            f"missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}",
            path=str(path),
            entry="row 1",
            field=missing[0],
        )
    reader.fieldnames = header
    history: dict[QuotaKey, dict[datetime, Point]] = {}
    for number, row in enumerate(reader, start=2):
        where = {"path": str(path), "entry": f"row {number}"}
        if None in row or any(row.get(c) is None for c in COLUMNS):
            raise HistoryError(f"expected {len(header)} fields", **where)
        values = {c: (row[c] or "").strip() for c in COLUMNS}
        for name in ("timestamp", "service", "code", "usage"):
            if not values[name]:
                raise HistoryError("is empty", field=name, **where)
        at = _timestamp(values["timestamp"], where)
        usage = _number(values["usage"], "usage", where)
        if usage < 0 or math.isinf(usage):
            raise HistoryError(
                f"must be a finite number >= 0, got {values['usage']}", field="usage", **where
            )
        if values["limit"] in ("", "unlimited"):
            limit = None
        else:
            try:
                limit = normalise_limit(_number(values["limit"], "limit", where))
            except ValueError as error:
                raise HistoryError(str(error), field="limit", **where) from None
        key = QuotaKey("aws", values["service"], values["code"], values["region"] or "global")
        points = history.setdefault(key, {})
        if at in points:
            raise HistoryError(
                f"a second point for {key} at {at.isoformat()}", field="timestamp", **where
            )
        points[at] = Point(at, usage, limit)
    if not history:
        raise HistoryError("has no data rows", path=str(path))
    return {key: sorted(points.values(), key=lambda p: p.at) for key, points in history.items()}


def read_rules(path: str | Path) -> list[Rule]:
    import yaml

    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RuleError(f"can't read the rules: {error}", path=str(path)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark else None
        raise RuleError(
            f"not valid YAML: {getattr(error, 'problem', error)}", path=str(path), entry=line
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise RuleError("must be a mapping with a 'rules:' list", path=str(path), field="rules")
    rules = [
        rule_from_mapping(item, path=str(path), entry=f"rules[{index}]")
        for index, item in enumerate(document["rules"])
    ]
    seen: dict[tuple[str, str, str | None], int] = {}
    for index, rule in enumerate(rules):
        slot = (rule.service, rule.code, rule.region)
        if slot in seen:
            raise RuleError(
                f"a second rule for {rule.service}/{rule.code} in {rule.region or 'every region'} "
                f"(first: rules[{seen[slot]}])",
                path=str(path),
                entry=f"rules[{index}]",
            )
        seen[slot] = index
    return rules

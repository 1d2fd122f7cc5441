"""The ``show`` view: the scope tree as a rich Tree, one usage/limit bar per quota."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from quotapilot.domain import utilization
from quotapilot.ledger.base import QuotaLine

BAR_WIDTH = 20


def bar(usage: float, limit: float | None) -> Text:
    """A bar filled in proportion to usage/limit; green, yellow past 80 %, red past 100 %."""
    if limit is None:
        return Text("·" * BAR_WIDTH, style="dim")
    percent = utilization(usage, limit)
    filled = BAR_WIDTH if percent >= 100 else round(BAR_WIDTH * percent / 100)
    style = "red" if percent > 100 else "yellow" if percent >= 80 else "green"
    return Text("█" * filled, style=style) + Text("░" * (BAR_WIDTH - filled), style="dim")


def _fmt(value: float | None) -> str:
    if value is None:
        return "∞"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def render_tree(lines: Iterable[QuotaLine], title: str) -> Tree:
    by_scope: dict[str, list[QuotaLine]] = {}
    for line in lines:
        by_scope.setdefault(line.scope, []).append(line)
    root = Tree(Text(title, style="bold"))
    nodes: dict[str, Tree] = {}
    for scope in sorted(by_scope):
        parent = scope.rsplit("/", 1)[0] if "/" in scope else None
        # Walk up to the nearest shown ancestor (every ancestor of a scope with usage is shown,
        # but a limit-only subtree may skip levels when filtering).
        while parent is not None and parent not in nodes:
            parent = parent.rsplit("/", 1)[0] if "/" in parent else None
        table = Table.grid(padding=(0, 1))
        for line in sorted(by_scope[scope], key=lambda item: item.quota):
            table.add_row(
                Text(line.quota),
                bar(line.usage, line.limit),
                Text(f"{_fmt(line.usage)} / {_fmt(line.limit)}"),
            )
        label = Table.grid()
        # Top-level nodes show their full path (a subtree's root may be deep).
        name = scope.rsplit("/", 1)[-1] if parent else scope
        label.add_row(Text(name, style="bold cyan"))
        label.add_row(table)
        nodes[scope] = (nodes[parent] if parent else root).add(label)
    return root

"""HTML tables → rows of cells, rowspan/colspan expanded into a grid.

Every <table> is read in document order and their rows are concatenated, so a statistical table
split over several <table> elements (page breaks in Word) reads as one. A cell spanning several
columns counts once in its row; a cell spanning several rows is repeated below it as context
(labels) and flagged `merged` (a value there belongs to no single row).
"""
from __future__ import annotations

import re

from lxml import etree

from extract.tables.grid import GCell, Row

_WS = re.compile(r"[\s\u200b\ufeff]+")
_BREAKS = frozenset({"br", "p", "div", "li", "tr"})
_SKIP = frozenset({"script", "style", "table"})  # a nested table is read as a table of its own
_MAX_SPAN = 60  # Word sometimes writes absurd spans; the national tables have 16 columns at most


def _tag(el) -> str:
    # libxml2's HTML parser lowercases tag names and knows no namespaces: no normalising needed.
    tag = el.tag
    return tag if isinstance(tag, str) else ""


def cell_text(el) -> str:
    """The text of a cell: spans joined, <br>/<p> as line breaks, comments and nested tables skipped.

    Iterative, so that deeply nested Word markup cannot exhaust the recursion limit."""
    parts: list[str] = [el.text or ""]
    stack = [(child, False) for child in reversed(el)]
    while stack:
        node, closing = stack.pop()
        tag = _tag(node)
        if closing:  # after the node's children: its closing break, then its tail
            if tag in _BREAKS:
                parts.append("\n")
            parts.append(node.tail or "")
            continue
        if not tag or tag in _SKIP:  # comment, processing instruction, nested table: tail only
            parts.append(node.tail or "")
            continue
        if tag in _BREAKS:
            parts.append("\n")
        parts.append(node.text or "")
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return "".join(parts)


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _span(el, name: str) -> int:
    try:
        return max(1, min(_MAX_SPAN, int(str(el.get(name, "1")).strip() or 1)))
    except ValueError:
        return 1


def _own_rows(table) -> list:
    """<tr> of this table (directly or in thead/tbody/tfoot), not of tables nested in it."""
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if _tag(c) == "tr")
    return rows


def table_rows(table, index: int) -> list[Row]:
    """One <table> as rows of GCell, spans expanded."""
    pending: dict[int, dict[int, tuple[int, GCell]]] = {}  # row → col → (origin id, cell) from rowspans
    out: list[Row] = []
    widths: list[int] = []  # grid columns each row fills
    origin = 0
    trs = _own_rows(table)
    for r, tr in enumerate(trs):
        above = pending.pop(r, {})
        placed: list[tuple[int, GCell]] = []
        col = 0
        for td in tr:
            if _tag(td) not in ("td", "th"):
                continue
            while col in above:
                placed.append(above.pop(col))
                col += 1
            rs, cs = min(_span(td, "rowspan"), len(trs) - r), _span(td, "colspan")
            origin += 1
            cell = GCell(_clean(cell_text(td)), explicit=True, merged=rs > 1, line=r + 1)
            for dc in range(cs):
                placed.append((origin, cell))
                for dr in range(1, rs):
                    pending.setdefault(r + dr, {})[col + dc] = (origin, cell)
            col += cs
        # Rowspans from above to the right of the row's own cells still hold their columns.
        placed.extend(above[c] for c in sorted(above))
        cells: list[GCell] = []
        last = None
        for oid, cell in placed:
            if oid != last:  # a cell spanning several columns counts once
                cells.append(cell)
            last = oid
        if cells:
            out.append(Row(cells, f"table {index} row {r + 1}"))
            widths.append(len(placed))
    width = max(widths, default=0)
    for row, w in zip(out, widths):
        row.short = w < width
    return out


def html_rows(root) -> list[Row]:
    rows: list[Row] = []
    tables = [root] if _tag(root) == "table" else []
    tables += [t for t in root.iter(etree.Element) if _tag(t) == "table" and t is not root]
    for i, table in enumerate(tables, 1):
        rows.extend(table_rows(table, i))
    return rows

"""The grid both readers produce: rows of cells, each cell knowing how sure we are it is a cell.

HTML and flattened text differ in what a blank means. A <td> is a cell even when empty; a trailing
tab or a `||` run in flattened text is often just padding. `explicit` records which of the two a
blank is, so that alignment never turns padding into a value position.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class GCell:
    text: str  # as printed, outer whitespace trimmed
    explicit: bool = True  # a real cell even when blank (a <td>, a tab-indented line, a line-broken pipe cell)
    merged: bool = False  # spans several rows (rowspan): a value here cannot be given to one row
    line: int = 0  # where it came from (text: 1-based line; HTML: table row), for warnings
    col: int | None = None  # HTML: first grid column it covers (text: unknown)
    span: int = 1  # HTML: grid columns it covers
    copy: bool = False  # HTML: a rowspan's repetition in a row below its own (context, never the row's label)
    key: int = 0  # HTML: the <td> it comes from (a cell and its copies share it)
    fused: bool = False  # text: digits that may be several cells run together (`3000003`)


@dataclass(slots=True)
class Row:
    cells: list[GCell]
    where: str = ""  # "line 63", "table 2 row 5"
    short: bool = False  # HTML: the row ends before the table's last column (Word drops empty cells)


def strip_cells(cells: list[GCell], drop) -> list[GCell]:
    """cells without the leading and trailing ones for which drop(cell) is true."""
    i, j = 0, len(cells)
    while i < j and drop(cells[i]):
        i += 1
    while j > i and drop(cells[j - 1]):
        j -= 1
    return cells[i:j]

"""The grid both readers produce: rows of cells, each cell knowing how sure we are it is a cell.

HTML and flattened text differ in what a blank means. A <td> is a cell even when empty; a trailing
tab or a `||` run in flattened text is often just padding. `explicit` records which of the two a
blank is, so that alignment never turns padding into a value position.
"""
from __future__ import annotations

from extract.model import ByFields


class GCell(ByFields):
    FIELDS = ("text", "explicit", "merged", "line", "col", "span", "copy", "key", "fused")
    __slots__ = FIELDS

    text: str  # as printed, outer whitespace trimmed
    explicit: bool  # a real cell even when blank (a <td>, a tab-indented line, a line-broken pipe cell)
    merged: bool  # spans several rows (rowspan): a value here cannot be given to one row
    line: int  # where it came from (text: 1-based line; HTML: table row), for warnings
    col: int | None  # HTML: first grid column it covers (text: unknown)
    span: int  # HTML: grid columns it covers
    copy: bool  # HTML: a rowspan's repetition in a row below its own (context, never the row's label)
    key: int  # HTML: the <td> it comes from (a cell and its copies share it)
    fused: bool  # text: digits that may be several cells run together (`3000003`)

    def __init__(self, text: str, explicit: bool = True, merged: bool = False, line: int = 0, col: int | None = None,
                 span: int = 1, copy: bool = False, key: int = 0, fused: bool = False) -> None:
        self.text = text
        self.explicit = explicit
        self.merged = merged
        self.line = line
        self.col = col
        self.span = span
        self.copy = copy
        self.key = key
        self.fused = fused


class Row(ByFields):
    FIELDS = ("cells", "where", "short")
    __slots__ = FIELDS

    cells: list[GCell]
    where: str  # "line 63", "table 2 row 5"
    short: bool  # HTML: the row ends before the table's last column (Word drops empty cells)

    def __init__(self, cells: list[GCell], where: str = "", short: bool = False) -> None:
        self.cells = cells
        self.where = where
        self.short = short



def strip_cells(cells: list[GCell], drop) -> list[GCell]:
    """cells without the leading and trailing ones for which drop(cell) is true."""
    i, j = 0, len(cells)
    while i < j and drop(cells[i]):
        i += 1
    while j > i and drop(cells[j - 1]):
        j -= 1
    return cells[i:j]

"""Rows → cells: a row's code comes from its label, its values go to columns by position.

A row is placed only when its value cells line up with the columns with certainty; otherwise it
is left out with a warning naming it. A value is never moved into a neighbouring column.
"""
from __future__ import annotations

from typing import Optional

from extract.model import Cell
from extract.tables.grid import GCell, Row, strip_cells
from extract.tables.labels import active_row, application_row, is_other_group, section_marker
from extract.tables.schema import ACTIVE_COLS, APPLICATION_COLS, MONEY, REVIEW_ORDER
from extract.values import is_blank, kind, parse_cell

# Short labels that are also column headers: only trusted inside the applications table.
_GENERIC_APP_ROWS = frozenset({"granted", "other", "total"})


def _is_text(cell: GCell) -> bool:
    return kind(cell.text) == "text"


def _padding(cell: GCell) -> bool:
    return not cell.explicit and is_blank(cell.text)


def align(values: list[GCell], n: int, short: bool = False) -> Optional[list[GCell]]:
    """The n cells of a row, or None when they cannot be told apart from padding.

    Padding blanks (a trailing tab, a `||` run, leading tab placeholders) are dropped at both ends.
    What is left must be exactly n cells. With more, only an unambiguous run of n between blanks
    is accepted; a row short of cells is never spread out or shifted. A `short` HTML row whose
    first value cell is empty may be a placeholder followed by one cell too few: not certain.
    """
    cells = strip_cells(values, _padding)
    if len(cells) != n:
        cells = strip_cells(cells, lambda c: is_blank(c.text)) if len(cells) > n else cells
        if len(cells) != n:
            return None
    elif short and is_blank(cells[0].text):
        return None
    if any(c.merged for c in cells):
        return None
    return cells


class Placer:
    def __init__(self, layout: Optional[str]) -> None:
        self.layout = layout
        self.section: Optional[str] = None  # table announced by the last heading / header cell
        self.prev_app: Optional[str] = None  # last applications row seen (3.其他 follows （六）其他处理)
        self.placed: dict[tuple[str, str], tuple[str, ...]] = {}
        self.cells: list[Cell] = []
        self.warnings: list[str] = []

    def feed(self, row: Row) -> None:
        cells = row.cells
        labels = [i for i, c in enumerate(cells) if _is_text(c)]
        other_group = False
        for i in labels:
            sec = section_marker(cells[i].text)
            if sec:
                self.section = sec
            other_group = other_group or is_other_group(cells[i].text)
        last = labels[-1] if labels else -1
        values = cells[last + 1:]
        if not values:
            return  # a heading or header row
        label = cells[last].text if last >= 0 else ""
        target = self.target(label, other_group)
        k = 2
        while target is None and k <= 3 and labels[-k:] == list(range(last - k + 1, last + 1)):
            # a label broken over lines or cells: 一、本年新收政府信息公开申 / 请数量
            joined = "".join(c.text for c in cells[last - k + 1:last + 1])
            target = self.target(joined, other_group)
            label = joined if target else label
            k += 1
        if target is None:
            if self.section in ("active", "applications") and any(not is_blank(c.text) for c in values):
                self.warnings.append(f"unrecognised row {label!r} at {row.where}: {len(values)} cells left out")
            return
        table, code = target
        if table == "applications":
            self.prev_app = code
        cols = self.columns(table, code, row)
        if cols is None:
            return
        got = align(values, len(cols), row.short)
        if got is None:
            if table == "review_litigation" and all(is_blank(c.text) for c in values):
                return  # blank cells under the review headers, not the data row
            name = f"{table}.{code}" if code else table
            self.warnings.append(
                f"{name}: cannot align {len(strip_cells(values, _padding))} cells to {len(cols)} columns at {row.where} "
                f"({label!r}); row left out")
            return
        self.put(table, code, cols, got, row)

    def target(self, label: str, other_group: bool) -> Optional[tuple[str, str]]:
        if label:
            code = active_row(label)
            if code:
                return "active", code
            if self.section != "review_litigation":
                after_other = other_group or self.prev_app in ("other_no_correction", "other_no_fee")
                code = application_row(label, after_other)
                if code and (code not in _GENERIC_APP_ROWS or self.section == "applications"):
                    return "applications", code
        if self.section == "review_litigation":
            return "review_litigation", ""
        return None

    def columns(self, table: str, code: str, row: Row):
        if table == "applications":
            return [(code, c) for c in APPLICATION_COLS]
        if table == "review_litigation":
            return list(REVIEW_ORDER)
        if self.layout is None:
            self.warnings.append(f"active.{code}: layout unknown at {row.where}; row left out")
            return None
        cols = ACTIVE_COLS[self.layout].get(code)
        if cols is None:
            self.warnings.append(f"active.{code}: no such row in the {self.layout} layout at {row.where}; row left out")
            return None
        return [(code, c) for c in cols]

    def put(self, table: str, code: str, cols, got: list[GCell], row: Row) -> None:
        key = (table, code)
        raws = tuple(c.text for c in got)
        if key in self.placed:
            if self.placed[key] != raws:
                name = f"{table}.{code}" if code else table
                self.warnings.append(f"{name}: printed again with other values at {row.where}; first kept")
            return
        self.placed[key] = raws
        for (r, c), cell in zip(cols, got):
            value, raw = parse_cell(cell.text, money=table == "active" and (r, c) in MONEY)
            if value is None and not is_blank(raw):
                self.warnings.append(f"{table}.{r}.{c}: cannot read {raw!r} at {row.where}; cell left out")
                continue
            self.cells.append(Cell(table, r, c, value, raw))
        if table == "review_litigation":
            self.section = None  # the last table: numbers after it are not table cells


def place(rows: list[Row], layout: Optional[str]) -> tuple[list[Cell], list[str]]:
    p = Placer(layout)
    for row in rows:
        p.feed(row)
    return p.cells, p.warnings

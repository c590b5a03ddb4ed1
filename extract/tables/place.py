"""Rows → cells: a row's code comes from its label, its values go to the columns its table's header
names (headers.py).

A row is placed only when its value cells line up with the columns with certainty; otherwise it
is left out with a warning naming it. A value is never moved into a neighbouring column. Spacer
rows are skipped; a row with two row labels, or a row printed twice with other numbers, is left
out and named. Where no header is printed the standard column order is used only for a row with
exactly the standard number of cells, and the warnings say so.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from extract.model import Cell
from extract.tables import fused, headers
from extract.tables.grid import GCell, Row, strip_cells
from extract.tables.labels import active_row, application_row, is_other_group, section_marker
from extract.tables.schema import ACTIVE_COLS, APPLICATION_COLS, MONEY, REVIEW_ORDER
from extract.values import is_blank, kind, parse_cell

# Short labels that are also column headers: only trusted inside the applications table.
_GENERIC_APP_ROWS = frozenset({"granted", "other", "total"})
_TABLES = frozenset({"active", "applications", "review_litigation"})
_REVIEW_ROWS = frozenset({"review", "litigation_direct", "litigation_after_review"})


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


def _name(table: str, code: str) -> str:
    return f"{table}.{code}" if code else table


class Placer:
    def __init__(self, layout: Optional[str]) -> None:
        self.layout = layout
        self.section: Optional[str] = None  # table announced by the last heading / header cell
        self.prev_app: Optional[str] = None  # last applications row seen (3.其他 follows （六）其他处理)
        self.header: dict[str, list[GCell]] = {}  # table → header cells since its last data row
        self.header_at: dict[str, str] = {}
        self.maps: dict[str, headers.ColumnMap] = {}  # table → the header its rows follow now
        self.bad: dict[str, str] = {}  # table → why it is left out
        self.assumed: set[str] = set()  # tables placed in the standard order (no header printed)
        self.placed: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {}  # row → (raws, where)
        self.twice: set[tuple[str, str]] = set()  # rows printed twice with other values: left out
        self.cells: dict[tuple[str, str, str], Cell] = {}
        self.warnings: list[str] = []

    # -- one row -------------------------------------------------------------------------------
    def feed(self, row: Row) -> None:
        cells = row.cells
        # Label cells: text, not digits run together (those are values, read or not).
        labels = [i for i, c in enumerate(cells) if not c.fused and kind(c.text) == "text"]
        other_group = False
        for i in labels:
            sec = section_marker(cells[i].text)
            if sec:
                self.section = sec
            other_group = other_group or is_other_group(cells[i].text)
        last = labels[-1] if labels else -1
        values = cells[last + 1:]
        if not values:
            self.collect_header(cells, row)  # a heading or header row
            return
        if last < 0 and all(not c.text for c in values):
            return  # a spacer row: never a table's end, never its data
        if last >= 0 and cells[last].copy:
            # A rowspan's repetition sits after the row's own label (rowspans out of step): context.
            own_labels = [i for i in labels if not cells[i].copy]
            if own_labels:
                labels = [i for i in labels if i <= own_labels[-1]]
                last = own_labels[-1]
        own = cells[last] if last >= 0 else None
        if own is not None and self.section and all(not c.text for c in values) \
                and headers.is_header_cell(self.section, own.text):
            self.collect_header(cells, row)  # a header row padded with empty cells (自然人 | … | 总计 | |)
            return
        if own is not None and own.copy:
            # The last label is a rowspan's repetition from above: the row has no label of its own.
            if any(not is_blank(c.text) for c in values) and self.section in ("active", "applications"):
                self.warnings.append(f"row without a label of its own at {row.where} ({own.text!r}): "
                                     f"{len(values)} cells left out")
            return
        label = own.text if own is not None else ""
        target = self.target(label, other_group)
        first = last
        k = 2
        while target is None and k <= 3 and labels[-k:] == list(range(last - k + 1, last + 1)):
            # a label broken over lines or cells: 一、本年新收政府信息公开申 / 请数量
            joined = "".join(c.text for c in cells[last - k + 1:last + 1])
            target = self.target(joined, other_group)
            if target:
                label, first = joined, last - k + 1
            k += 1
        if target is None:
            if all(is_blank(c.text) for c in values):
                self.collect_header(cells, row)  # header cells followed by blank padding
                return
            if self.section in ("active", "applications"):
                self.warnings.append(f"unrecognised row {label!r} at {row.where}: {len(values)} cells left out")
            return
        table, code = target
        # Header cells of this table: after the row's last heading (a stream row can hold the
        # end of the table before, then the heading and header of this one).
        heading = max((i for i in labels if i < first and section_marker(cells[i].text)
                       and not headers.is_header_cell(table, cells[i].text)), default=-1)
        before = [cells[i] for i in labels if heading < i < first]
        self.collect_header(before + ([own] if own is not None and table == "review_litigation" else []), row, table)
        if table == "review_litigation" and all(not c.text for c in values):
            return  # empty cells under the review headers: a spacer, not the data row
        rival = self.rival_label(before, table, code, other_group)
        if table == "applications":
            self.prev_app = code
        if rival:
            self.warnings.append(f"{_name(table, code)}: the row at {row.where} also carries the label {rival!r}; "
                                 "row left out")
            return
        if table in self.bad:
            return
        cols = self.columns(table, code, row)
        if cols is None:
            return
        got = align(values, len(cols), row.short)
        if got is None:
            got, why = self.unfuse(values, cols)
            if got is None:
                if table == "review_litigation" and all(is_blank(c.text) for c in values):
                    return  # blank cells under the review headers, not the data row
                n = len(strip_cells(values, _padding))
                detail = f"; cells run together: {why}" if why else ""
                self.warnings.append(f"{_name(table, code)}: cannot align {n} cells to {len(cols)} columns at "
                                     f"{row.where} ({label!r}){detail}; row left out")
                return
        self.put(table, code, cols, got, row)

    def unfuse(self, values: list[GCell], cols) -> tuple[Optional[list[GCell]], str]:
        cells = strip_cells(values, _padding)
        if not any(c.fused for c in cells):
            return None, ""
        # The sums to check name applicant columns by code and review columns by (row, col).
        return fused.split(cells, [c if c[0] in _REVIEW_ROWS else c[1] for c in cols])

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

    def rival_label(self, before: list[GCell], table: str, code: str, other_group: bool) -> Optional[str]:
        """A second row label in the row (never a header, a group label or a rowspan's copy)."""
        if not code:
            return None
        for cell in before:
            if cell.copy or is_other_group(cell.text) or headers.is_header_cell(table, cell.text):
                continue
            other = active_row(cell.text)
            if other is None and table == "applications":
                other = application_row(cell.text, other_group)
            if other and other != code:
                return cell.text
        return None

    # -- headers -------------------------------------------------------------------------------
    def collect_header(self, cells: list[GCell], row: Row, table: Optional[str] = None) -> None:
        table = table or self.section
        if table not in _TABLES:
            return
        found = [c for c in cells if c.text and headers.is_header_cell(table, c.text)]
        if found and table == "active":
            # After 信息内容 every cell is a column's header, a label cut short as printed (本年新) too.
            corner = [i for i, c in enumerate(cells) if headers.header_kind("active", c.text) == "corner"]
            if corner:
                found = [c for c in cells[corner[-1]:] if c.text and not is_blank(c.text)]
        if found:
            if not self.header.get(table):
                self.header_at[table] = row.where
            self.header.setdefault(table, []).extend(found)

    def current_map(self, table: str) -> Optional[headers.ColumnMap]:
        """The map the table's rows follow: built from the header cells read since its last data row."""
        pending = self.header.pop(table, None)
        if pending:
            new, problem = headers.build(table, pending, self.header_at.get(table, ""))
            if problem:
                self.leave_out(table, f"column headers contradict each other at {self.header_at.get(table)}: {problem}")
                return None
            old = self.maps.get(table)
            if new is not None and old is not None and table != "active" and len(new.codes) * 2 < len(old.codes):
                new = None  # a stray header word (其他 in a note), not a second header
            if new is not None:
                if old is not None and table != "active" and old.codes != new.codes:
                    self.leave_out(table, f"column headers at {old.where} and {new.where} name the columns "
                                          "in different orders")
                    return None
                self.maps[table] = new
        return self.maps.get(table)

    def leave_out(self, table: str, why: str) -> None:
        if table not in self.bad:
            self.bad[table] = why
            self.warnings.append(f"{table}: {why}; table left out")

    def columns(self, table: str, code: str, row: Row):
        """The (row, col) each value of the row goes to, in order; None when the row cannot be placed."""
        cmap = self.current_map(table)
        if table in self.bad:
            return None
        if table == "active" and self.layout is not None and code not in ACTIVE_COLS[self.layout]:
            self.warnings.append(f"active.{code}: no such row in the {self.layout} layout at {row.where}; row left out")
            return None
        if cmap is None:
            standard = _standard(table, code, self.layout)
            if standard is None:
                self.warnings.append(f"active.{code}: layout unknown and no column header at {row.where}; row left out")
                return None
            if table not in self.assumed:
                self.assumed.add(table)
                self.warnings.append(f"{table}: no column header found; the standard column order was assumed")
            return standard
        if table == "review_litigation":
            return cmap.codes
        cols = _fitted(table, code, self.layout, tuple(cmap.codes), tuple(cmap.fragments.items()))
        if cols is None:
            printed = ", ".join(c or repr(cmap.fragments.get(i)) for i, c in enumerate(cmap.codes))
            self.warnings.append(f"{_name(table, code)}: the column header at {cmap.where} ({printed}) "
                                 f"does not fit this row at {row.where}; row left out")
        return cols

    # -- cells ---------------------------------------------------------------------------------
    def put(self, table: str, code: str, cols, got: list[GCell], row: Row) -> None:
        key = (table, code)
        raws = tuple([c.text for c in got])
        if key in self.twice:
            return
        if key in self.placed:
            first_raws, first_where = self.placed[key]
            if first_raws != raws:
                self.twice.add(key)
                for r, c in cols:
                    self.cells.pop((table, r, c), None)
                self.warnings.append(f"{_name(table, code)}: printed twice with other values (at {first_where} and "
                                     f"{row.where}); row left out")
            return
        self.placed[key] = (raws, row.where)
        for (r, c), cell in zip(cols, got):
            value, raw = parse_cell(cell.text, table == "active" and (r, c) in MONEY)
            if value is None and not is_blank(raw):
                self.warnings.append(f"{table}.{r}.{c}: cannot read {raw!r} at {row.where}; cell left out")
                continue
            self.cells[(table, r, c)] = Cell(table, r, c, value, raw)
        if table == "review_litigation":
            self.section = None  # the last table: numbers after it are not table cells

    def result(self) -> list[Cell]:
        return [c for c in self.cells.values() if c.table not in self.bad]


def _standard(table: str, code: str, layout: Optional[str]):
    """The columns in the national order (None for an active row of an unknown layout)."""
    if table == "applications":
        return tuple((code, c) for c in APPLICATION_COLS)
    if table == "review_litigation":
        return tuple(REVIEW_ORDER)
    if layout is None:
        return None
    return tuple((code, c) for c in ACTIVE_COLS[layout][code])


def _any_layout_cols(code: str) -> set[str]:
    return {c for cols in ACTIVE_COLS.values() for c in cols.get(code, ())}


@lru_cache(maxsize=4096)
def _fitted(table: str, code: str, layout: Optional[str], codes: tuple, fragments: tuple):
    """A row's (row, col) pairs under a header's column codes (cut-short labels resolved), or None
    when the header names a column the row has not. Cached: the same headers recur in every report."""
    standard = _standard(table, code, layout)
    cmap = headers.ColumnMap(table, list(codes), "", dict(fragments))
    resolved = cmap.resolved([c for _, c in standard]) if standard else cmap.codes
    allowed = {c for _, c in standard} if standard else _any_layout_cols(code)
    if resolved is None or None in resolved or not set(resolved) <= allowed:
        return None
    return tuple((code, c) for c in resolved)


def place(rows: list[Row], layout: Optional[str]) -> tuple[list[Cell], list[str]]:
    p = Placer(layout)
    for row in rows:
        p.feed(row)
    return p.result(), p.warnings

"""Does the report hold every cell its layout expects? `check_status` says it in one word.

incomplete (cells the layout expects were not extracted, or no layout was recognised) comes
before failed (a 勾稽 or narrative check failed), otherwise ok.
"""
from __future__ import annotations

from typing import Iterable, Optional

from extract.model import Cell, Check
from extract.tables.schema import expected_cells


def one_row_other(layout: Optional[str], cells: Iterable[Cell]) -> bool:
    """A 2021-layout report that prints （六）其他处理 as one row (stored as `other`), not its three."""
    rows = {c.row for c in cells if c.table == "applications"}
    return layout == "2021" and "other" in rows and not rows & {"other_no_correction", "other_no_fee", "other_other"}


def completeness(layout: Optional[str], cells: list[Cell]) -> tuple[Optional[int], int, list[str]]:
    """(expected cells, how many of them were found, warnings naming the rows with missing cells)."""
    if layout is None:
        return None, 0, ["incomplete: the layout (2019 or 2021) was not recognised, so the expected cells are unknown"]
    want = expected_cells(layout, one_row_other(layout, cells))
    have = {(c.table, c.row, c.col) for c in cells}
    if have.issuperset(want):
        return len(want), len(want), []  # most reports: nothing missing to name
    missing: dict[tuple[str, str], list[str]] = {}
    widths: dict[tuple[str, str], int] = {}
    for table, row, col in want:
        widths[(table, row)] = widths.get((table, row), 0) + 1
        if (table, row, col) not in have:
            missing.setdefault((table, row), []).append(col)
    found = len(want) - sum(map(len, missing.values()))
    if not missing:
        return len(want), found, []
    parts = [f"{table}.{row} ({f'all {widths[table, row]} columns' if len(cols) == widths[table, row] > 1 else ', '.join(cols)})"
             for (table, row), cols in missing.items()]
    return len(want), found, [f"incomplete: {found} of {len(want)} expected cells; missing: {'; '.join(parts)}"]


def check_status(expected: Optional[int], found: int, checks: Iterable[Check]) -> str:
    if expected is None or found < expected:
        return "incomplete"
    return "failed" if any(c.status == "failed" for c in checks) else "ok"

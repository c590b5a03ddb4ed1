"""勾稽关系: the arithmetic a report's own tables must satisfy. Reported, never "fixed".

Each check is ok, failed (both sides kept) or not_assessable (a blank or absent value on a side).
A report whose numbers do not add up is data: its cells stay as printed.
"""
from __future__ import annotations

from typing import Iterable, Optional

from extract.model import Cell, Check, Number
from extract.tables.schema import (
    APPLICANT_COLS, APPLICATION_COLS, OTHER_ROWS, REVIEW_COLS, REVIEW_ROWS, application_rows, result_rows,
)

_EPS = 1e-6  # money is stored as float 万元; counts are ints and compare exactly anyway


def _index(cells: Iterable[Cell]) -> dict[tuple[str, str, str], Optional[Number]]:
    return {(c.table, c.row, c.col): c.value for c in cells}


def _sum(values: dict, keys) -> Optional[Number]:
    """Sum of the values at keys; None when any is blank or absent."""
    total: Number = 0
    for k in keys:
        v = values.get(k)
        if v is None:
            return None
        total += v
    return total


def _check(rule: str, lhs: Optional[Number], rhs: Optional[Number], **where: str) -> Check:
    if lhs is None or rhs is None:
        status = "not_assessable"
    else:
        status = "ok" if abs(lhs - rhs) <= _EPS else "failed"
    return Check(rule=rule, status=status, lhs=lhs, rhs=rhs, **where)


def _app_rows(layout: Optional[str], values: dict) -> tuple[str, bool]:
    """(layout, one-row （六）其他处理) of the applications table: the rows that are present decide
    where the layout does not (a 2021 report may print （六） as one row)."""
    has_one_row = any(("applications", "other", c) in values for c in APPLICATION_COLS)
    has_2021 = any(("applications", r, c) in values for r in OTHER_ROWS["2021"] for c in APPLICATION_COLS)
    lay = layout if layout in OTHER_ROWS else ("2021" if has_2021 else "2019")
    return lay, lay == "2021" and has_one_row and not has_2021


def run_checks(layout: Optional[str], cells: Iterable[Cell]) -> list[Check]:
    """Checks of one report. Only tables that have at least one cell are checked."""
    values = _index(cells)
    checks: list[Check] = []
    tables = {k[0] for k in values}
    if "applications" in tables:
        lay, one_row = _app_rows(layout, values)
        a = "applications"
        for col in APPLICATION_COLS:
            checks.append(_check(
                "applications_balance",
                _sum(values, [(a, "new", col), (a, "carried_over", col)]),
                _sum(values, [(a, "total", col), (a, "carried_forward", col)]),
                table=a, col=col))
        for col in APPLICATION_COLS:
            checks.append(_check(
                "applications_results_sum",
                _sum(values, [(a, r, col) for r in result_rows(lay, one_row)]),
                values.get((a, "total", col)),
                table=a, row="total", col=col))
        for row in application_rows(lay, one_row):
            checks.append(_check(
                "applications_row_sum",
                _sum(values, [(a, row, c) for c in APPLICANT_COLS]),
                values.get((a, row, "total")),
                table=a, row=row, col="total"))
    if "review_litigation" in tables:
        t = "review_litigation"
        for row in REVIEW_ROWS:
            checks.append(_check(
                "review_litigation_row_sum",
                _sum(values, [(t, row, c) for c in REVIEW_COLS[:4]]),
                values.get((t, row, "total")),
                table=t, row=row, col="total"))
    return checks


def carry_over_check(cells_year_n: Iterable[Cell], cells_year_n_plus_1: Iterable[Cell]) -> list[Check]:
    """Across two consecutive reports of one agency: carried_forward of N = carried_over of N+1."""
    before, after = _index(cells_year_n), _index(cells_year_n_plus_1)
    return [
        _check("carry_over",
               before.get(("applications", "carried_forward", col)),
               after.get(("applications", "carried_over", col)),
               table="applications", row="carried_forward", col=col)
        for col in APPLICATION_COLS
    ]

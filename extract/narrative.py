"""The prose as a second witness: numbers a report states in its text, checked against its cells.

Reports say 本年度共收到政府信息公开申请2件, 共发生行政复议3起, 行政诉讼…件 in their prose. Only
unambiguous statements are read (one number for the thing in the whole text); each gives a check
`narrative` (prose vs cell: ok, failed with both sides, not_assessable when the cell is blank or
absent). A cell is never changed from the prose.
"""
from __future__ import annotations

import re
from typing import Optional

from extract.model import Cell, Check, Number

_CLAUSE = r"[^。；;，,\d]"  # within one clause, before the number
_UNIT = r"\s*(?:件|条|起|次|宗|个)"
# what is stated → the pattern (group 1: the number) and the cells it is the sum of
_STATEMENTS = {
    "new": (re.compile(rf"(?:收到|受理|新收|接收)(?={_CLAUSE}{{0,14}}申请){_CLAUSE}{{0,16}}?(\d+){_UNIT}"),
            [("applications", "new", "total")]),
    "carried_forward": (re.compile(rf"结转(?:至|到)?下(?:一)?年度{_CLAUSE}{{0,12}}?(\d+){_UNIT}"),
                        [("applications", "carried_forward", "total")]),
    "review": (re.compile(rf"(?:共|发生|收到|提起|涉及|受理)[^。；;，,\d、及和与]{{0,10}}行政复议(?:申请|案件)?{_CLAUSE}{{0,4}}?(\d+){_UNIT}"),
               [("review_litigation", "review", "total")]),
    "litigation": (re.compile(rf"(?:共|发生|收到|提起|涉及)[^。；;，,\d、及和与]{{0,10}}行政诉讼(?:案件)?{_CLAUSE}{{0,4}}?(\d+){_UNIT}"),
                   [("review_litigation", "litigation_direct", "total"),
                    ("review_litigation", "litigation_after_review", "total")]),
}
# "未发生/没有/未有…行政复议、…行政诉讼的情况": none of them that year.
_NONE = re.compile(r"(?:未发生|没有发生|未有|没有|无)([^。；;\d]{0,40}?)(?:情况|案件|事项)")


def _statements(text: str) -> dict[str, int]:
    found: dict[str, set[int]] = {}
    for name, (pattern, _) in _STATEMENTS.items():
        for m in pattern.finditer(text):
            found.setdefault(name, set()).add(int(m.group(1)))
    for m in _NONE.finditer(text):
        for word, name in (("行政复议", "review"), ("行政诉讼", "litigation")):
            if word in m.group(1):
                found.setdefault(name, set()).add(0)
    return {name: values.pop() for name, values in found.items() if len(values) == 1}


def narrative_checks(text: str, cells: list[Cell]) -> list[Check]:
    """One check per unambiguous statement of the prose whose table was extracted."""
    values = {(c.table, c.row, c.col): c.value for c in cells}
    tables = {c.table for c in cells}
    checks = []
    for name, stated in _statements(text).items():
        keys = _STATEMENTS[name][1]
        if keys[0][0] not in tables:
            continue
        cell = _sum(values, keys)
        status = "not_assessable" if cell is None else ("ok" if cell == stated else "failed")
        checks.append(Check("narrative", status, stated, cell, table=keys[0][0], row=name, col="total"))
    return checks


def _sum(values: dict, keys) -> Optional[Number]:
    total: Number = 0
    for k in keys:
        if values.get(k) is None:
            return None
        total += values[k]
    return total

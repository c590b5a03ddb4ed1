"""Cells run together: `行政规范性文件505`, `3000003` — page-text dumps that drop every separator.

A run of digits is split into the row's cells only when exactly one split is possible: each part a
number as printed (no leading zero but 0 itself), exactly the columns the row has, and the row's own
sums holding where it has them (the six applicant columns add up to 总计; 结果维持 + 结果纠正 +
其他结果 + 尚未审结 = 总计). Otherwise the row is flagged and left out.
"""
from __future__ import annotations

from itertools import combinations
from typing import Optional

from extract.tables.grid import GCell

_APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org")
_REVIEW_PARTS = ("upheld", "corrected", "other", "pending")
MAX_DIGITS = 40  # a longer run is not a row of a report's tables
MAX_SPLITS = 20_000  # candidate splits examined per row


def _parts(digits: str, k: int):
    """Every way to cut `digits` into k numbers without leading zeros."""
    n = len(digits)
    if k > n:
        return
    if k == 1:
        if digits == "0" or digits[0] != "0":
            yield (digits,)
        return
    for cuts in combinations(range(1, n), k - 1):
        bounds = (0,) + cuts + (n,)
        parts = tuple(digits[a:b] for a, b in zip(bounds, bounds[1:]))
        if all(p == "0" or p[0] != "0" for p in parts):
            yield parts


def _sums_hold(cols: list, values: list[str]) -> bool:
    got = {c: int(v) for c, v in zip(cols, values) if v.isdigit()}
    if all(c in got for c in _APPLICANTS + ("total",)):
        if sum(got[c] for c in _APPLICANTS) != got["total"]:
            return False
    for group in {c[0] for c in cols if isinstance(c, tuple)}:
        keys = [(group, c) for c in _REVIEW_PARTS + ("total",)]
        if all(k in got for k in keys) and sum(got[k] for k in keys[:4]) != got[keys[4]]:
            return False
    return True


def split(cells: list[GCell], cols: list) -> tuple[Optional[list[GCell]], str]:
    """The row's cells with fused digit runs split into len(cols) cells, or (None, why not)."""
    fused = [i for i, c in enumerate(cells) if c.fused and len(c.text) > 1]
    extra = len(cols) - len(cells)
    if not fused or extra <= 0:
        return None, "no run of digits to split"
    if any(not cells[i].text.isdigit() for i in fused):
        return None, "a sign between digits run together"
    if sum(len(cells[i].text) for i in fused) > MAX_DIGITS:
        return None, "too many digits run together"
    # How many cells each fused run stands for: every distribution of the extra cells.
    found: list[list[str]] = []
    tried = 0
    for shares in _distributions(extra, len(fused)):
        pieces = []
        ok = True
        for i, cell in enumerate(cells):
            if i in fused:
                k = 1 + shares[fused.index(i)]
                options = list(_parts(cell.text, k))
                if not options:
                    ok = False
                    break
                pieces.append(options)
            else:
                pieces.append([(cell.text,)])
        if not ok:
            continue
        for combo in _product(pieces):
            tried += 1
            if tried > MAX_SPLITS:
                return None, "too many ways to split"
            values = [v for part in combo for v in part]
            if _sums_hold(cols, values):
                found.append(values)
                if len(found) > 1:
                    return None, "more than one split fits"
    if not found:
        return None, "no split fits the row's own sums"
    values = found[0]
    line = cells[0].line
    return [GCell(v, explicit=True, line=line) for v in values], ""


def _distributions(total: int, slots: int):
    """Ways to give `total` extra cells to `slots` runs."""
    if slots == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _distributions(total - first, slots - 1):
            yield (first,) + rest


def _product(options: list[list[tuple]]):
    if not options:
        yield ()
        return
    for head in options[0]:
        for tail in _product(options[1:]):
            yield (head,) + tail

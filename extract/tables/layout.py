"""Which of the two national formats a table follows, decided by its own labels (never the year)."""
from __future__ import annotations

from typing import Optional

from extract.tables.grid import Row
from extract.tables.labels import core, layout_signal
from extract.values import kind


def detect_layout(rows: list[Row]) -> tuple[Optional[str], list[str]]:
    """(layout, warnings). Signals: header labels of 二 (本年新制作数量 vs 本年制发件数 …), a
    第二十条第（九）项 table, and （六）其他处理's three sub-rows (2021). A one-row （六）其他处理 is
    printed in both layouts: it decides for 2019 only when nothing else decides."""
    votes = {"2019": 0, "2021": 0}
    one_row_other = False
    for row in rows:
        cells = row.cells
        for i, cell in enumerate(cells):
            text = cell.text
            if kind(text) != "text":
                continue
            sig = layout_signal(text)
            if sig:
                votes[sig] += 1
            elif core(text) == "其他处理" and i + 1 < len(cells) and _is_value(cells[i + 1].text):
                one_row_other = True  # （六）其他处理 followed directly by its values
    if not votes["2019"] and not votes["2021"] and one_row_other:
        votes["2019"] = 1
    warnings: list[str] = []
    if votes["2019"] and votes["2021"]:
        warnings.append(f"layout signals conflict: 2019×{votes['2019']}, 2021×{votes['2021']}")
    if votes["2019"] == votes["2021"]:
        return None, warnings
    return ("2019" if votes["2019"] > votes["2021"] else "2021"), warnings


def _is_value(text: str) -> bool:
    return kind(text) != "text"

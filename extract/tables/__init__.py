"""The three statistical tables of an annual report → cells with the codes of reference/report-schema.md.

Entry points (inputs are already in simplified characters; the caller converts):
- extract_tables_from_text(text) -> TablesResult   flattened text (one cell per line, tabs, pipes,
                                                   cells run together, columns laid out by spaces)
- extract_tables_from_layout_text(text) -> TablesResult   text laid out in columns (pdftotext -layout)
- extract_tables_from_html(root) -> TablesResult   lxml.html element holding the report body
- extract_tables(root, text)     -> TablesResult   HTML tables when they hold the report, else the text

Both readers turn their input into rows of cells (grid.Row); layout.detect_layout decides the
format from the labels, place.place maps labels to codes and values to columns.
"""
from __future__ import annotations

from typing import Sequence

from extract.model import TablesResult
from extract.tables.grid import Row
from extract.tables.layout import detect_layout
from extract.tables.place import place


def _result(rows: list[Row], notes: Sequence[str] = ()) -> TablesResult:
    layout, warnings = detect_layout(rows)
    cells, more = place(rows, layout)
    if not cells and not more:
        return TablesResult(layout=None, cells=[], warnings=list(notes) + warnings)
    return TablesResult(layout=layout, cells=cells, warnings=list(notes) + warnings + more)


def extract_tables_from_text(text: str) -> TablesResult:
    """Flattened text in any of its shapes; text laid out in columns (pdftotext -layout) is read by
    character positions."""
    from extract.tables.layout_text import layout_rows, looks_like_layout
    from extract.tables.text_rows import table_region, text_rows

    region, notes = table_region(text or "")
    return _result(layout_rows(region) if looks_like_layout(region) else text_rows(region), notes)


def extract_tables_from_layout_text(text: str) -> TablesResult:
    """Text laid out in columns by spaces — `pdftotext -layout`, pdfplumber's layout text: the
    reader for PDF text layers."""
    from extract.tables.layout_text import layout_rows
    from extract.tables.text_rows import table_region

    region, notes = table_region(text or "")
    return _result(layout_rows(region), notes)


def extract_tables_from_html(root) -> TablesResult:
    from extract.tables.html_grid import html_rows

    if root is None:
        return TablesResult()
    return _result(*html_rows(root))


def extract_tables(root, text: str) -> TablesResult:
    result = extract_tables_from_html(root) if root is not None else TablesResult()
    if result.cells:
        return result
    return extract_tables_from_text(text)

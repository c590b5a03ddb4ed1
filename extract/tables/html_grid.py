"""HTML tables → rows of cells, rowspan/colspan expanded into a grid.

Every <table> is read in document order and their rows are concatenated, so a statistical table
split over several <table> elements (page breaks in Word) reads as one. A cell spanning several
columns counts once in its row; a cell spanning several rows is repeated below it as context
(labels) and flagged `merged` (a value there belongs to no single row).
"""
from __future__ import annotations

import re

from lxml import etree

from extract.html_text import text_content
from extract.tables.grid import GCell, Row

_BREAKS = frozenset({"br", "p", "div", "li", "tr"})
_SKIP = frozenset({"script", "style", "table"})  # a nested table is read as a table of its own
_MAX_SPAN = 60  # Word sometimes writes absurd spans; the national tables have 16 columns at most
# Bounds on what one page can cost (a report's tables have ~40 rows of ≤ 16 columns).
MAX_COLS = 64  # grid columns read per row
MAX_ROWS = 400  # rows read per table
MAX_CELLS = 40_000  # grid cells read per page, over all tables
MAX_TABLES = 300  # tables with rows looked at per page
# A table is read only when it holds a word of the statistical tables: a page's other tables
# (layout, listings, a 20 MB data dump) cost one C pass over their text.
_TABLE_WORDS = re.compile(
    "规章|规范性文件|行政许可|行政处罚|行政强制|收费|采购|信息内容|第二十条|申请|予以公开|部分公开|不予公开|无法提供|"
    "不予处理|其他处理|总计|结转|行政复议|行政诉讼|结果维持|尚未审结|自然人|法人|国家秘密|重复申请")


def _tag(el) -> str:
    # libxml2's HTML parser lowercases tag names and knows no namespaces: no normalising needed.
    tag = el.tag
    return tag if isinstance(tag, str) else ""


def cell_text(el) -> str:
    """The text of a cell: spans joined, <br>/<p> as line breaks, comments and nested tables skipped.

    Iterative, so that deeply nested Word markup cannot exhaust the recursion limit. Most cells
    hold text alone or in spans: their text is read in C."""
    if not len(el):
        return el.text or ""
    if next(el.iter(*_BREAKS, *_SKIP), None) is None:  # no break inside
        return text_content(el)
    parts: list[str] = [el.text or ""]
    stack = [(child, False) for child in reversed(el)]
    while stack:
        node, closing = stack.pop()
        tag = _tag(node)
        if closing:  # after the node's children: its closing break, then its tail
            if tag in _BREAKS:
                parts.append("\n")
            parts.append(node.tail or "")
            continue
        if not tag or tag in _SKIP:  # comment, processing instruction, nested table: tail only
            parts.append(node.tail or "")
            continue
        if tag in _BREAKS:
            parts.append("\n")
        parts.append(node.text or "")
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return "".join(parts)


def _unspaced(text: str) -> str:
    """The text without blanks, zero-width ones too (4x a regular expression's sub)."""
    return _clean(text).replace(" ", "")


def _clean(text: str) -> str:
    if "\u200b" in text or "\ufeff" in text:  # zero-width: no whitespace to str.split
        text = text.replace("\u200b", " ").replace("\ufeff", " ")
    return " ".join(text.split())


def _span(value: str | None) -> tuple[int, bool]:
    """(span, whether it was capped at _MAX_SPAN) of a rowspan/colspan value; anything unreadable is 1."""
    if not value:
        return 1, False
    try:
        n = int(value.strip() or 1)
    except ValueError:
        return 1, False
    return max(1, min(_MAX_SPAN, n)), n > _MAX_SPAN


def _own_rows(table, limit: int) -> list:
    """<tr> of this table (directly or in thead/tbody/tfoot), not of tables nested in it; at most `limit`."""
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if _tag(c) == "tr")
        if len(rows) >= limit:
            return rows[:limit]
    return rows


# The chosen tables' own rows and cells as text in one pass in C: per table a table mark, per row
# a row mark, per cell a cell mark, its rowspan and colspan, and its text read as cell_text reads
# it (breaks as spaces: cell text is folded anyway). The tables are the ones html_rows marked with
# the attribute _CHOSEN for the pass (one pass, not one a table: a pass has a fixed cost of a
# fifth of a table's). The marks are noncharacters; a page whose tables' text holds one is read
# element by element instead.
_TABLE, _ROW, _CELL, _SEP = "\ufdd6", "\ufdd3", "\ufdd4", "\ufdd5"
_MARKS = (_TABLE, _ROW, _CELL, _SEP)
_CHOSEN = "govarchive-grid"
_GRID = etree.XSLT(etree.XML(b"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="utf-8"/>
<xsl:variable name="marks" select="'&#xFDD3;&#xFDD4;&#xFDD5;&#xFDD6;'"/>
<xsl:template match="/">
<xsl:for-each select="descendant::table[@govarchive-grid]"><xsl:text>&#xFDD6;</xsl:text>
<xsl:for-each select="tr|thead/tr|tbody/tr|tfoot/tr"><xsl:text>&#xFDD3;</xsl:text>
<xsl:for-each select="td|th"><xsl:text>&#xFDD4;</xsl:text>
<xsl:if test="@rowspan"><xsl:value-of select="translate(@rowspan, $marks, '')"/></xsl:if><xsl:text>&#xFDD5;</xsl:text>
<xsl:if test="@colspan"><xsl:value-of select="translate(@colspan, $marks, '')"/></xsl:if><xsl:text>&#xFDD5;</xsl:text>
<xsl:apply-templates mode="cell"/>
</xsl:for-each></xsl:for-each></xsl:for-each>
</xsl:template>
<xsl:template match="script|style|table" mode="cell"/>
<xsl:template match="br|p|div|li|tr" mode="cell"><xsl:text> </xsl:text><xsl:apply-templates mode="cell"/><xsl:text> </xsl:text></xsl:template>
</xsl:stylesheet>"""))


_ONE = frozenset(("", "1", None))  # a span of one cell, as rowspan/colspan are mostly written (or not)


def _cells_by_xslt(root, tables: list, limit: int) -> list | None:
    """Each of `tables` (under `root`, in document order) as its first `limit` own rows of
    (rowspan, colspan, text) per cell; None when the pass cannot tell them apart (a table already
    carries the attribute, or a mark is in the output)."""
    if any(table.get(_CHOSEN) is not None for table in tables):
        return None
    for table in tables:
        table.set(_CHOSEN, "")
    try:
        raw = str(_GRID(root))
    except etree.XSLTApplyError:
        return None
    finally:
        for table in tables:
            del table.attrib[_CHOSEN]
    segments = raw.split(_TABLE)[1:]
    if len(segments) != len(tables):
        return None
    out = []
    for segment in segments:
        rows = []
        for row in segment.split(_ROW)[1:limit + 1]:
            cells = []
            for cell in row.split(_CELL)[1:]:
                parts = cell.split(_SEP, 2)
                if len(parts) != 3:
                    return None
                cells.append(parts)
            rows.append(cells)
        out.append(rows)
    return out


def _cells_by_elements(table, limit: int) -> list:
    return [[(td.get("rowspan"), td.get("colspan"), cell_text(td)) for td in tr if td.tag in ("td", "th")]
            for tr in _own_rows(table, limit)]


def table_rows(table, index: int, budget: list[int], warnings: list[str], trs: list | None = None) -> list[Row]:
    """One <table> as rows of GCell, spans expanded; `budget` holds the grid cells still allowed.
    `trs`: its rows as (rowspan, colspan, text) per cell, when the caller has read them."""
    if trs is None:
        trs = _cells_by_elements(table, MAX_ROWS + 1)
    pending: dict[int, dict[int, tuple[int, GCell]]] = {}  # row → col → (origin id, cell) from rowspans
    out: list[Row] = []
    widths: list[int] = []  # grid columns each row fills
    origin = 0
    if len(trs) > MAX_ROWS:
        warnings.append(f"table {index} has more than {MAX_ROWS} rows: only the first {MAX_ROWS} read")
        trs = trs[:MAX_ROWS]
    wide = capped = False
    n_rows = len(trs)
    for r, tr in enumerate(trs):
        above = pending.pop(r, None)
        if not above and len(tr) <= MAX_COLS and all(rs in _ONE and cs in _ONE for rs, cs, _ in tr):
            # The common row: no spans from above, none of its own (Python's per-cell work halved)
            budget[0] -= len(tr)
            if budget[0] < 0:
                warnings.append(f"more than {MAX_CELLS:,} table cells on the page: tables read up to table {index} "
                                f"row {r + 1}")
                break
            if tr:
                out.append(Row([GCell(_clean(raw), True, False, r + 1, c, 1, False, origin + c + 1)
                                for c, (_, _, raw) in enumerate(tr)], f"table {index} row {r + 1}"))
                widths.append(len(tr))
                origin += len(tr)
            continue
        above = above or {}
        # Cells as the row shows them: one per <td>, however many grid columns it spans, and one
        # per rowspan from above (a copy spanning several columns sits in each of them: once).
        cells: list[GCell] = []
        last = None  # origin of the cell appended last
        width = 0  # grid columns the row fills
        col = 0
        for rowspan, colspan, raw in tr:
            while col in above:
                oid, copy = above.pop(col)
                if oid != last:
                    cells.append(copy)
                    last = oid
                col += 1
                width += 1
            if rowspan in _ONE and colspan in _ONE:
                rs = cs = 1
            else:
                (rs, rs_capped), (cs, cs_capped) = _span(rowspan), _span(colspan)
                if (rs_capped or cs_capped) and not capped:
                    capped = True
                    warnings.append(f"table {index} row {r + 1}: a span of more than {_MAX_SPAN} cells read as "
                                    f"{_MAX_SPAN}")
                rs, cs = min(rs, n_rows - r), min(cs, MAX_COLS - col)
            if col >= MAX_COLS:
                wide = True
                break
            origin += 1
            cell = GCell(_clean(raw), True, rs > 1, r + 1, col, cs, False, origin)
            if rs > 1:
                below = GCell(cell.text, True, True, r + 1, col, cs, True, origin)
                for dr in range(1, rs):
                    row_below = pending.setdefault(r + dr, {})
                    for dc in range(cs):
                        row_below[col + dc] = (origin, below)
            cells.append(cell)
            last = origin
            col += cs
            width += cs
        # Rowspans from above to the right of the row's own cells still hold their columns.
        for c in sorted(above):
            oid, copy = above[c]
            if oid != last:
                cells.append(copy)
                last = oid
            width += 1
        budget[0] -= width
        if budget[0] < 0:
            warnings.append(f"more than {MAX_CELLS:,} table cells on the page: tables read up to table {index} row {r + 1}")
            break
        if cells:
            out.append(Row(cells, f"table {index} row {r + 1}"))
            widths.append(width)
    if wide:
        warnings.append(f"table {index} is wider than {MAX_COLS} columns: the columns past it are not read")
    width = max(widths, default=0)
    for row, w in zip(out, widths):
        row.short = w < width
    return out


def html_rows(root) -> tuple[list[Row], list[str]]:
    """Rows of every table under `root` that holds a word of the statistical tables, and warnings."""
    rows: list[Row] = []
    warnings: list[str] = []
    budget = [MAX_CELLS]
    chosen: list = []  # (index, table) of the tables read
    marked = False  # a chosen table's text holds one of the pass's marks
    looked = 0
    too_many = None  # the table past MAX_TABLES
    for i, table in enumerate(root.iter("table"), 1):  # root first when it is a table
        if not _own_rows(table, 1):  # a wrapper around other tables
            continue
        looked += 1
        if looked > MAX_TABLES:
            too_many = i
            break
        text = text_content(table)
        if _TABLE_WORDS.search(_unspaced(text)):
            chosen.append((i, table))
            marked = marked or any(m in text for m in _MARKS)
    read = None if marked or not chosen else _cells_by_xslt(root, [t for _, t in chosen], MAX_ROWS + 1)
    for n, (i, table) in enumerate(chosen):
        if budget[0] < 0:
            too_many = None  # the cell bound ended the reading first (and said so)
            break
        rows.extend(table_rows(table, i, budget, warnings, read[n] if read is not None else None))
    if too_many is not None and budget[0] >= 0:
        warnings.append(f"more than {MAX_TABLES} tables on the page: tables after table {too_many - 1} not read")
    return rows, warnings

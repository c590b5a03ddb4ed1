"""The one shape every reader returns, and the tree it is built into.

Readers that see geometry (PDF, OFD, OCR) hand over pages of blocks — paragraph lines and tables of
positioned cells (`extract.readers.ruled`); `build_root` writes them as <p> and <table> elements.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from lxml import etree

from extract.readers.ruled import Table, grid_spans

Block = Union[str, Table]


@dataclass
class Document:
    kind: str  # pdf | docx | doc | wps | ofd | image | scan
    root: etree._Element  # <html><body> with <p> and <table rowspan/colspan>
    text: str  # plain text in reading order: title, year, agency and prose are read from it
    table_text: str = ""  # layout text of pages without a ruled table, for the text-shape reader
    warnings: list[str] = field(default_factory=list)
    ocr: bool = False  # table cells carry data-confidence
    error: str | None = None  # why nothing could be read (the file is broken, a tool is missing)


def failed(kind: str, error: str) -> Document:
    return Document(kind=kind, root=build_root([]), text="", warnings=[error], error=error)


def build_root(blocks: list[Block]) -> etree._Element:
    html = etree.Element("html")
    body = etree.SubElement(html, "body")
    for block in blocks:
        if isinstance(block, Table):
            body.append(table_element(block))
        elif block.strip():
            etree.SubElement(body, "p").text = block
    return html


def table_element(table: Table) -> etree._Element:
    """<table> with one <tr> per grid row and each cell at its origin, spans as the geometry says."""
    el = etree.Element("table", border="1")
    placed = grid_spans(table)
    rows = max((r + rs for r, _c, rs, _cs, _cell in placed), default=0)
    trs = [etree.SubElement(el, "tr") for _ in range(rows)]
    for r, _c, rs, cs, cell in sorted(placed, key=lambda p: (p[0], p[1])):
        td = etree.SubElement(trs[r], "td")
        if rs > 1:
            td.set("rowspan", str(rs))
        if cs > 1:
            td.set("colspan", str(cs))
        if cell.confidence is not None:
            td.set("data-confidence", f"{cell.confidence:.3f}")
        lines = cell.text.split("\n")
        td.text = lines[0]
        for line in lines[1:]:  # line breaks inside a cell as <br>, as Word's HTML has them
            etree.SubElement(td, "br").tail = line
    return el


def text_of(blocks: list[Block]) -> str:
    """Plain text in reading order, table cells separated by tabs as html_text writes them."""
    out = []
    for block in blocks:
        if isinstance(block, Table):
            for row in table_rows_text(block):
                out.append("\t".join(row))
        else:
            out.append(block)
    return "\n".join(line for line in out if line.strip())


def table_rows_text(table: Table) -> list[list[str]]:
    rows: dict[int, list[tuple[int, str]]] = {}
    for r, c, _rs, _cs, cell in grid_spans(table):
        rows.setdefault(r, []).append((c, cell.text.replace("\n", "")))
    return [[t for _c, t in sorted(cells)] for _r, cells in sorted(rows.items())]

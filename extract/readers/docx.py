"""DOCX → Document: paragraphs and tables read from the package's XML.

python-docx opens the package (and refuses what is not a Word document); the cells are read from
the XML because `row.cells` repeats a merged cell in every grid column it covers. Word writes a
horizontal merge as `w:gridSpan`, a vertical one as `w:vMerge` ("restart" then empty continuations
below), and cells missing at a row's start as `w:trPr/w:gridBefore`.
"""
from __future__ import annotations

import io
import zipfile

from lxml import etree

from extract.readers.shape import Document, failed

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_w = "{%s}" % W


def read_docx(body: bytes, kind: str = "docx") -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(body))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        return failed(kind, f"not a readable Word (DOCX) document ({type(exc).__name__}: {str(exc)[:120]})")
    html = etree.Element("html")
    out = etree.SubElement(html, "body")
    lines: list[str] = []
    for el in _blocks(document.element.body):
        if el.tag == _w + "p":
            text = _text(el)
            if text.strip():
                etree.SubElement(out, "p").text = text
                lines.append(text)
        else:
            table, rows = _table(el)
            out.append(table)
            lines.extend("\t".join(r) for r in rows)
    return Document(kind=kind, root=html, text="\n".join(lines))


def _blocks(parent):
    """Body paragraphs and tables in order, through content controls (w:sdt) and custom XML."""
    for el in parent:
        if el.tag in (_w + "p", _w + "tbl"):
            yield el
        elif el.tag in (_w + "sdt", _w + "customXml"):
            yield from _blocks(el.find(_w + "sdtContent") if el.tag == _w + "sdt" else el)


def _text(el) -> str:
    """A paragraph's or cell's text: runs' text, tabs and breaks; deleted text and the fallback
    copy of alternate content (which repeats the choice) left out."""
    parts = []
    for node in el.iter(_w + "t", _w + "tab", _w + "br", _w + "cr", _w + "p"):
        if any(a.tag == "{%s}Fallback" % MC for a in node.iterancestors()):
            continue
        if node.tag == _w + "t":
            parts.append(node.text or "")
        elif node.tag == _w + "tab":
            parts.append("\t")
        elif node.tag == _w + "p":
            if parts and node is not el:
                parts.append("\n")
        else:
            parts.append("\n")
    return "".join(parts).strip("\n")


def _val(el, path: str, default=None):
    found = el.find(path)
    if found is None:
        return default
    return found.get(_w + "val", "")


def _table(tbl) -> tuple[etree._Element, list[list[str]]]:
    """A w:tbl → <table>: grid columns tracked so that vMerge continuations extend the cell above."""
    rows = []  # per row: [(grid col, span, text, vmerge)] where vmerge is None | "restart" | "continue"
    for tr in tbl.iter(_w + "tr"):
        if next(tr.iterancestors(_w + "tbl")) is not tbl:
            continue  # a row of a table nested in a cell
        col = int(_val(tr, f"{_w}trPr/{_w}gridBefore", "0") or 0)
        cells = [(0, col, "", None)] if col else []
        for tc in tr.findall(_w + "tc"):
            span = int(_val(tc, f"{_w}tcPr/{_w}gridSpan", "1") or 1)
            vm = _val(tc, f"{_w}tcPr/{_w}vMerge")
            vmerge = None if vm is None else ("restart" if vm == "restart" else "continue")
            cells.append((col, span, _text(tc), vmerge))
            col += span
        rows.append(cells)
    table = etree.Element("table", border="1")
    texts = []
    for r, cells in enumerate(rows):
        tr_el = etree.SubElement(table, "tr")
        row_texts = []
        for col, span, text, vmerge in cells:
            if vmerge == "continue":
                continue  # covered by the rowspan of the cell above
            td = etree.SubElement(tr_el, "td")
            if span > 1:
                td.set("colspan", str(span))
            if vmerge == "restart":
                below = 1
                while r + below < len(rows) and any(
                        c == col and v == "continue" for c, _s, _t, v in rows[r + below]):
                    below += 1
                if below > 1:
                    td.set("rowspan", str(below))
            lines = text.split("\n")
            td.text = lines[0]
            for line in lines[1:]:
                etree.SubElement(td, "br").tail = line
            row_texts.append(text.replace("\n", ""))
        texts.append(row_texts)
    return table, texts

"""A stored document (PDF, DOCX, DOC, WPS, OFD, PNG/JPEG, or several page images) → Extraction.

The format is sniffed from the bytes; a reader (extract.readers) turns the document into the
shape the HTML path reads — paragraphs and <table> grids — and from there it goes through the same
steps as a web page (extract.page.extract_read): metadata, identity, tables placed by header and
label, checks. HTML and plain text go to extract.page.extract_page.

OCR'd cells carry a confidence. A cell read with less than CONFIDENCE is left out and named in a
warning; a table whose checks fail after OCR is flagged as possibly misread.
"""
from __future__ import annotations

import copy
import io
import re
import zipfile

from extract import html_text
from extract.chinese import is_traditional, to_simplified
from extract.model import Cell, TablesResult
from extract.page import Extraction, extract_page, extract_read
from extract.readers import Document
from extract.tables import extract_tables
from extract.tables.html_grid import cell_text
from extract.values import clean, kind

CONFIDENCE = 0.9  # the lowest OCR score a table value is trusted with

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WPS_TYPES = ("wps", "kswps", "ms-works")
DOCUMENT_KINDS = ("pdf", "docx", "doc", "wps", "ofd", "image")


def sniff(body: bytes, content_type: str | None = None, filename: str | None = None) -> str:
    """pdf | docx | ofd | doc | wps | image | zip (neither DOCX nor OFD) | damaged-zip | binary | page (HTML, text)."""
    head = body[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if body.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
        except (zipfile.BadZipFile, ValueError):
            return "damaged-zip"
        if "word/document.xml" in names:
            return "docx"
        if "OFD.xml" in names or any(n.lower() == "ofd.xml" for n in names):
            return "ofd"
        return "zip"
    if body.startswith(_OLE2):
        hints = f"{content_type or ''} {filename or ''}".lower()
        return "wps" if any(h in hints for h in _WPS_TYPES) else "doc"
    if body.startswith(b"\x89PNG\r\n\x1a\n") or body.startswith(b"\xff\xd8\xff"):
        return "image"
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return "binary"  # text in any encoding this extractor decodes has no NUL byte (UTF-16 has a BOM)
    return "page"


def extract_document(body: bytes, content_type: str | None = None, filename: str | None = None,
                     pages: list[bytes] | None = None, site_name: str | None = None) -> Extraction:
    """Everything the archive keeps about one document; `pages` = one report printed as several
    images, in order (then `body` is ignored); `site_name` as for extract_page. Never raises for a
    bad file: the warnings say why."""
    from extract.readers.docx import read_docx
    from extract.readers.ocr import read_images
    from extract.readers.office import read_legacy
    from extract.readers.ofd import read_ofd
    from extract.readers.pdf import read_pdf

    if pages:
        return from_document(_safely("image", read_images, pages), site_name)
    fmt = sniff(body, content_type, filename)
    if fmt == "page":
        return extract_page(body, content_type, site_name)
    if fmt == "zip":
        return _unreadable("binary", "a ZIP archive that is neither a Word (DOCX) nor an OFD document")
    if fmt == "damaged-zip":
        return _unreadable("binary", "a damaged ZIP archive (a DOCX or OFD file cut short?): nothing read")
    if fmt == "binary":
        return _unreadable("binary", "binary data in no format this extractor reads "
                                     "(PDF, DOCX, DOC, WPS, OFD, PNG, JPEG, HTML, text)")
    reader = {"pdf": read_pdf, "docx": read_docx, "ofd": read_ofd, "image": lambda b: read_images([b]),
              "doc": lambda b: read_legacy(b, "doc"), "wps": lambda b: read_legacy(b, "wps")}[fmt]
    return from_document(_safely(fmt, reader, body), site_name)


def _safely(kind_: str, reader, arg) -> Document:
    """The reader's Document; a reader that raises on a malformed file gives an error instead."""
    from extract.readers.shape import failed

    try:
        return reader(arg)
    except Exception as exc:  # noqa: BLE001 — a broken file must never take the caller down
        return failed(kind_, f"{kind_.upper()} not readable ({type(exc).__name__}: {str(exc)[:160]})")


def _unreadable(kind_: str, why: str) -> Extraction:
    return Extraction(encoding="", is_html=False, html=None, text="", title=None, metadata={}, is_report=False,
                      warnings=[why], source_kind=kind_)


def from_document(doc: Document, site_name: str | None = None) -> Extraction:
    if doc.error:
        return _unreadable(doc.kind, doc.error)
    text = doc.text
    if is_traditional(text):
        html_text.to_simplified_tree(doc.root)  # labels are matched in simplified characters
        text = to_simplified(text)
    body = doc.root.find("body")
    result = extract_read(None, body, text, text, None, encoding="", html=None, source_kind=doc.kind,
                          table_text=doc.table_text, read_tables=ocr_tables if doc.ocr else extract_tables,
                          site_name=site_name)
    result.warnings = list(doc.warnings) + result.warnings
    if doc.ocr:
        _flag_misread(result)
    return result


# ------------------------------------------------------------------------------ OCR confidences
_TAG = "(⟦{}⟧)"  # a note after a number: kept out of the value by the value rules, it survives into raw
_TAGGED = re.compile(r"\(⟦\d+⟧\)$")


def ocr_tables(root, text: str) -> TablesResult:
    """extract_tables on an OCR'd tree, each cell knowing the confidence it was read with.

    Placement does not say which <td> a cell came from, so every value cell OCR read gets a tag in
    a note after its number ("185" → "185(⟦17⟧)"), which the value rules keep in raw only; the tag
    names the <td> afterwards. Cells with ink but no text read become a tagged 0, so that they
    still count as cells of their row, and are then left out.
    """
    tagged = copy.deepcopy(root)
    read: dict[str, tuple[str, float]] = {}  # tag → (text as read, confidence)
    for n, td in enumerate(tagged.iter("td")):
        conf = td.get("data-confidence")
        if conf is None:
            continue
        conf = float(conf)
        original = clean(re.sub(r"\s+", "", cell_text(td)))
        if original == "" and conf >= CONFIDENCE:
            continue  # no ink at all: a blank as printed
        if kind(original) == "text":
            continue  # a label: read as text, matched by the placer (a misread label matches no row)
        tag = _TAG.format(n)
        read[tag] = (original, conf)
        attrs = dict(td.attrib)
        td.clear()
        td.attrib.update(attrs)
        td.text = (original if kind(original) == "number" else "0") + tag
    result = extract_tables(tagged, text)
    cells, warnings = [], []
    for cell in result.cells:
        found = _TAGGED.search(cell.raw)
        tag = found.group(0) if found else None
        if tag is None:
            cells.append(Cell(cell.table, cell.row, cell.col, cell.value, cell.raw, 1.0))
            continue
        original, conf = read[tag]
        if conf < CONFIDENCE:
            what = f"read {original!r}" if original else "ink but no text read"
            warnings.append(f"{cell.code}: OCR {what} with confidence {conf:.3f} < {CONFIDENCE}; cell left out")
            continue
        value = None if kind(original) == "blank" else cell.value
        cells.append(Cell(cell.table, cell.row, cell.col, value, original, round(conf, 3)))
    for w in result.warnings:
        for tag, (original, _conf) in read.items():
            w = w.replace(("" if kind(original) == "number" else "0") + tag, original)
        warnings.append(w)
    return TablesResult(layout=result.layout, cells=cells, warnings=warnings)


def _flag_misread(result: Extraction) -> None:
    """Failed checks of an OCR'd table may be OCR's doing: said so, naming the least sure cells."""
    failed_tables = sorted({c.table for c in result.checks if c.status == "failed"})
    for table in failed_tables:
        rules = sorted({c.rule for c in result.checks if c.status == "failed" and c.table == table})
        weakest = sorted((c for c in result.cells if c.table == table and c.confidence is not None),
                         key=lambda c: c.confidence)[:3]
        names = ", ".join(f"{c.code}={c.raw!r} ({c.confidence:.2f})" for c in weakest)
        result.warnings.append(f"{table}: checks {', '.join(rules)} fail after OCR: the table may be misread "
                               f"(least sure cells: {names})")

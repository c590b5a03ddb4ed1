"""Each seed report as agencies publish it besides the web page: a Word file (real Word tables,
merged cells as Word writes them), the PDF LibreOffice exports from it, a DOC, image-only pages
（图片版）rendered from the PDF, and a scanned PDF (pages printed and scanned back: slightly
rotated, blurred, noisy). An OFD built from the PDF's geometry stands for the OFD exports.

    rendition(seed_id, kind) -> bytes          kind: docx | pdf | doc | scan | ofd
    rendition_pages(seed_id) -> list[bytes]    the image-only report: one PNG per page

The text and tables come from the same source as the demo web pages (demo_portal.reports). Files
that need LibreOffice or rendering are cached on disk, keyed by a hash of their inputs
($GOVARCHIVE_DEMO_CACHE, else ~/.cache/govarchive-demo), so a machine makes them once.
"""
from __future__ import annotations

import hashlib
import io
import os
import random
import threading
import zipfile
from functools import lru_cache
from pathlib import Path

from lxml import etree, html as lhtml

from demo_portal.reports import report_body

# Per seed: how its web page renders the tables (demo_portal/sites.py) — the same here.
SEEDS = {
    "000": {"layout": "2019"},
    "001": {"layout": "2019"},
    "002": {"layout": "2019", "traditional": True},
    "003": {"layout": "2021", "labels": {"本年制发件数": "本年新发件数"}},
    "004": {"layout": "2019"},
}
KINDS = ("docx", "pdf", "doc", "scan", "ofd")
_PAGE_SCALE = 2.0  # image-only pages at 144 dpi (1190 × 1684 px for A4), as portals post them
_SCAN_DPI = 200


def cache_dir() -> Path:
    return Path(os.environ.get("GOVARCHIVE_DEMO_CACHE") or Path.home() / ".cache" / "govarchive-demo")


def _tools() -> bytes:
    """The tools that make the files, so that an upgrade makes them anew."""
    import shutil
    from importlib.metadata import version

    exe = shutil.which("soffice") or ""
    stamp = f"{os.path.realpath(exe)}:{os.stat(exe).st_mtime_ns}" if exe else "no-soffice"
    return f"{stamp} pypdfium2 {version('pypdfium2')}".encode()


def _cached(key_parts: list[bytes], suffix: str, make) -> bytes:
    key = hashlib.sha256(b"\0".join(key_parts + [_tools()])).hexdigest()[:32]
    path = cache_dir() / f"{key}.{suffix}"
    if path.exists():
        return path.read_bytes()
    data = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)  # atomic: parallel test workers never read half a file
    return data


def rendition(seed_id: str, kind: str) -> bytes:
    if kind == "docx":
        return docx_bytes(seed_id)
    if kind == "pdf":
        return pdf_bytes(seed_id)
    if kind == "doc":
        return doc_bytes(seed_id)
    if kind == "scan":
        return scan_bytes(seed_id)
    if kind == "ofd":
        return ofd_bytes(seed_id)
    raise ValueError(f"unknown rendition {kind!r}; one of {', '.join(KINDS)}")


# ------------------------------------------------------------------------------------------ DOCX
def body_html(seed_id: str) -> str:
    """The report as its web page has it: the whole seed text (title and metadata lines included)
    around the generated tables."""
    opts = SEEDS[seed_id]
    convert = _traditional if opts.get("traditional") else (lambda h: h)
    return report_body(seed_id, opts["layout"], style="plain", labels=opts.get("labels"), convert=convert)


def _traditional(text: str) -> str:
    from demo_portal.sites import _traditional as to_traditional

    return to_traditional(text)


@lru_cache(maxsize=16)
def docx_bytes(seed_id: str) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.5)
    style = document.styles["Normal"]
    style.font.size = Pt(11)
    style.font.name = "Times New Roman"  # creates w:rFonts, which then takes the Chinese font too
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    root = lhtml.fromstring(f"<div>{body_html(seed_id)}</div>")
    width = section.page_width - section.left_margin - section.right_margin
    for el in root:
        if el.tag == "table":
            _word_table(document, el, width)
            document.add_paragraph()
        else:
            text = el.text_content().strip()
            if not text:
                continue
            par = document.add_paragraph()
            run = par.add_run(text)
            run.bold = el.find(".//strong") is not None
            if el.find(".//strong") is None and len(text) > 40:
                par.paragraph_format.first_line_indent = Pt(22)
            elif _is_title(text):
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run.bold, run.font.size = True, Pt(16)
    out = io.BytesIO()
    document.save(out)
    return rewrite_docx(out.getvalue())


def _is_title(text: str) -> bool:
    return len(text) <= 40 and ("年度报告" in text or "年度報告" in text or text.endswith("年"))


def _grid(table) -> tuple[list[tuple[int, int, int, int, str]], int, int]:
    """(row, col, rowspan, colspan, text) of every HTML cell, and the grid's size."""
    taken: set[tuple[int, int]] = set()
    cells = []
    for r, tr in enumerate(table.iter("tr")):
        c = 0
        for td in tr:
            while (r, c) in taken:
                c += 1
            rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            cells.append((r, c, rs, cs, td.text_content().strip()))
            taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
            c += cs
    rows = max(r + rs for r, _c, rs, _cs, _t in cells)
    cols = max(c + cs for _r, c, _rs, cs, _t in cells)
    return cells, rows, cols


def _word_table(document, table_el, width) -> None:
    """A Word table: python-docx's merge() writes gridSpan and vMerge as Word does."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    cells, rows, cols = _grid(table_el)
    table = document.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    weights = [2] * cols  # columns as wide as their longest one-column text needs (up to 12 characters)
    for _r, c, _rs, cs, text in cells:
        if cs == 1:
            weights[c] = max(weights[c], min(len(text), 12) + 2)
    total = sum(weights)
    grid = [list(row.cells) for row in table.rows]  # fetched once: table.cell() walks the whole table
    for c, col in enumerate(table.columns):
        col.width = int(width * weights[c] / total)
        for row in grid:
            row[c].width = col.width
    for r, c, rs, cs, text in cells:
        cell = grid[r][c]
        if rs > 1 or cs > 1:  # disjoint rectangles: the other cells fetched above stay valid
            cell = cell.merge(grid[r + rs - 1][c + cs - 1])
        par = cell.paragraphs[0]
        run = par.add_run(text)
        run.font.size = Pt(10.5)
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER


def rewrite_docx(docx: bytes, edit_document=None) -> bytes:
    """The DOCX with fixed zip times and core properties (the same bytes every build, so derived
    files cache), its word/document.xml tree first passed to `edit_document` when given (mutations)."""
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            edit = {"docProps/core.xml": _fixed_core, "word/document.xml": edit_document}.get(info.filename)
            if edit is not None:
                tree = etree.fromstring(data)
                edit(tree)
                data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2021, 1, 18, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)
    return out.getvalue()


def _fixed_core(tree) -> None:
    for el in tree:
        if el.tag.endswith("}created") or el.tag.endswith("}modified"):
            el.text = "2021-01-18T00:00:00Z"


# ------------------------------------------------------------------------------- LibreOffice exports
def pdf_bytes(seed_id: str) -> bytes:
    """The PDF LibreOffice exports from the DOCX, as agencies' Word exports are made."""
    from extract.readers.office import convert

    source = docx_bytes(seed_id)
    return _cached([b"pdf", source], "pdf", lambda: convert(source, "docx", "pdf"))


def doc_bytes(seed_id: str) -> bytes:
    from extract.readers.office import convert

    source = docx_bytes(seed_id)
    return _cached([b"doc", source], "doc", lambda: convert(source, "docx", "doc:MS Word 97"))


# ------------------------------------------------------------------------------------------ images
def rendition_pages(seed_id: str) -> list[bytes]:
    """The image-only （图片版） report: each page of the PDF as a PNG."""
    source = pdf_bytes(seed_id)
    blob = _cached([b"png-pages", source, str(_PAGE_SCALE).encode()], "pages.zip", lambda: _png_pages(source))
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return [z.read(name) for name in sorted(z.namelist())]


def _png_pages(pdf: bytes) -> bytes:
    import pypdfium2 as pdfium

    out = io.BytesIO()
    doc = pdfium.PdfDocument(pdf)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for n in range(len(doc)):
            buf = io.BytesIO()
            doc[n].render(scale=_PAGE_SCALE).to_pil().save(buf, "PNG", optimize=True)
            z.writestr(f"page-{n + 1:03d}.png", buf.getvalue())
    doc.close()
    return out.getvalue()


def scan_bytes(seed_id: str) -> bytes:
    """A scanned PDF: images only, each page rotated 0.5–1° either way, blurred, with sensor noise."""
    source = pdf_bytes(seed_id)
    return _cached([b"scan", source, str(_SCAN_DPI).encode()], "scan.pdf", lambda: _scan(source, seed_id))


def _scan(pdf: bytes, seed_id: str) -> bytes:
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    rng = random.Random(f"scan-{seed_id}")  # the same scan every build
    noise = np.random.default_rng(int(seed_id) + 1 if seed_id.isdigit() else 7)
    doc = pdfium.PdfDocument(pdf)
    pages = []
    for n in range(len(doc)):
        img = doc[n].render(scale=_SCAN_DPI / 72, grayscale=True).to_pil().convert("L")
        angle = rng.uniform(0.5, 1.0) * rng.choice((-1, 1))
        img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
        img = img.filter(ImageFilter.GaussianBlur(0.8))
        arr = np.asarray(img, dtype=np.float32) + noise.normal(0, 10, (img.height, img.width))
        arr = np.clip(arr * 0.92 + 12, 0, 255).astype(np.uint8)  # paper is never quite white
        pages.append(Image.fromarray(arr))
    doc.close()
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=_SCAN_DPI, quality=85)
    return out.getvalue()


# --------------------------------------------------------------------------------------------- OFD
def ofd_bytes(seed_id: str) -> bytes:
    from demo_portal.ofd_writer import ofd_from_pdf

    source = pdf_bytes(seed_id)
    return _cached([b"ofd", source, (Path(__file__).parent / "ofd_writer.py").read_bytes()], "ofd",
                   lambda: ofd_from_pdf(source))

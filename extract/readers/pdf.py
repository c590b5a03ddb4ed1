"""PDF → Document. Pages with a text layer are read by pdfplumber: ruled tables from its table
finder (merged cells from the cells' bounding boxes), the other text as lines. Pages with no text
(scans, image-only exports) are rendered with pypdfium2 and OCR'd."""
from __future__ import annotations

import io

from extract.readers.ruled import Cell, Item, Table, join_pages, n_columns, page_blocks
from extract.readers.shape import Document, build_root, failed, text_of

_TOL = 3.0  # points: pdfplumber's cell edges of one ruling differ by a point or two across a page
_MIN_CHARS = 10  # fewer characters than this on a page: no text layer to speak of
_RENDER_SCALE = 2.5  # 180 dpi: the OCR models read 10.5 pt table digits reliably from here


def read_pdf(body: bytes) -> Document:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(body))
        pages = list(pdf.pages)
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        return failed("pdf", f"not a readable PDF ({_reason(exc)})")
    with pdf:
        blocks_by_page: list[list] = []
        layout_texts: list[str] = []
        scanned: list[int] = []
        warnings: list[str] = []
        for n, page in enumerate(pages):
            try:
                if len(page.chars) < _MIN_CHARS:
                    scanned.append(n)
                    blocks_by_page.append([])
                    continue
                blocks, layout = _text_page(page.dedupe_chars(), n)
            except Exception as exc:  # pdfminer raises many kinds on damaged content streams
                warnings.append(f"page {n + 1}: not readable ({_reason(exc)})")
                blocks_by_page.append([])
                continue
            blocks_by_page.append(blocks)
            if layout:
                layout_texts.append(layout)
    if not pages:
        return failed("pdf", "the PDF has no pages")
    ocr = False
    if scanned:
        result = _ocr_pages(body, scanned)
        if result.error and len(scanned) == len(pages):
            return failed("scan", result.error)
        if result.error:
            warnings.append(f"pages {', '.join(str(n + 1) for n in scanned)} have no text layer and were not read: "
                            f"{result.error}")
        else:
            for n, blocks in zip(scanned, result.pages):
                blocks_by_page[n] = blocks
            warnings += result.warnings
            ocr = True
    blocks = join_pages(blocks_by_page)
    kind = "scan" if len(scanned) == len(pages) else "pdf"
    return Document(kind=kind, root=build_root(blocks), text=text_of(blocks), table_text="\n".join(layout_texts),
                    warnings=warnings, ocr=ocr)


def _text_page(page, n: int) -> tuple[list, str]:
    """(blocks, layout text): the layout text only when the page has no ruled table (its tables, if
    any, are drawn with spaces, and the text-shape reader reads them)."""
    tables = []
    for found in page.find_tables():
        cells = []
        for row, texts in zip(found.rows, found.extract()):
            for bbox, text in zip(row.cells, texts):
                if bbox is not None:
                    x0, top, x1, bottom = bbox
                    cells.append(Cell(x0, top, x1, bottom, (text or "").strip()))
        if cells:
            tables.append(Table(cells, _TOL, n))
    boxes = [(t.left, t.top, t.right, t.bottom) for t in tables if n_columns(t) >= 2]
    outside = page.filter(lambda obj: not any(_within(obj, b) for b in boxes)) if boxes else page
    items = [Item(line["x0"], line["top"], line["x1"], line["bottom"], line["text"])
             for line in outside.extract_text_lines(strip=True)]
    blocks = page_blocks(tables, items)
    layout = "" if any(isinstance(b, Table) for b in blocks) else page.extract_text(layout=True)
    return blocks, layout


def _within(obj, box) -> bool:
    if "x0" not in obj or "top" not in obj:
        return False
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _ocr_pages(body: bytes, numbers: list[int]):
    from extract.readers import ocr

    try:
        images = render_pages(body, numbers)
    except Exception as exc:  # pdfium raises PdfiumError on anything it cannot open
        return ocr.OcrResult([], [], f"pages could not be rendered ({_reason(exc)})")
    return ocr.ocr_pages(images, numbers)


def render_pages(body: bytes, numbers: list[int] | None = None, scale: float = _RENDER_SCALE) -> list:
    """Pages as greyscale numpy arrays (pypdfium2)."""
    import numpy as np
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(body)
    try:
        wanted = range(len(pdf)) if numbers is None else numbers
        return [np.asarray(pdf[n].render(scale=scale, grayscale=True).to_pil().convert("L")) for n in wanted]
    finally:
        pdf.close()


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:200] if text else type(exc).__name__

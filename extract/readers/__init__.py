"""Document readers: one module per format, each a pure function from bytes to one `Document`.

Every reader builds the same shape: an lxml element tree holding the document's paragraphs as
<p> and its tables as <table> with rowspan/colspan, so that `extract.tables.extract_tables_from_html`
places a PDF's, a Word file's or a scan's cells exactly as it places a web page's. OCR'd table
cells carry `data-confidence` (0–1) on their <td>.

- pdf.read_pdf(body)            text-layer PDF (pdfplumber); pages without text are OCR'd
- docx.read_docx(body)          Word 2007+ (python-docx package, cells read from the XML)
- office.read_legacy(body, kind) DOC / WPS, converted to DOCX by LibreOffice in a subprocess
- ofd.read_ofd(body)            OFD (GB/T 33190): text objects and ruling lines
- ocr.read_images(images)       PNG/JPEG pages (RapidOCR, ruling lines by OpenCV)
"""
from extract.readers.shape import Document

__all__ = ["Document"]

"""What stored bytes are: a page (html, text), a document another reader handles (pdf, docx, doc,
wps, ofd, image), or nothing readable (empty, binary). Decided on the bytes first: servers send
reports as application/octet-stream and pages as text/plain."""
from __future__ import annotations

import re

_HTML_SNIFF = re.compile(rb"<\s*(?:!doctype|html|head|body|div|table|p|meta)\b", re.I)
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 and WPS files
_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_NOT_BLANK = re.compile(rb"[^ \t\r\n\x00\xef\xbb\xbf]")  # what an empty input holds none of (BOM bytes count as blank)

PAGE_KINDS = ("html", "text")  # what extract_page reads; the rest gets a warning saying what it is


def sniff(body: bytes, content_type: str | None = None) -> str:
    """html | text | pdf | docx | doc | wps | ofd | image | zip | empty | binary."""
    head = body[:4096]
    if _NOT_BLANK.search(body) is None:  # stops at the first byte: body.strip() copied the whole page
        return "empty"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in head:
            return "docx"
        if b"OFD.xml" in head or b"Doc_0/" in head:
            return "ofd"
        return "zip"
    if head.startswith(_OLE):
        return "wps" if content_type and "wps" in content_type.lower() else "doc"
    if head.startswith(_IMAGES):
        return "image"
    ct = (content_type or "").lower()
    if "html" in ct or "xml" in ct:
        return "html"
    if not ct.startswith("text/plain") and _HTML_SNIFF.search(body[:2048]):
        return "html"
    return "binary" if _looks_binary(head) else "text"


def _looks_binary(head: bytes) -> bool:
    """Control bytes a text never holds, in bytes that are no UTF-8 or GB18030 text."""
    if (len(head) - len(head.translate(None, _CONTROLS))) * 20 < len(head):  # under 5 %
        return False
    whole = head[:-4] if len(head) > 8 else head  # a cut may split the last character
    for encoding in ("utf-8", "gb18030"):
        try:
            whole.decode(encoding)
            return False
        except UnicodeDecodeError:
            continue
    return True


def why_unread(kind: str) -> str:
    """The warning of an input that was not read as a page."""
    if kind == "empty":
        return "empty: the input holds no bytes to read"
    if kind in ("binary", "zip"):
        return f"{'a ZIP archive' if kind == 'zip' else 'binary data'}: not a page or a document this extractor reads"
    name = {"pdf": "a PDF", "docx": "a DOCX", "doc": "a DOC", "wps": "a WPS", "ofd": "an OFD", "image": "an image"}[kind]
    return f"{name} file, not a page: its text is read by the document readers"

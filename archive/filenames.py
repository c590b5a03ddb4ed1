"""An attachment's filename, as the server names it, made safe to show: never a path.

Content-Disposition is parsed by the standard library's email package (RFC 2231 `filename*=`,
quoting); what is stored keeps only the last path component, without control characters, leading
dots or an absurd length. Nothing ever opens a file by this name.
"""
from __future__ import annotations

import re
import unicodedata
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

_MAX_BYTES = 200  # well under every filesystem's 255-byte limit, extension kept
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def disposition_filename(value: str | None) -> str | None:
    if not value:
        return None
    msg = EmailMessage()
    try:
        msg["Content-Disposition"] = value
        name = msg.get_filename()
    except Exception:  # noqa: BLE001 - a malformed header names no file
        return None
    return _undo_latin1(name) if name else None


def _undo_latin1(name: str) -> str:
    """Headers reach us decoded as latin-1; a raw UTF-8 or GBK name (common on gov.cn servers)
    is decoded as what it was."""
    try:
        raw = name.encode("latin-1")
    except UnicodeEncodeError:
        return name  # already proper text (an RFC 2231 name)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def safe_filename(name: str | None) -> str:
    """The last component of `name`, cleaned; "file" when nothing usable is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("", name).strip().lstrip(".").strip()
    if len(name.encode("utf-8")) > _MAX_BYTES:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        stem = stem if ext else name
        while len((stem + ("." + ext if ext else "")).encode("utf-8")) > _MAX_BYTES:
            stem = stem[:-1]
        name = stem + ("." + ext if ext else "")
    return name or "file"


def attachment_filename(headers: dict[str, list[str]], url: str) -> str:
    """From Content-Disposition, else the URL's last path segment."""
    for key, values in headers.items():
        if key.lower() == "content-disposition" and values:
            name = disposition_filename(values[0])
            if name:
                return safe_filename(name)
    return safe_filename(unquote(urlsplit(url).path.rsplit("/", 1)[-1]))

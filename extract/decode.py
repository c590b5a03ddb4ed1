"""Stored bytes → text. The declared charset wins, else a <meta> charset, else detection.

Portals declare gb2312 but use GBK/GB18030 characters, so every GB charset decodes as gb18030.
"""
from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "gb_2312", "csgb2312"}


def _normalise(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_encoding(body: bytes, content_type: str | None = None) -> str | None:
    """The charset the server or the page declares, normalised; None when none is usable."""
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m and (enc := _normalise(m.group(1))):
            return enc
    m = _META_CHARSET.search(body[:4096])
    if m:
        return _normalise(m.group(1).decode("ascii", "ignore"))
    return None


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page; returns (text, encoding used). Never raises: undecodable bytes become U+FFFD."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace"), "utf-8"
    candidates = []
    enc = declared_encoding(body, content_type)
    if enc:
        candidates.append(enc)
    candidates += [e for e in ("utf-8", "gb18030") if e not in candidates]
    for enc in candidates:
        try:
            return body.decode(enc), enc
        except UnicodeDecodeError:
            continue
    enc = candidates[0]
    return body.decode(enc, "replace"), enc


# What XML cannot hold and lxml refuses (ValueError): C0 controls but \t \n \r, lone surrogates,
# U+FFFE/U+FFFF. Real pages carry them (NULs in Word exports, stray escapes).
_XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str, body: bytes | None = None, encoding: str | None = None) -> str:
    """The text without the characters lxml refuses; unchanged (same object) when it has none.

    Given the bytes `text` was decoded from and their encoding, a UTF-8 or GB18030 page is checked
    without a regular expression over the text (a tenth of its time): in both, a byte under 0x20
    is always that control character and lone surrogates never decode, so what is left to look
    for are U+FFFE and U+FFFF, two searches for one character each."""
    if (body is not None and encoding in _C0_IS_BYTE and not body.translate(None, _NOT_C0)
            and "\ufffe" not in text and "\uffff" not in text):
        return text
    return _XML_INCOMPATIBLE.sub("", text) if _XML_INCOMPATIBLE.search(text) else text


_NOT_C0 = bytes(b for b in range(256) if not (b < 0x20 and b not in (0x09, 0x0A, 0x0D)))
_C0_IS_BYTE = ("utf-8", "gb18030")

"""Stored bodies: the raw bytes of a page or attachment, compressed with zstd when that is smaller.

The codec is recorded per row (`body_codec`: NULL = the raw bytes, 'zstd' = a zstd frame), so
an archive can hold both and every reader goes through `unpack`. `sha256` and `size` are always
those of the raw bytes. SQL readers (datasette, ad-hoc queries) get the same through the
`raw_body(body, body_codec)` function `register` adds to a connection.
"""
from __future__ import annotations

import sqlite3

import zstandard

ZSTD = "zstd"
# Level 9: HTML pages of one CMS shrink 5-10x; on a 30 KB page it costs well under a millisecond,
# nothing beside extraction (~10 ms a report page).
LEVEL = 9


class BodyCodecError(ValueError):
    """A stored body whose codec this govarchive does not know (an archive from a newer one)."""


def pack(raw: bytes) -> tuple[bytes, str | None]:
    """(bytes to store, codec): zstd when it saves space, else the raw bytes and NULL (PDFs,
    images and other already-compressed files usually stay raw)."""
    packed = zstandard.ZstdCompressor(level=LEVEL).compress(raw)
    return (packed, ZSTD) if len(packed) < len(raw) else (raw, None)


def unpack(stored: bytes | None, codec: str | None) -> bytes | None:
    """The raw bytes of a stored body."""
    if stored is None or codec is None:
        return stored
    if codec == ZSTD:
        return zstandard.ZstdDecompressor().decompress(stored)
    raise BodyCodecError(f"unknown body codec {codec!r}")


def page_html(raw: bytes, content_type: str | None) -> str:
    """The decoded page, as the extractor decodes it (the `html` column is no longer stored)."""
    from extract.decode import decode_body

    return decode_body(raw, content_type)[0]


def codec_column(columns) -> str:
    """What to select for the codec of a table with these columns: an archive written before the
    codec existed, opened read-only (serve, export-warc: nothing adds the column), holds raw bytes."""
    return "body_codec" if "body_codec" in columns else "NULL AS body_codec"


def register(conn: sqlite3.Connection) -> None:
    """`raw_body(body, body_codec)` in SQL: the raw bytes of a stored body."""
    conn.create_function("raw_body", 2, unpack, deterministic=True)

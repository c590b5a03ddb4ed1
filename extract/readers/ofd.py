"""OFD (GB/T 33190-2016, China's fixed-layout format: a zip of XML) → Document.

OFD.xml names the document root; Document.xml lists the pages; each page's Content.xml holds
TextObjects (text with a Boundary "x y w h" in millimetres) and PathObjects (ruling lines as
AbbreviatedData "M x y L x y …" relative to their Boundary, optionally through a CTM). The lines
become table cells by the same rules as a PDF's or a scan's (extract.readers.ruled).
"""
from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from extract.readers.ruled import Item, join_pages, page_blocks, tables_from_rulings
from extract.readers.shape import Document, build_root, failed, text_of

_TOL = 1.0  # mm
_LINE = 0.8  # mm: a filled rectangle thinner than this is a ruling line


def read_ofd(body: bytes) -> Document:
    try:
        z = zipfile.ZipFile(io.BytesIO(body))
        names = {n.lower(): n for n in z.namelist()}
        root = _xml(z, names, "OFD.xml")
        doc_root = _first(root, "DocRoot")
        if doc_root is None:
            return failed("ofd", "not a readable OFD document (OFD.xml names no DocRoot)")
        doc_path = doc_root.text.strip().lstrip("/")
        document = _xml(z, names, doc_path)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError) as exc:
        return failed("ofd", f"not a readable OFD document ({type(exc).__name__}: {str(exc)[:120]})")
    base = posixpath.dirname(doc_path)
    pages, warnings = [], []
    for n, page in enumerate(el for el in document.iter() if _local(el) == "Page" and el.get("BaseLoc")):
        loc = page.get("BaseLoc").lstrip("/")
        path = loc if loc.lower() in names else posixpath.join(base, loc)
        try:
            content = _xml(z, names, path)
        except (KeyError, etree.XMLSyntaxError) as exc:
            warnings.append(f"page {n + 1}: not readable ({type(exc).__name__}); page left out")
            pages.append([])
            continue
        pages.append(_page(content, n))
    if not pages:
        return failed("ofd", "the OFD document has no pages")
    blocks = join_pages(pages)
    return Document(kind="ofd", root=build_root(blocks), text=text_of(blocks), warnings=warnings)


def _xml(z: zipfile.ZipFile, names: dict[str, str], path: str):
    return etree.fromstring(z.read(names[path.lower()]), etree.XMLParser(resolve_entities=False, no_network=True))


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _first(root, name: str):
    return next((el for el in root.iter() if _local(el) == name), None)


def _numbers(text: str | None) -> list[float]:
    return [float(v) for v in (text or "").replace(",", " ").split()]


def _page(content, n: int) -> list:
    items: list[Item] = []
    horizontal: list[tuple[float, float, float]] = []
    vertical: list[tuple[float, float, float]] = []
    for el in content.iter():
        name = _local(el)
        if name == "TextObject":
            box = _numbers(el.get("Boundary"))
            text = "".join(tc.text or "" for tc in el if _local(tc) == "TextCode")
            if len(box) == 4 and text.strip():
                x, y, w, h = box
                items.append(Item(x, y, x + w, y + h, text.strip()))
        elif name == "PathObject":
            _path_lines(el, horizontal, vertical)
    return page_blocks(tables_from_rulings(horizontal, vertical, _TOL, page=n), items)


def _path_lines(el, horizontal: list, vertical: list) -> None:
    box = _numbers(el.get("Boundary"))
    if len(box) != 4:
        return
    bx, by, bw, bh = box
    if el.get("Fill") == "true" and (bw <= _LINE or bh <= _LINE):  # a hairline drawn as a filled box
        if bw > bh:
            horizontal.append((by + bh / 2, bx, bx + bw))
        else:
            vertical.append((bx + bw / 2, by, by + bh))
        return
    ctm = _numbers(el.get("CTM")) or [1, 0, 0, 1, 0, 0]
    a, b, c, d, e, f = ctm if len(ctm) == 6 else [1, 0, 0, 1, 0, 0]
    data = next((child.text for child in el if _local(child) == "AbbreviatedData"), "") or ""
    tokens = data.split()
    points: list[tuple[float, float]] = []
    start = None
    i = 0
    while i < len(tokens):
        op = tokens[i]
        if op in ("S", "M", "L") and i + 2 < len(tokens):
            x, y = float(tokens[i + 1]), float(tokens[i + 2])
            p = (bx + a * x + c * y + e, by + b * x + d * y + f)
            if op == "L" and points:
                _segment(points[-1], p, horizontal, vertical)
            else:
                start = p
            points.append(p)
            i += 3
        elif op == "C" and start is not None and points:  # close the subpath
            _segment(points[-1], start, horizontal, vertical)
            points.append(start)
            i += 1
        else:
            i += 1  # curves (B, Q, A) and their operands: not ruling lines


def _segment(p, q, horizontal: list, vertical: list) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y1 - y0) <= 0.2 and abs(x1 - x0) > _TOL:
        horizontal.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x1 - x0) <= 0.2 and abs(y1 - y0) > _TOL:
        vertical.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))

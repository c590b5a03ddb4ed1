"""Ruled tables from geometry: cell rectangles → rows/cols with spans, ruling lines → cells, text
placed into cells, and tables continued across a page break joined.

Coordinates grow to the right and downwards; `tol` is in the page's own units (points for PDF and
OFD, pixels for images). The same code serves pdfplumber's cells, OFD path objects and the lines
OpenCV finds in a scan, so a table is built the same way whatever the format.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional


@dataclass
class Cell:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str = ""
    confidence: Optional[float] = None  # OCR: the lowest score of the text in it (0–1)


@dataclass
class Table:
    cells: list[Cell]
    tol: float
    page: int = 0

    @property
    def left(self) -> float:
        return min(c.x0 for c in self.cells)

    @property
    def right(self) -> float:
        return max(c.x1 for c in self.cells)

    @property
    def top(self) -> float:
        return min(c.y0 for c in self.cells)

    @property
    def bottom(self) -> float:
        return max(c.y1 for c in self.cells)


@dataclass
class Item:
    """A piece of positioned text: a PDF word, an OFD text object, an OCR box."""
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    confidence: Optional[float] = None

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def cluster(values, tol: float) -> list[float]:
    """Representatives of values that lie within `tol` of the first of their group."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][0] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _index(reps: list[float], v: float) -> int:
    return min(range(len(reps)), key=lambda i: abs(reps[i] - v))


def grid_spans(table: Table) -> list[tuple[int, int, int, int, Cell]]:
    """(row, col, rowspan, colspan, cell) for every cell, the grid being the table's distinct edges."""
    xs = cluster([c.x0 for c in table.cells] + [c.x1 for c in table.cells], table.tol)
    ys = cluster([c.y0 for c in table.cells] + [c.y1 for c in table.cells], table.tol)
    out = []
    for c in table.cells:
        col, row = _index(xs, c.x0), _index(ys, c.y0)
        out.append((row, col, max(1, _index(ys, c.y1) - row), max(1, _index(xs, c.x1) - col), c))
    return out


def n_columns(table: Table) -> int:
    return len(cluster([c.x0 for c in table.cells] + [c.x1 for c in table.cells], table.tol)) - 1


# ------------------------------------------------------------------------------ ruling lines → cells
@dataclass
class _Seg:
    pos: float  # y of a horizontal line, x of a vertical one
    a: float  # start along the line
    b: float  # end along the line
    group: int = field(default=0)


def _merge(segs: list[tuple[float, float, float]], tol: float) -> list[_Seg]:
    """Collinear pieces (a dashed or broken ruling, a line drawn cell by cell) joined into one."""
    out: list[_Seg] = []
    by_pos: list[list[tuple[float, float, float]]] = []
    for s in sorted(segs):
        if by_pos and s[0] - by_pos[-1][0][0] <= tol:
            by_pos[-1].append(s)
        else:
            by_pos.append([s])
    for group in by_pos:
        pos = sum(s[0] for s in group) / len(group)
        for _p, a, b in sorted(group, key=lambda s: s[1]):
            if out and out[-1].pos == pos and a <= out[-1].b + tol:
                out[-1].b = max(out[-1].b, b)
            else:
                out.append(_Seg(pos, a, b))
    return out


def _coverage(segs: list[_Seg], pos: float, a: float, b: float, tol: float) -> float:
    """Share of [a, b] covered by the segments lying at `pos`."""
    if b - a <= 0:
        return 1.0
    covered = []
    for s in segs:
        if abs(s.pos - pos) <= tol and s.b > a and s.a < b:
            covered.append((max(a, s.a), min(b, s.b)))
    total, end = 0.0, a
    for lo, hi in sorted(covered):
        lo = max(lo, end)
        if hi > lo:
            total += hi - lo
            end = hi
    return total / (b - a)


def tables_from_rulings(horizontal: list[tuple[float, float, float]], vertical: list[tuple[float, float, float]],
                        tol: float, page: int = 0) -> list[Table]:
    """Tables drawn by ruling lines. horizontal: (y, x0, x1); vertical: (x, y0, y1).

    Lines that touch form one table; its grid is their distinct positions. Neighbouring grid cells
    with no ruling between them are one (merged) cell; a region missing a side is outside the table."""
    hs, vs = _merge(horizontal, tol), _merge(vertical, tol)
    parent = list(range(len(hs) + len(vs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h.a - tol <= v.pos <= h.b + tol and v.a - tol <= h.pos <= v.b + tol:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[_Seg], list[_Seg]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    tables = []
    for ghs, gvs in groups.values():
        table = _cells(ghs, gvs, tol, page)
        if table is not None:
            tables.append(table)
    return sorted(tables, key=lambda t: t.top)


def _cells(hs: list[_Seg], vs: list[_Seg], tol: float, page: int) -> Optional[Table]:
    ys, xs = cluster([h.pos for h in hs], tol), cluster([v.pos for v in vs], tol)
    if len(ys) < 2 or len(xs) < 2:
        return None
    ny, nx = len(ys) - 1, len(xs) - 1
    parent = list(range(ny * nx))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    ruled = 0.5  # a border is there when rulings cover at least half of it
    for i in range(ny):
        for j in range(nx):
            if j + 1 < nx and _coverage(vs, xs[j + 1], ys[i], ys[i + 1], tol) < ruled:
                parent[find(i * nx + j)] = find(i * nx + j + 1)
            if i + 1 < ny and _coverage(hs, ys[i + 1], xs[j], xs[j + 1], tol) < ruled:
                parent[find(i * nx + j)] = find((i + 1) * nx + j)
    boxes: dict[int, list[int]] = {}
    for i in range(ny):
        for j in range(nx):
            r = boxes.setdefault(find(i * nx + j), [i, i, j, j])
            r[0], r[1], r[2], r[3] = min(r[0], i), max(r[1], i), min(r[2], j), max(r[3], j)
    cells = []
    for r0, r1, c0, c1 in boxes.values():
        x0, x1, y0, y1 = xs[c0], xs[c1 + 1], ys[r0], ys[r1 + 1]
        sides = (_coverage(hs, y0, x0, x1, tol), _coverage(hs, y1, x0, x1, tol),
                 _coverage(vs, x0, y0, y1, tol), _coverage(vs, x1, y0, y1, tol))
        if min(sides) >= ruled:  # a region missing a side lies outside the table's outline
            cells.append(Cell(x0, y0, x1, y1))
    return Table(cells, tol, page) if len(cells) >= 2 else None


# ------------------------------------------------------------------------------------ text into cells
def fill(tables: list[Table], items: list[Item]) -> list[Item]:
    """Put each item into the cell holding its centre; returns the items outside every table."""
    inside: dict[int, list[Item]] = {}
    cells = [c for t in tables for c in t.cells]
    rest = []
    for item in items:
        for k, c in enumerate(cells):
            if c.x0 <= item.cx <= c.x1 and c.y0 <= item.cy <= c.y1:
                inside.setdefault(k, []).append(item)
                break
        else:
            rest.append(item)
    for k, its in inside.items():
        cells[k].text = "\n".join(text for _y, text in lines(its))
        scores = [i.confidence for i in its if i.confidence is not None]
        cells[k].confidence = min(scores) if scores else None
    return rest


def lines(items: list[Item]) -> list[tuple[float, str]]:
    """Items grouped into lines (a line: items whose centres lie within half a text height), left to right."""
    out: list[tuple[float, list[Item]]] = []
    for item in sorted(items, key=lambda i: i.cy):
        height = max(1.0, item.y1 - item.y0)
        if out and abs(item.cy - out[-1][0]) <= height / 2:
            out[-1][1].append(item)
        else:
            out.append((item.cy, [item]))
    return [(y, _joined(sorted(its, key=lambda i: i.x0))) for y, its in out]


def _joined(items: list[Item]) -> str:
    """Pieces of one line: a visible gap (over 0.4 of the text height) is printed space, kept."""
    text = items[0].text
    for prev, item in zip(items, items[1:]):
        gap = item.x0 - prev.x1
        text += (" " if gap > 0.4 * max(1.0, item.y1 - item.y0) else "") + item.text
    return text


def page_blocks(tables: list[Table], items: list[Item]) -> list:
    """A page's tables (two columns or more; a one-column frame is a text box) and its text lines,
    in reading order (top to bottom)."""
    kept = [t for t in tables if n_columns(t) >= 2]
    rest = fill(kept, items)
    blocks: list[tuple[float, object]] = [(t.top, t) for t in kept]
    blocks += lines(rest)
    return [b for _y, b in sorted(blocks, key=lambda yb: yb[0])]


# -------------------------------------------------------------------------------------- page breaks
_FOOTER_CHARS = 12  # a page number or running header between two table parts ("- 4 -")


def join_pages(pages: list[list]) -> list:
    """All pages' blocks in order; a table that goes on at the top of the next page under the same
    column positions is joined to the part before it, its repeated header rows dropped."""
    out: list = []
    for blocks in pages:
        first = next((i for i, b in enumerate(blocks) if isinstance(b, Table)), None)
        last = next((i for i in range(len(out) - 1, -1, -1) if isinstance(out[i], Table)), None)
        between = out[last + 1:] + blocks[:first] if first is not None and last is not None else None
        if between is not None and all(len("".join(str(b).split())) <= _FOOTER_CHARS for b in between) \
                and _same_columns(out[last], blocks[first]):
            out[last] = _join(out[last], blocks[first])
            del out[last + 1:]
            out.extend(b for b in between if not isinstance(b, Table))  # page numbers stay as text
            out.extend(blocks[first + 1:])
        else:
            out.extend(blocks)
    return out


def _edges(table: Table) -> list[float]:
    return cluster([c.x0 for c in table.cells] + [c.x1 for c in table.cells], table.tol)


def _same_columns(a: Table, b: Table) -> bool:
    tol = max(a.tol, b.tol) * 2
    ea, eb = _edges(a), _edges(b)
    if abs(ea[0] - eb[0]) > tol or abs(ea[-1] - eb[-1]) > tol:
        return False
    within = lambda xs, ys: all(any(abs(x - y) <= tol for y in ys) for x in xs)  # noqa: E731
    return within(eb, ea) or within(ea, eb)


def _join(a: Table, b: Table) -> Table:
    from extract.readers.shape import table_rows_text

    rows_a, rows_b = table_rows_text(a), table_rows_text(b)
    repeated = 0
    while repeated < min(len(rows_a), len(rows_b)) - 1 and rows_a[repeated] == rows_b[repeated] \
            and any(t.strip() for t in rows_b[repeated]):
        repeated += 1
    ys = cluster([c.y0 for c in b.cells] + [c.y1 for c in b.cells], b.tol)
    start = ys[repeated]
    dy = a.bottom - start
    # The second part's left and right edges snap onto the first's: pages are rarely aligned exactly.
    ea, eb = _edges(a), _edges(b)
    snap = {x: min(ea, key=lambda e: abs(e - x)) for x in eb}
    tol = max(a.tol, b.tol) * 2
    moved = [Cell(_snapped(c.x0, snap, tol), c.y0 + dy, _snapped(c.x1, snap, tol), c.y1 + dy, c.text, c.confidence)
             for c in b.cells if c.y0 >= start - b.tol]
    cells = list(a.cells)
    last = [c for c in cells if abs(c.y1 - a.bottom) <= tol]
    first = [c for c in moved if abs(c.y0 - a.bottom) <= tol]
    continued = _broken_row(last, first, tol)
    for c, above in continued:
        # A row the page break cut in two: each part's cells are the same cells, continued.
        above.text = "\n".join(t for t in (above.text, c.text) if t)
        above.y1 = c.y1
        if c.confidence is not None:
            above.confidence = c.confidence if above.confidence is None else min(above.confidence, c.confidence)
    moved = [c for c in moved if all(c is not d for d, _ in continued)]
    return Table(cells + moved, max(a.tol, b.tol), a.page)


_NUMBERED = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]")


def _broken_row(last: list[Cell], first: list[Cell], tol: float) -> list[tuple[Cell, Cell]]:
    """The cells of the first row after the break that continue a cell of the last row before it,
    each with that cell; none when that row is a row of its own. A row continues when each of its
    cells lines up with one above, no cell starts a numbered label (every row of the national tables
    has one) and no column has a number on both sides. Cells lying under a wider cell above that
    does not continue (商业企业 … under 法人或其他组织, the break falling inside 自然人 and 总计,
    which span two header rows) are the next row, not continuations."""
    from extract.values import kind

    pairs: list[tuple[Cell, Cell]] = []
    under: list[Cell] = []
    for c in first:
        above = [u for u in last if abs(u.x0 - c.x0) <= tol and abs(u.x1 - c.x1) <= tol]
        if above:
            if _NUMBERED.match(c.text.strip()) or (kind(c.text) == "number" and kind(above[0].text) == "number"):
                return []
            pairs.append((c, above[0]))
            continue
        wider = [u for u in last if u.x0 - tol <= c.x0 and c.x1 <= u.x1 + tol and u.x1 - u.x0 > c.x1 - c.x0 + tol]
        if not wider:
            return []
        under.append(wider[0])
    if any(u is p for u in under for _, p in pairs):
        return []  # a cell both continued and split below: not a cut row
    return pairs


def _snapped(x: float, snap: dict[float, float], tol: float) -> float:
    rep = min(snap, key=lambda e: abs(e - x))
    return snap[rep] if abs(rep - x) <= tol and abs(snap[rep] - rep) <= tol else x

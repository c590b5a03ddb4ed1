"""`pdftotext -layout` text (and any text laid out in columns by spaces) → rows of cells.

Columns come from character positions: a table's header labels, joined where they wrap over lines
(商业 / 企业 → 商业企业), give the columns; each number on a data line goes to the column it sits
under, and a column with nothing under it on a labelled row is a blank cell. A row label wrapped
over lines (2.没有现成信息需要另 / 行制作) is read whole. pdftotext counts a CJK character as one
position, as every other character.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from extract.tables import headers
from extract.tables.grid import GCell, Row
from extract.tables.labels import active_row, application_row, is_other_group, section_marker
from extract.values import kind

_CHUNK = re.compile(r"\S+(?: \S+)*")  # words separated by one space are one chunk; two or more part them
_NUMBERS = re.compile(r"^[+-]?\d[\d,.]*(?: [+-]?\d[\d,.]*)+$")  # "0 0 0": numbers one space apart
_WIDE_GAP = re.compile(r"\S {3,}(?=\S)")
_GAP = re.compile(r"\S {2,}(?=\S)")
MIN_LAYOUT_LINES = 8


def looks_like_layout(text: str) -> bool:
    """Whether the text is laid out in space-aligned columns (pdftotext -layout and the like)."""
    if "   " not in text:
        return False  # no wide gap anywhere (most texts): no line to look at
    count = 0
    for line in text.splitlines():
        # at least three chunks, one gap wide (linear: no pattern with two unbounded runs)
        if _WIDE_GAP.search(line) and len(_GAP.findall(line)) >= 2:
            count += 1
            if count >= MIN_LAYOUT_LINES:
                return True
    return False


@dataclass
class _Tok:
    start: int
    end: int
    text: str
    value: bool  # a number or a printed blank (/ - —)

    @property
    def center(self) -> float:
        return (self.start + self.end) / 2


def _tokens(line: str) -> list[_Tok]:
    out = []
    for m in _CHUNK.finditer(line):
        text = m.group(0)
        if _NUMBERS.match(text):  # several numbers one space apart: each its own token
            for n in re.finditer(r"\S+", text):
                out.append(_Tok(m.start() + n.start(), m.start() + n.end(), n.group(0), True))
            continue
        out.append(_Tok(m.start(), m.end(), text, kind(text) != "text"))
    return out


def _is_row_label(text: str) -> bool:
    return bool(active_row(text) or application_row(text, True))


class _Table:
    """The header stacks and columns of the table being read."""

    def __init__(self, section: Optional[str]) -> None:
        self.section = section
        self.stacks: list[list] = []  # [start, end, text, last line]
        self.columns: list[tuple[float, int, int]] = []  # (center, start, end) of each leaf, left to right
        self.header_cells: list[GCell] = []

    def add_header(self, toks: list[_Tok], lineno: int) -> None:
        """Header words; a word under another (a few lines down at most, the same columns) that
        completes it to a header label is its continuation (商业企 / 业, 其他结 / 果)."""
        for tok in self._words(toks):
            above = [st for st in self.stacks if lineno - st[3] <= 4 and tok.start < st[1] + 1 and tok.end > st[0] - 1]
            for stack in sorted(above, key=lambda st: -st[3]):
                joined = stack[2] + tok.text
                if self._named(joined):
                    stack[0], stack[1], stack[2], stack[3] = min(stack[0], tok.start), max(stack[1], tok.end), joined, lineno
                    break
            else:
                self.stacks.append([tok.start, tok.end, tok.text, lineno])

    def _words(self, toks: list[_Tok]) -> list[_Tok]:
        """Header chunks cut at single spaces where that separates labels (结 果 结果 → 结 果, 结果)."""
        out = []
        for tok in toks:
            parts = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", tok.text)]
            if len(parts) == 1:
                out.append(tok)
                continue
            start, text = parts[0]
            for at, word in parts[1:]:
                if self._named(text + word) and not (self._named(text) and self._named(word)
                                                     and header_complete(text)):
                    text += " " + word
                    continue
                out.append(_Tok(tok.start + start, tok.start + start + len(text), text, False))
                start, text = at, word
            out.append(_Tok(tok.start + start, tok.start + start + len(text), text, False))
        return out

    def _named(self, text: str) -> bool:
        return any(headers.header_kind(t, text) for t in ("active", "applications", "review_litigation")) or any(
            label.startswith(headers.header_text(text)) for label in _ALL_HEADER_LABELS)

    def finish(self, table: str) -> None:
        """Columns from the leaves found, left to right; header cells in that order."""
        named = [(s, headers.header_kind(table, s[2])) for s in self.stacks]
        leaves = sorted((s for s, k in named if k and k.startswith("leaf:")), key=lambda s: s[0])
        groups = sorted((s for s, k in named if k and k.startswith("group:")), key=lambda s: s[0])
        self.columns = [((s[0] + s[1]) / 2, s[0], s[1]) for s in leaves]
        self.header_cells = [GCell(s[2], line=s[3]) for s in groups + leaves]
        if table == "active":
            self.header_cells = [GCell(headers.ACTIVE_CORNER)] + [GCell(s[2], line=s[3]) for s in leaves]

    def column_of(self, tok: _Tok) -> Optional[int]:
        """The leaf a value sits under: overlapping its header, else the nearest within reach."""
        best, dist = None, None
        for i, (center, start, end) in enumerate(self.columns):
            if tok.start < end + 1 and tok.end > start - 1:
                d = abs(center - tok.center) - 100  # overlapping wins
            else:
                d = abs(center - tok.center)
            if dist is None or d < dist:
                best, dist = i, d
        return best if dist is not None and dist <= 6 else None


def header_complete(text: str) -> bool:
    """A whole header label (not only the start of one)."""
    return any(headers.header_kind(t, text) for t in ("active", "applications", "review_litigation"))


_ALL_HEADER_LABELS = tuple(headers.APPLICANT_HEADERS) + tuple(headers.REVIEW_RESULTS) + tuple(headers.REVIEW_GROUPS) \
    + tuple(headers.ACTIVE_HEADERS) + (headers.APPLICANT_GROUP, headers.REVIEW_PARENT, headers.ACTIVE_CORNER)


def layout_rows(text: str) -> list[Row]:
    """Rows of cells from column-laid-out text (see the module's docstring)."""
    toks = [_tokens(line) for line in text.splitlines()]
    rows: list[Row] = []
    section: Optional[str] = None
    table: Optional[_Table] = None
    in_header = False
    used: set[int] = set()  # continuation lines already read into a label
    for i, line_toks in enumerate(toks):
        if not line_toks or i in used:
            continue
        texts = [t for t in line_toks if not t.value]
        values = [t for t in line_toks if t.value and (not texts or t.start > texts[0].start)]
        marked = next((m for m in map(section_marker, (t.text for t in texts)) if m), None)
        # A table starts at a heading of another table, at 第二十条…项 and at a header after data rows.
        starts = (marked and marked != section) or any(t.text.startswith("第二十条") for t in texts) or (
            not values and not in_header and section is not None
            and any(headers.header_kind(section, t.text) for t in texts))
        if starts:
            section = marked or section
            table, in_header = _Table(section), True
            if marked:  # the heading, for the placer to know the table
                rows.append(Row([GCell(t.text, line=i + 1) for t in texts], f"line {i + 1}"))
        if section is None or table is None:
            continue
        if not values:
            if in_header:
                table.add_header(texts, i)
            elif table.columns and texts and not _values_below(toks, i):
                # A labelled row with nothing printed under any column: every cell blank.
                label = _label(texts, toks, i, used)
                if _is_row_label(label) and not _group_of_rows_below(label, toks, i):
                    rows.append(Row([GCell(label, line=i + 1)] + _values([], table, i), f"line {i + 1}"))
            continue
        if in_header:
            table.finish(section)
            in_header = False
            if table.columns and len(table.columns) < len(values):
                table.columns, table.header_cells = [], []  # a header not read whole: no header
            if table.header_cells:
                rows.append(Row(table.header_cells, f"line {i}"))
        own = [t for t in texts if t.end <= values[0].start]
        if not own and i > 0:  # values on a line of their own: the label is on the line above
            own = [t for t in toks[i - 1] if not t.value and t.end <= values[0].start]
        label = _label(own, toks, i, used)
        rows.append(Row(([GCell(label, line=i + 1)] if label else []) + _values(values, table, i), f"line {i + 1}"))
    return rows


def _group_of_rows_below(label: str, toks: list[list[_Tok]], i: int) -> bool:
    """（六）其他处理 printed alone above its three sub-rows (2021): a group, not a blank row."""
    if not is_other_group(label):
        return False
    below = "".join(t.text for line in toks[i + 1:i + 8] for t in line if not t.value)
    return "逾期" in below or "缴纳" in below


def _values_below(toks: list[list[_Tok]], i: int) -> bool:
    """The next line holds values and no label of its own: this line's label is theirs."""
    nxt = toks[i + 1] if i + 1 < len(toks) else []
    return bool(nxt) and all(t.value for t in nxt)


def _label(label_toks: list[_Tok], toks: list[list[_Tok]], i: int, used: set[int]) -> str:
    """The row's own label (its last label chunk), completed from the lines around it when it is
    wrapped: the chunk below it (and below that) at the same position, or the one above it."""
    if not label_toks:
        return ""
    own = label_toks[-1]
    if " " in own.text and not _is_row_label(own.text):
        # A group label and the row's own one a single space apart: 三、本年度 （一）予以公开
        cut = own.text.rindex(" ") + 1
        own = _Tok(own.start + cut, own.end, own.text[cut:], False)
    below = []
    for j in range(i + 1, min(i + 4, len(toks))):
        cont = [t for t in toks[j] if not t.value and abs(t.start - own.start) <= 1]
        if not cont or any(t.value for t in toks[j]):
            break
        below.append((j, cont[0].text))
    above = ""
    for j in range(i - 1, max(i - 4, -1), -1):  # the first text-only line above at the label's place
        if any(t.value for t in toks[j]):
            break
        up = [t for t in toks[j] if abs(t.start - own.start) <= 1 and t is not own]
        if up:
            above = up[0].text if not _is_row_label(up[0].text) else ""
            break
    candidates = [own.text] + [own.text + "".join(t for _, t in below[:k]) for k in range(1, len(below) + 1)]
    candidates += [above + c for c in candidates] if above else []
    for n, text in enumerate(candidates):
        if _is_row_label(text):
            k = n % (len(below) + 1)
            used.update(j for j, _ in below[:k])
            return text
    return own.text


def _values(values: list[_Tok], table: _Table, i: int) -> list[GCell]:
    """The row's values, one per column of its table (blank where nothing is printed under it)."""
    if not table.columns:
        return [GCell(t.text, line=i + 1) for t in values]
    cells: list[Optional[GCell]] = [None] * len(table.columns)
    extra = []
    for t in values:
        col = table.column_of(t)
        if col is None or cells[col] is not None:
            extra.append(t)  # under no column, or a second value under one: the row cannot be aligned
            continue
        cells[col] = GCell(t.text, line=i + 1)
    if extra:
        return [GCell(t.text, line=i + 1) for t in values]
    return [c if c is not None else GCell("", explicit=True, line=i + 1) for c in cells]

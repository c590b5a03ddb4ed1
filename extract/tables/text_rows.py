"""Flattened text → rows of cells.

Text extracted from pages and attachments reaches us in a few shapes (see demo_portal/seeds):
one cell per line (blank lines between), tab-indented cells one per line with blank lines between
rows, tab-separated rows, and `|`-separated rows (leading `|`, cells broken over lines, `||`
padding). A line holding several cells is a row; lines holding one cell are streamed, and a label
that follows a value starts a new row.
"""
from __future__ import annotations

import re

from extract.tables import one_line
from extract.tables.grid import GCell, Row
from extract.values import clean, is_blank, kind

_PIPES_ONLY = re.compile(r"[\s|]+")
_MD_RULE = re.compile(r":?-{2,}:?")
_MAX_CONT = 40  # a cell broken over lines: the continuation is a short fragment, never a paragraph


def _is_text(cell: GCell) -> bool:
    return kind(cell.text) == "text" and not cell.fused


def _indent_mode(lines: list[str]) -> bool:
    """True when tab lines mostly hold one cell each ('\\tvalue'), as opposed to tab-separated rows."""
    single = multi = 0
    for line in lines:
        if "\t" not in line:
            continue
        rest = line.lstrip("\t")
        if "\t" in rest:
            multi += 1
        elif line.startswith("\t") and clean(rest):
            single += 1
    return single > multi


_ALONE = re.compile(r"^[ \t]*\|[ \t]*$", re.M)
_PIPE_LINE = re.compile(r"^.*\|.*$", re.M)  # one `.*` each side of the last pipe: linear, no backtracking blow-up


def _pipe_style(text: str) -> str:
    """How a text uses `|`: 'cell' (rows, cells broken over lines, `5 |` one cell a line, `|` alone
    an empty cell), 'bare' (rows without outer pipes, every line complete) or 'separator' (`|`
    alone on a line between cells written one a line)."""
    if "|" not in text:
        return "cell"
    closed = open_ = 0
    for line in _PIPE_LINE.findall(text):
        s = line.strip()
        if s.strip("|").strip():
            if s.endswith("|"):
                closed += 1
            else:
                open_ += 1
    alones = list(_ALONE.finditer(text))
    plain_before = 0
    for m in alones:
        end = m.start() - 1
        prev = text[text.rfind("\n", 0, max(end, 0)) + 1:max(end, 0)]
        plain_before += bool(prev.strip()) and "|" not in prev
    if len(alones) >= 4 and plain_before * 6 >= len(alones) and closed * 4 < len(alones):
        return "separator"
    if open_ >= 4 and open_ > 3 * closed:
        return "bare"
    return "cell"


class _Reader:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.stream: list[GCell] = []  # one-cell lines not yet closed into a row
        self.pipe: list[str] = []  # lines of the pipe row being read
        self.pipe_line = 0
        self.pending_break = False  # indent mode: a blank line closes the row on the next cell
        self.bare = False  # `|` rows without outer pipes: every line is a whole row

    # -- streamed single cells -------------------------------------------------------------
    def push(self, cell: GCell) -> None:
        if self.pending_break:
            self.flush_stream()
            self.pending_break = False
        if _is_text(cell) and self._values_after_label():
            self.flush_stream()
        self.stream.append(cell)

    def _values_after_label(self) -> bool:
        """The stream holds values after its last label (or, with no label, any non-blank value)."""
        for c in reversed(self.stream):
            if _is_text(c):
                return c is not self.stream[-1]
        return any(not is_blank(c.text) for c in self.stream)

    def flush_stream(self) -> None:
        if self.stream:
            self.emit(self.stream)
            self.stream = []

    def emit(self, cells: list[GCell]) -> None:
        if cells:
            first = next((c for c in cells if _is_text(c)), cells[0])
            self.rows.append(Row(cells, f"line {first.line}"))

    def row(self, cells: list[GCell]) -> None:
        """A line that holds several cells: a row of its own."""
        self.flush_stream()
        self.emit(cells)

    # -- pipe rows ---------------------------------------------------------------------------
    def pipe_open(self) -> bool:
        """The pipe row so far ends inside a cell (no closing `|`): the next line continues it."""
        return bool(self.pipe) and not self.bare and not self.pipe[-1].rstrip().endswith("|")

    def pipe_cells(self) -> int:
        return sum(line.count("|") for line in self.pipe)

    def flush_pipe(self) -> None:
        if not self.pipe:
            return
        s = "\n".join(self.pipe).strip(" \u3000")
        one_line = len(self.pipe) == 1
        line, self.pipe = self.pipe_line, []
        if s == "|":  # one cell per line ending in ` |`, and this cell is empty
            self.push(GCell("", explicit=True, line=line))
            return
        if s.startswith("|"):
            s = s[1:]
        if s.endswith("|"):
            s = s[:-1]
        # A piece holding a line break is a cell broken over lines, and in a one-line row with
        # content one holding only spaces is an empty cell as printed (`| 0 |  |`): real (possibly
        # blank) cells. Empty pieces (`||`) and lines of nothing but pipes are padding.
        pieces = s.split("|")
        content = one_line and any(p.strip() for p in pieces)
        cells = [GCell(clean(p), explicit="\n" in p or (content and p != "" and not p.strip()), line=line) for p in pieces]
        while cells and not cells[-1].explicit and not cells[-1].text:
            cells.pop()
        if not cells or all(_MD_RULE.fullmatch(c.text) or not c.text for c in cells):
            return
        if len(cells) == 1:  # one cell per line ending in ` |`
            cells[0].explicit = True
            self.push(cells[0])
        else:
            self.row(cells)

    def pipe_line_in(self, line: str, lineno: int) -> None:
        if self.pipe and _PIPES_ONLY.fullmatch(line) and self.pipe_cells() >= 2:
            self.pipe.append(line)  # cell boundaries broken over lines
            return
        if self.pipe_open() and len(line) <= _MAX_CONT:
            self.pipe.append(line)
            return
        self.flush_pipe()
        self.pipe, self.pipe_line = [line], lineno


# The tables start at the first of these; a report's tables fill a few hundred lines after it.
_TABLES_START = re.compile(r"主\s*动\s*公\s*开\s*政\s*府\s*信\s*息|第\s*二\s*十\s*条|信\s*息\s*内\s*容|"
                           r"收\s*到\s*和\s*处\s*理|申\s*请\s*人\s*情\s*况")
MAX_TABLE_LINES = 4000


def table_region(text: str) -> tuple[str, list[str]]:
    """The part of a text the tables can be in: from a line before the first table heading, at most
    MAX_TABLE_LINES lines (bounded on huge texts; a report's tables need a few hundred)."""
    m = _TABLES_START.search(text)
    if m is None:
        return "", []
    line = text.rfind("\n", 0, m.start()) + 1
    start = text.rfind("\n", 0, line - 1) + 1 if line > 1 else 0  # the line before it too
    end = start
    for _ in range(MAX_TABLE_LINES):
        end = text.find("\n", end) + 1
        if end == 0:
            return text[start:], []
    return text[start:end], [f"text tables read over {MAX_TABLE_LINES} lines from line "
                             f"{text.count(chr(10), 0, start) + 1} only"]


def text_rows(text: str) -> list[Row]:
    lines = text.splitlines()
    indent = _indent_mode(lines)
    style = _pipe_style(text)
    r = _Reader()
    r.bare = style == "bare"
    after_separator = False  # separator style: the last line was a `|` between cells
    prev_tab = False  # indent mode: the last non-blank line was a tab-indented cell
    for lineno, line in enumerate(lines, 1):
        if one_line.is_table_line(line):
            r.flush_pipe()
            for cell in one_line.cells(line, lineno):
                r.push(cell)
            prev_tab = False
            continue
        if style == "separator" and "|" not in line.strip().strip("|"):
            if line.strip() == "|":
                if after_separator:
                    r.push(GCell("", explicit=True, line=lineno))  # `|` / `|`: an empty cell between
                after_separator = True
                continue
            if not line.strip():
                if after_separator:
                    r.push(GCell("", explicit=True, line=lineno))  # the row ends in an empty cell
                after_separator = False
                r.flush_stream()  # a blank line ends the row
                continue
            after_separator = False
            r.push(GCell(clean(line), explicit=True, line=lineno))
            continue
        if "|" in line:
            r.pipe_line_in(line, lineno)
            prev_tab = False
            continue
        stripped = clean(line)
        if r.pipe:
            if stripped and r.pipe_open() and len(stripped) <= _MAX_CONT:
                r.pipe.append(line)
                continue
            r.flush_pipe()
        if "\t" in line:
            rest = line.lstrip("\t")
            if indent and "\t" not in rest and line.startswith("\t"):
                r.push(GCell(clean(rest), explicit=True, line=lineno))
                prev_tab = True
            else:
                cells = [GCell(clean(f), explicit=False, line=lineno) for f in line.split("\t")]
                while cells and not cells[-1].text:
                    cells.pop()
                if cells:
                    r.row(cells)
                prev_tab = False
            continue
        if not stripped:
            if indent:
                r.pending_break = True
            continue
        cell = GCell(stripped, explicit=True, line=lineno)
        if indent:
            last = r.stream[-1] if r.stream else None
            if (prev_tab and last is not None and _is_text(last) and len(stripped) <= 12
                    and not any(ch.isdigit() for ch in stripped)):
                last.text += stripped  # a label broken over lines: （三）不予 / 公开
                r.pending_break = False
                continue
            r.flush_stream()
            r.pending_break = False
            prev_tab = False
        r.push(cell)
    if after_separator:  # the text ends in an empty cell
        r.push(GCell("", explicit=True, line=len(lines)))
    r.flush_pipe()
    r.flush_stream()
    return r.rows

"""Column headers → a map from a table's value positions to column codes.

Values go where their header says: columns printed in another order, or not printed at all, are
placed by the header. HTML headers are ordered by the grid columns their cells cover; flattened
text has no columns, so its headers are ordered by the way tables flatten (row by row: a group
label such as 法人或其他组织 stands for its sub-columns, wherever they are printed).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Optional

from extract.tables.grid import GCell
from extract.tables.labels import MAX_LABEL, norm

_BRACKETS = re.compile(r"(?<=.)\([^)]*\)")  # a note after a label, not a numbering before it


@lru_cache(maxsize=4096)
def header_text(text: str) -> str:
    """A header as looked up: normalised, bracketed notes dropped (采购(预算)总金额 → 采购总金额)."""
    return _BRACKETS.sub("", norm(text)).replace("／", "/")


APPLICANT_HEADERS: dict[str, str] = {
    "自然人": "natural_person", "商业企业": "commercial", "科研机构": "research", "社会公益组织": "social_welfare",
    "法律服务机构": "legal_services", "其他": "other_org", "总计": "total", "合计": "total",
}
APPLICANT_GROUP = "法人或其他组织"  # stands for commercial … other_org
_ORG_COLS = ("commercial", "research", "social_welfare", "legal_services", "other_org")

REVIEW_RESULTS: dict[str, str] = {"结果维持": "upheld", "结果纠正": "corrected", "其他结果": "other", "尚未审结": "pending",
                  "总计": "total", "合计": "total"}
REVIEW_GROUPS: dict[str, str] = {"行政复议": "review", "未经复议直接起诉": "litigation_direct", "复议后起诉": "litigation_after_review"}
REVIEW_PARENT = "行政诉讼"  # stands for litigation_direct and litigation_after_review

ACTIVE_HEADERS: dict[str, str] = {
    "本年新制作数量": "made", "本年新公开数量": "published", "对外公开总数量": "total_public",
    "上一年项目数量": "prev_items", "本年增/减": "change", "本年增减": "change", "处理决定数量": "decisions",
    "采购项目数量": "items", "采购总金额": "amount", "采购预算总金额": "amount",
    "本年制发件数": "issued", "本年新发件数": "issued", "本年废止件数": "repealed", "现行有效件数": "in_force",
    "本年处理决定数量": "decisions", "本年收费金额": "amount",
}
ACTIVE_CORNER = "信息内容"  # the label column's header


def _vocabulary(table: str) -> dict[str, str]:
    return {"applications": APPLICANT_HEADERS, "review_litigation": REVIEW_RESULTS, "active": ACTIVE_HEADERS}[table]


@lru_cache(maxsize=8192)
def _lookup(table: str, text: str) -> Optional[str]:
    """'leaf:<code>', 'group', 'corner' or None for a header cell's text in `table`.

    A fragment of a label broken over lines (商业 / 企业) counts by its first part when only one
    label starts with it; the second part is ignored."""
    if not text or len(text) > MAX_LABEL:
        return None
    h = header_text(text)
    vocab = _vocabulary(table)
    if h in vocab:
        return "leaf:" + vocab[h]
    if table == "applications" and h in (APPLICANT_GROUP, "法人或者其他组织"):
        return "group"
    if table == "review_litigation":
        if h in REVIEW_GROUPS:
            return "group:" + REVIEW_GROUPS[h]
        if h == REVIEW_PARENT:
            return "group"
    if table == "active" and h == ACTIVE_CORNER:
        return "corner"
    if table == "active" and h.startswith("本年收费金额"):
        return "leaf:amount"
    if len(h) >= 2:
        starts = {code for label, code in vocab.items() if label.startswith(h) and label != h}
        if len(starts) == 1:
            return "leaf:" + starts.pop()
    return None


def header_kind(table: str, text: str) -> Optional[str]:
    return _lookup(table, text)


def is_header_cell(table: str, text: str) -> bool:
    return _lookup(table, text) is not None


@dataclass
class ColumnMap:
    """Column codes in value order; for review_litigation (row, col) pairs. An active table's header
    may hold a label cut short as printed (本年新): its code is None and its text in `fragments`."""

    table: str
    codes: list
    where: str  # the header's place, for warnings
    fragments: dict[int, str] = field(default_factory=dict)

    def resolved(self, standard: list[str]) -> Optional[list[str]]:
        """The codes with each cut-short label read as the standard column at its place, when the
        header has the standard number of columns and the label is the start of that column's."""
        if not self.fragments:
            return self.codes
        if len(self.codes) != len(standard):
            return None
        out = list(self.codes)
        for i, text in self.fragments.items():
            if not any(lbl.startswith(text) for lbl, code in ACTIVE_HEADERS.items() if code == standard[i]):
                return None
            out[i] = standard[i]
        return out


def build(table: str, cells: list[GCell], where: str) -> tuple[Optional[ColumnMap], Optional[str]]:
    """(map, problem) from a table's header cells in reading order; (None, None) when they name no
    column; a problem (headers contradict each other) gives no map.

    Worked out once per header shape (what of the cells the map depends on: text, grid column and
    span, rowspan copy, which cells are one <td>): the same headers recur in every report."""
    keys: dict[int, int] = {}
    shape = tuple((c.text, keys.setdefault(c.key, len(keys) + 1) if c.key else 0, c.copy, c.col, c.span)
                  for c in cells)
    cmap, problem = _build_shape(table, shape)
    if cmap is None:
        return None, problem
    return replace(cmap, where=where, codes=list(cmap.codes), fragments=dict(cmap.fragments)), problem  # a copy of its own


@lru_cache(maxsize=2048)
def _build_shape(table: str, shape: tuple) -> tuple[Optional[ColumnMap], Optional[str]]:
    return _build(table, [GCell(text, key=key, copy=copy, col=col, span=span) for text, key, copy, col, span in shape],
                  "")


def _build(table: str, cells: list[GCell], where: str) -> tuple[Optional[ColumnMap], Optional[str]]:
    seen_keys: set[int] = set()
    entries = []  # (kind, cell)
    for cell in cells:
        kind = _lookup(table, cell.text)
        if kind is None:
            if table == "active" and cell.text and header_text(cell.text) and not cell.copy:
                entries.append(("fragment", cell))
            continue
        if cell.key:
            if cell.key in seen_keys:  # a rowspan's copy of a header cell already taken
                continue
            seen_keys.add(cell.key)
        entries.append((kind, cell))
    leaves = [(k[5:], c) for k, c in entries if k.startswith("leaf:")]
    if not leaves:
        return None, None
    by_grid = all(c.col is not None for _, c in entries)
    codes: list
    if table == "applications":
        codes = _applicant_order(entries, by_grid)
    elif table == "review_litigation":
        order = _review_order(entries, by_grid)
        if isinstance(order, str):
            return None, order
        codes = order
    else:
        return _active_map(entries, by_grid, where)
    dupes = sorted({str(c) for c in codes if codes.count(c) > 1})
    if dupes:
        return None, f"the same column twice ({', '.join(dupes)})"
    return ColumnMap(table, codes, where), None


def _active_map(entries, by_grid: bool, where: str):
    cols = [(k, c) for k, c in entries if k.startswith("leaf:") or k == "fragment"]
    if by_grid:
        cols.sort(key=lambda e: e[1].col)
    codes = [k[5:] if k != "fragment" else None for k, _ in cols]
    known = [c for c in codes if c]
    dupes = sorted({c for c in known if known.count(c) > 1})
    if dupes:
        return None, f"the same column twice ({', '.join(dupes)})"
    fragments = {i: header_text(c.text) for i, (k, c) in enumerate(cols) if k == "fragment"}
    return ColumnMap("active", codes, where, fragments), None


def _applicant_order(entries, by_grid: bool) -> list[str]:
    if by_grid:
        leaves = sorted((c.col, k[5:]) for k, c in entries if k.startswith("leaf:"))
        return [code for _, code in leaves]
    # Flattened row by row: the top row holds 自然人, 法人或其他组织 and 总计; the sub-columns follow.
    top: list[str] = []
    subs: list[str] = []
    for kind, _ in entries:
        code = kind[5:] if kind.startswith("leaf:") else None
        if kind == "group":
            top.append("group")
        elif code in _ORG_COLS:
            subs.append(code)
        elif code:
            top.append(code)
    if "group" not in top:
        return [c for c in (kind[5:] for kind, _ in entries if kind.startswith("leaf:"))]
    i = top.index("group")
    return top[:i] + subs + [c for c in top[i + 1:] if c != "group"]


def _review_order(entries, by_grid: bool) -> list | str:
    """(row, col) pairs in value order, or a problem."""
    groups = [(k[6:], c) for k, c in entries if k.startswith("group:")]
    results = [(k[5:], c) for k, c in entries if k.startswith("leaf:")]
    if by_grid:
        out = []
        for code, cell in sorted(results, key=lambda e: e[1].col):
            covering = [(g.span, name) for name, g in groups if g.col <= cell.col < g.col + g.span]
            if not covering:
                return f"no 行政复议/行政诉讼 group over {cell.text!r}"
            out.append((min(covering)[1], code))
        return out
    # Text: runs of results, each for the next group that has none yet (a run ends where a result repeats).
    runs: list[list[str]] = []
    for code, _ in results:
        if not runs or code in runs[-1]:
            runs.append([])
        runs[-1].append(code)
    names = [name for name, _ in groups] or ["review", "litigation_direct", "litigation_after_review"]
    if len(runs) != len(names):
        return f"{len(runs)} runs of result columns for {len(names)} groups"
    return [(name, code) for name, run in zip(names, runs) for code in run]

"""A whole table on one line → cells: `规章 0 0 0 行政规范性文件 5 0 5 …`, or with every cell run into
the next (`规章000行政规范性文件505第二十条第（五）项…`), as page-text dumps print report bodies.

Text runs are cut into the labels they are made of: header labels anywhere, the row's own label at
the end (from its numbering: 一、 （一） 1.). A digit before `.` that starts a label is that label's
numbering (`00000002.其他法律…` is 0000000 and 2.其他法律…). Numbers that belong to the prose
(2022年, 3条。) stay in it. A run of several digits is marked `fused`: the placer splits it into the
row's cells only where the split is certain (fused.py).
"""
from __future__ import annotations

import re

from extract.tables import headers
from extract.tables.grid import GCell
from extract.tables.labels import MAX_LABEL, active_row, application_row

# A sign between digits run together (`25-575`: 25 -5 75? 25 - 575?) makes the run unreadable: one atom.
_ATOM = re.compile(r"[+-]?\d[\d.]*(?:[+-]\d[\d.]*)+|[+-]?\d+(?:\.\d+)?|[^\d+-]+|[+-]")
_PROSE_AFTER = re.compile(r"^(?:年|月|日|时|条|%|％|号|岁|〕|\)|）|(?:件|个|次|项|起)?\s*[，。；：,;:、])")
_VALUE_UNIT = re.compile(r"^\s*(?:万元|亿元|万|元|项|件|个|次)(?!数)")
# The tables' headings: kept whole (their words 行政复议, 行政诉讼 are no column headers there).
# and the labels whose words are also column headers (其他处理 is no 其他 column).
_HEADING = re.compile(r"[一二三四五六七八九十]+、[^，。；、]{0,8}?(?:主动公开政府信息情况|收到和处理政府信息公开申请情况|"
                      r"行政复议[、与和及]行政诉讼情况)|其他处理|其他对外管理服务事项|其他法律行政法规禁止公开")
_BLANK_CHUNKS = frozenset({"/", "／", "-", "－", "—", "——", "无"})
_NUMBERING = re.compile(r"[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]")
_LABEL_WORDS = re.compile("规章|规范性文件|行政许可|行政处罚|行政强制|行政事业性收费|本年新收|上年结转|予以公开|部分公开|"
                          "国家秘密|不掌握|重复申请|结转下年度|结果维持|结果纠正|其他结果|尚未审结|信息内容|直接起诉|复议后起诉")
MIN_LABELS = 3  # distinct label words that make a long line a table


def _header_pattern() -> re.Pattern:
    words = set(headers.APPLICANT_HEADERS) | set(headers.REVIEW_RESULTS) | set(headers.REVIEW_GROUPS) | set(
        headers.ACTIVE_HEADERS) | {headers.APPLICANT_GROUP, headers.REVIEW_PARENT, headers.ACTIVE_CORNER, "申请人情况",
                                   "本年增／减", "采购（预算）总金额", "本年收费金额（单位：万元）", "本年收费金额(单位:万元)"}
    # 其他 and 总计 only where they stand for a column: not in 其他处理, 不计其他情形, （七）总计.
    special = {"其他": "其他(?!处理|情形|法律|对外|结果|组织)", "总计": "(?<![）)])总计"}
    return re.compile("|".join(special.get(w, re.escape(w)) for w in sorted(words, key=len, reverse=True)))


_HEADER = _header_pattern()


def is_table_line(line: str) -> bool:
    """A long line holding several rows' labels: a flattened table (or a whole flattened body)."""
    return len(line) > 60 and "\t" not in line and "|" not in line and len(set(_LABEL_WORDS.findall(line))) >= MIN_LABELS


def _is_row_label(text: str) -> bool:
    return len(text) <= MAX_LABEL and bool(active_row(text) or application_row(text, True))


def _atoms(line: str) -> list[list]:
    """[kind, text] with kind text | num | blank, numbering digits given back to their labels."""
    atoms: list[list] = []
    for chunk in line.split():
        if chunk in _BLANK_CHUNKS:
            atoms.append(["blank", chunk])
            continue
        for m in _ATOM.finditer(chunk):
            text = m.group(0)
            atoms.append(["num" if text[-1].isdigit() else "text", text])
        atoms.append(["gap", ""])
    out: list[list] = []
    for i, (kind, text) in enumerate(atoms):
        nxt = atoms[i + 1] if i + 1 < len(atoms) else ["gap", ""]
        if kind == "num" and nxt[0] == "gap" and i + 2 < len(atoms) and atoms[i + 2][0] == "text" \
                and (unit := _VALUE_UNIT.match(atoms[i + 2][1])):
            text += " " + unit.group(0).strip()  # 32 项: the unit printed apart
            atoms[i + 2][1] = atoms[i + 2][1][unit.end():]
            atoms[i] = [kind, text]
        if kind == "num":
            if nxt[0] == "text" and nxt[1][0] in ".．、" and "." not in text:
                nxt[1] = text[-1] + nxt[1]  # a label's numbering: 00000002.其他… → 0000000 / 2.其他…
                text = text[:-1]
                if not text:
                    continue
            elif nxt[0] == "text" and _PROSE_AFTER.match(nxt[1]):
                nxt[1] = text + nxt[1]  # a number of the prose: 2022年, 3条。
                continue
            elif nxt[0] == "text" and (unit := _VALUE_UNIT.match(nxt[1])):
                text += unit.group(0)  # 32项, 7.98万元
                nxt[1] = nxt[1][unit.end():]
        if kind == "text" and not text:
            continue
        if kind == "text" and out and out[-1][0] == "text":
            out[-1][1] += text  # a label spaced or broken: 自 然 人
            continue
        if kind == "gap":
            continue
        out.append([kind, text])
    return out


def _split_text(text: str) -> list[str]:
    """A text run as the labels it holds: headings and header labels in order, the row's own label last."""
    headings = [m.span() for m in _HEADING.finditer(text)]
    # Header words before the text's last sentence mark (outside brackets) are the prose's.
    masked = re.sub(r"[（(][^）)（(]{0,200}[）)]", lambda m: "x" * len(m.group(0)), text)
    prose = max(map(masked.rfind, "，。；,;"))
    found = [m for m in _HEADER.finditer(text)
             if m.start() > prose and not any(a <= m.start() < b for a, b in headings)]
    found = sorted(found + list(_HEADING.finditer(text)), key=lambda m: m.start())
    numbered = [m.start() for m in _NUMBERING.finditer(text)]
    candidates = numbered[-1:] + ([found[-1].end()] if found else []) + numbered[-2::-1] + [0]
    own = None
    for p in candidates:
        if p < len(text) and _is_row_label(text[p:]):
            own = p
            break
    end = own if own is not None else len(text)
    pieces, at = [], 0
    for m in found:
        if m.end() > end:
            break
        pieces += [text[at:m.start()], m.group(0)]
        at = m.end()
    pieces.append(text[at:end])
    if own is not None:
        pieces.append(text[own:])
    return [p for p in pieces if p.strip()]


def cells(line: str, lineno: int) -> list[GCell]:
    """The cells of a flattened table line, in order."""
    out = []
    for kind, text in _atoms(line):
        if kind == "text":
            out += [GCell(piece.strip(), explicit=True, line=lineno) for piece in _split_text(text)]
        else:
            # Several digits (or digits and signs) run together: a value cell the placer may split.
            out.append(GCell(text, explicit=True, line=lineno, fused=len(text) > 1 and not re.search(r"\s|\.", text)))
    return out

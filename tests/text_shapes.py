"""The seeds' numbers printed in every flattened-text shape real page dumps and PDF text layers take.

A report's three tables as rows of cell texts (the national labels, the seed's raw values), then
written out: `|` rows with and without outer pipes and `|||` runs, `|` alone on a line between
cells, each table on one line, every cell run into the next (page.txt dumps), and
`pdftotext -layout` (columns by character position, headers and labels wrapped over lines).
"""
from __future__ import annotations

from demo_portal.seeds import seed_cells
from demo_portal.tables import (ACTIVE_2019, ACTIVE_2021, APPLICANT_COLS, REVIEW_COLS, _DENIED, _NOT_PROCESSED,
                                _OTHER_2021, _RESULT_ROWS_HEAD, _UNAVAILABLE)

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
HEADINGS = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")


def raws(seed: str) -> dict[tuple[str, str, str], str]:
    return {(c.table, c.row, c.col): c.raw for c in seed_cells(seed)}


def tables(seed: str, layout: str, one_row_other: bool = False):
    """[(heading, header rows, data rows)] — each row a list of cell texts; a data row is
    (labels, values) so that shapes can lay labels and values out apart."""
    raw = raws(seed)
    active_rows = []
    active_head = []
    for section, col_labels, body in (ACTIVE_2019 if layout == "2019" else ACTIVE_2021):
        active_rows.append(([section], []))
        active_rows.append((["信息内容", *[c for c in col_labels if c]], []))
        for code, label, cols in body:
            active_rows.append(([label], [raw.get(("active", code, c), "") for c in cols]))
    apps = [(["一、本年新收政府信息公开申请数量"], "new"), (["二、上年结转政府信息公开申请数量"], "carried_over")]
    for i, (code, _group, label) in enumerate(_RESULT_ROWS_HEAD):
        apps.append(((["三、本年度办理结果"] if i == 0 else []) + [label], code))
    for group, members in (("（三）不予公开", _DENIED), ("（四）无法提供", _UNAVAILABLE), ("（五）不予处理", _NOT_PROCESSED)):
        for i, (code, label) in enumerate(members):
            apps.append((([group] if i == 0 else []) + [label], code))
    if layout == "2019" or one_row_other:
        apps.append((["（六）其他处理"], "other"))
    else:
        for i, (code, label) in enumerate(_OTHER_2021):
            apps.append(((["（六）其他处理"] if i == 0 else []) + [label], code))
    apps += [(["（七）总计"], "total"), (["四、结转下年度继续办理"], "carried_forward")]
    app_head = [[NOTE, "申请人情况"], ["自然人", "法人或其他组织", "总计"],
                ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]]
    app_rows = [(labels, [raw.get(("applications", code, c), "") for c in APPLICANT_COLS]) for labels, code in apps]
    heads = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    review_head = [["行政复议", "行政诉讼"], [*heads, "未经复议直接起诉", "复议后起诉"], [*heads, *heads]]
    review_values = [raw.get(("review_litigation", r, c), "")
                     for r in ("review", "litigation_direct", "litigation_after_review") for c in REVIEW_COLS]
    return [
        (HEADINGS[0], active_head, active_rows),
        (HEADINGS[1], app_head, app_rows),
        (HEADINGS[2], review_head, [([], review_values)]),
    ]


def _rows(seed: str, layout: str):
    """Every printed row (headings included) as a list of cells."""
    for heading, head, body in tables(seed, layout):
        yield [heading]
        yield from head
        for labels, values in body:
            yield labels + values


def pipes(seed: str, layout: str, outer: bool = True, runs: bool = False) -> str:
    out = []
    for cells in _rows(seed, layout):
        line = " | ".join(cells)
        if outer:
            line = f"| {line} |"
        if runs:
            line += " |||"
        out.append(line)
    return "\n".join(out) + "\n"


def pipe_lines(seed: str, layout: str) -> str:
    """Each cell on its own line, `|` alone on a line between cells (an empty cell: nothing between
    two of them), a blank line between rows."""
    out = []
    for cells in _rows(seed, layout):
        for i, cell in enumerate(cells):
            if i:
                out.append("|")
            if cell:
                out.append(cell)
        out.append("")
    return "\n".join(out)


def one_line(seed: str, layout: str, sep: str = " ") -> str:
    """Each table (heading, headers and rows) on one line, cells separated by `sep`."""
    out = []
    for heading, head, body in tables(seed, layout):
        cells = [heading] + [c for row in head for c in row] + [c for labels, values in body for c in labels + values]
        out.append(sep.join(c if c else "/" for c in cells) if sep else "".join(cells))
    return "\n".join(out) + "\n"


def run_together(seed: str, layout: str, prose: str = "") -> str:
    """The whole body on one line, every cell run into the next, as page.txt dumps print it."""
    return prose + "".join(c for table in one_line(seed, layout, sep="").splitlines() for c in table) + "\n"


_width = len  # pdftotext -layout places words by character count, a CJK character counting one


def layout_text(seed: str, layout: str) -> str:
    """pdftotext -layout: columns by character position, long labels wrapped over lines, the
    header labels wrapped (商业/企业 …), blank cells not printed."""
    out: list[str] = []
    label_w = 20
    col_w = 6

    def place(parts: list[tuple[int, str]]) -> str:
        line = ""
        for col, text in parts:
            pad = col - _width(line)
            line += " " * max(pad, 1 if line else 0) + text
        return line.rstrip()

    def wrap(text: str, width: int) -> list[str]:
        lines, cur = [], ""
        for ch in text:
            if _width(cur + ch) > width:
                lines.append(cur)
                cur = ""
            cur += ch
        return lines + [cur]

    for heading, head, body in tables(seed, layout):
        out.append(heading)
        if heading == HEADINGS[0]:
            for labels, values in body:
                if not values:
                    cells = labels
                    first = wrap(cells[0], label_w)
                    parts = [(0, first[0])] + [(label_w + 2 + i * 9, c[:6]) for i, c in enumerate(cells[1:])]
                    out.append(place(parts))
                    rest = [(label_w + 2 + i * 9, c[6:]) for i, c in enumerate(cells[1:]) if len(c) > 6]
                    if rest:
                        out.append(place(rest))
                    continue
                out.append(place([(0, labels[0])] + [(label_w + 2 + i * 9, v) for i, v in enumerate(values) if v]))
        elif heading == HEADINGS[1]:
            x = [label_w + 2 + i * col_w for i in range(7)]
            out.append(place([(0, NOTE[:12]), (x[0] + 14, "申请人情况")]))
            out.append(place([(0, NOTE[12:24]), (x[1] + 6, "法人或其他组织")]))
            out.append(place([(0, NOTE[24:]), (x[0], "自然人"), (x[1], "商业"), (x[2], "科研"), (x[3], "社会公"),
                              (x[4], "法律服"), (x[5], "其他"), (x[6], "总计")]))
            out.append(place([(x[1], "企业"), (x[2], "机构"), (x[3], "益组织"), (x[4], "务机构")]))
            for labels, values in body:
                label = labels[-1]
                lead = labels[0] if len(labels) > 1 else ""
                start = 6 if lead or label[0] in "0123456789（" and not label.startswith("（七") else 0
                lines = wrap(label, label_w - start - 1)
                parts = ([(0, lead[:5])] if lead else []) + [(start, lines[0])]
                parts += [(x[i], v) for i, v in enumerate(values) if v]
                out.append(place(parts))
                for n, more in enumerate(lines[1:] or ([""] if len(lead) > 5 else [])):
                    cont = ([(0, lead[5:])] if n == 0 and len(lead) > 5 else []) + ([(start, more)] if more else [])
                    out.append(place(cont))
        else:
            x = [i * 4 for i in range(15)]
            out.append(place([(0, "行政复议"), (30, "行政诉讼")]))
            out.append(place([(x[5], "未经复议直接起诉"), (x[10], "复议后起诉")]))
            heads = ("结果", "结果", "其他", "尚未", "总计")
            tails = ("维持", "纠正", "结果", "审结", "")
            out.append(place([(x[i], heads[i % 5]) for i in range(15)]))
            out.append(place([(x[i], tails[i % 5]) for i in range(15) if tails[i % 5]]))
            out.append(place([(x[i], v) for i, v in enumerate(body[0][1]) if v]))
        out.append("")
    return "\n".join(out)

"""The three tables as the national format prints them: Chinese labels of every row and column
(reference/report-schema.md) and the grid of each table per layout, for the report page and the
exports' labels. Codes come from extract/tables/schema.py; only the printed wording lives here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from extract.tables.schema import ACTIVE_COLS, APPLICANT_COLS, OTHER_ROWS, REVIEW_COLS, REVIEW_ROWS, application_rows

TABLE_TITLES = {
    "active": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
}

ACTIVE_ROW_LABELS = {
    "2019": {"rules": "规章", "normative_docs": "规范性文件", "licensing": "行政许可",
             "other_services": "其他对外管理服务事项", "penalty": "行政处罚", "coercion": "行政强制",
             "fees": "行政事业性收费", "procurement": "政府集中采购"},
    "2021": {"rules": "规章", "normative_docs": "行政规范性文件", "licensing": "行政许可", "penalty": "行政处罚",
             "coercion": "行政强制", "fees": "行政事业性收费"},
}
ACTIVE_COL_LABELS = {
    "made": "本年新制作数量", "published": "本年新公开数量", "total_public": "对外公开总数量",
    "prev_items": "上一年项目数量", "change": "本年增/减", "items": "采购项目数量", "amount": "采购(预算)总金额",
    "issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数",
}
# Labels that differ by layout: 处理决定数量 (2019) is 本年处理决定数量 in 2021, and 2021's amount is fees'.
ACTIVE_COL_LABELS_2021 = {"decisions": "本年处理决定数量", "amount": "本年收费金额（单位：万元）"}
ACTIVE_COL_LABELS_2019 = {"decisions": "处理决定数量"}
# (section, rows) of table 二, as printed.
ACTIVE_SECTIONS = {
    "2019": (("第二十条第（一）项", ("rules", "normative_docs")), ("第二十条第（五）项", ("licensing", "other_services")),
             ("第二十条第（六）项", ("penalty", "coercion")), ("第二十条第（八）项", ("fees",)),
             ("第二十条第（九）项", ("procurement",))),
    "2021": (("第二十条第（一）项", ("rules", "normative_docs")), ("第二十条第（五）项", ("licensing",)),
             ("第二十条第（六）项", ("penalty", "coercion")), ("第二十条第（八）项", ("fees",))),
}

APPLICANT_LABELS = {"natural_person": "自然人", "commercial": "商业企业", "research": "科研机构",
                    "social_welfare": "社会公益组织", "legal_services": "法律服务机构", "other_org": "其他", "total": "总计"}
# Row code → (group, label); a group spans the rows that share it.
APPLICATION_ROWS = {
    "new": (None, "一、本年新收政府信息公开申请数量"),
    "carried_over": (None, "二、上年结转政府信息公开申请数量"),
    "granted": (None, "（一）予以公开"),
    "partially_granted": (None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    "denied_state_secret": ("（三）不予公开", "1.属于国家秘密"),
    "denied_prohibited_by_law": ("（三）不予公开", "2.其他法律行政法规禁止公开"),
    "denied_three_safety_stability": ("（三）不予公开", "3.危及“三安全一稳定”"),
    "denied_third_party": ("（三）不予公开", "4.保护第三方合法权益"),
    "denied_internal_affairs": ("（三）不予公开", "5.属于三类内部事务信息"),
    "denied_process_info": ("（三）不予公开", "6.属于四类过程性信息"),
    "denied_enforcement_file": ("（三）不予公开", "7.属于行政执法案卷"),
    "denied_administrative_query": ("（三）不予公开", "8.属于行政查询事项"),
    "unavailable_not_held": ("（四）无法提供", "1.本机关不掌握相关政府信息"),
    "unavailable_needs_creation": ("（四）无法提供", "2.没有现成信息需要另行制作"),
    "unavailable_unclear": ("（四）无法提供", "3.补正后申请内容仍不明确"),
    "not_processed_complaint": ("（五）不予处理", "1.信访举报投诉类申请"),
    "not_processed_repeat": ("（五）不予处理", "2.重复申请"),
    "not_processed_publication": ("（五）不予处理", "3.要求提供公开出版物"),
    "not_processed_excessive": ("（五）不予处理", "4.无正当理由大量反复申请"),
    "not_processed_confirmation": ("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    "other": (None, "（六）其他处理"),
    "other_no_correction": ("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    "other_no_fee": ("（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    "other_other": ("（六）其他处理", "3.其他"),
    "total": (None, "（七）总计"),
    "carried_forward": (None, "四、结转下年度继续办理"),
}
RESULTS_GROUP = "三、本年度办理结果"
REVIEW_ROW_LABELS = {"review": "行政复议", "litigation_direct": "行政诉讼·未经复议直接起诉",
                     "litigation_after_review": "行政诉讼·复议后起诉"}
REVIEW_COL_LABELS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}


@dataclass(frozen=True)
class Label:
    text: str
    rowspan: int = 1
    colspan: int = 1
    group: bool = False  # a group label printed down the side


@dataclass(frozen=True)
class Value:
    code: str  # table.row.col
    colspan: int = 1


@dataclass(frozen=True)
class Empty:
    colspan: int = 1


def active_col_label(layout: str, col: str) -> str:
    extra = ACTIVE_COL_LABELS_2021 if layout == "2021" else ACTIVE_COL_LABELS_2019
    return extra.get(col) or ACTIVE_COL_LABELS[col]


def application_row_label(row: str) -> str:
    group, label = APPLICATION_ROWS[row]
    return f"{group}{label}" if group else label


def other_rows(layout: str, codes: set[str]) -> tuple[str, ...]:
    """（六）其他处理 as the report prints it: one row in 2019, three in 2021 — or one in a 2021 report
    that still prints one (its cells say so)."""
    if layout == "2021" and not any(c.startswith(f"applications.{r}.") for r in OTHER_ROWS["2021"] for c in codes) \
            and any(c.startswith("applications.other.") for c in codes):
        return OTHER_ROWS["2019"]
    return OTHER_ROWS[layout]


def active_grid(layout: str) -> list[list]:
    rows = []
    for section, members in ACTIVE_SECTIONS[layout]:
        cols = ACTIVE_COLS[layout][members[0]]
        rows.append([Label(section, colspan=4)])
        if len(cols) == 1:  # 2021: one value column spread over the three
            rows.append([Label("信息内容"), Label(active_col_label(layout, cols[0]), colspan=3)])
        else:
            rows.append([Label("信息内容")] + [Label(active_col_label(layout, c)) for c in cols] + [Empty()] * (3 - len(cols)))
        for row in members:
            cells = [Value(f"active.{row}.{c}", colspan=3 if len(cols) == 1 else 1) for c in ACTIVE_COLS[layout][row]]
            rows.append([Label(ACTIVE_ROW_LABELS[layout][row])] + cells + [Empty()] * (3 - len(cols) if len(cols) > 1 else 0))
    return rows


def applications_grid(layout: str, codes: set[str]) -> list[list]:
    def values(row):
        return [Value(f"applications.{row}.{c}") for c in APPLICANT_COLS + ("total",)]

    others = other_rows(layout, codes)
    results = [r for r in application_rows("2019" if others == OTHER_ROWS["2019"] else "2021")
               if r not in ("new", "carried_over", "total", "carried_forward")] + ["total"]
    rows = [
        [Label("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3),
         Label("申请人情况", colspan=7)],
        [Label("自然人", rowspan=2), Label("法人或其他组织", colspan=5), Label("总计", rowspan=2)],
        [Label(APPLICANT_LABELS[c]) for c in APPLICANT_COLS[1:]],
        [Label(APPLICATION_ROWS["new"][1], colspan=3)] + values("new"),
        [Label(APPLICATION_ROWS["carried_over"][1], colspan=3)] + values("carried_over"),
    ]
    seen_groups = set()
    for i, row in enumerate(results):
        group, label = APPLICATION_ROWS[row]
        lead = [Label(RESULTS_GROUP, rowspan=len(results), group=True)] if i == 0 else []
        if group is None:
            rows.append(lead + [Label(label, colspan=2)] + values(row))
        else:
            if group not in seen_groups:
                seen_groups.add(group)
                lead.append(Label(group, rowspan=sum(APPLICATION_ROWS[r][0] == group for r in results), group=True))
            rows.append(lead + [Label(label)] + values(row))
    rows.append([Label(APPLICATION_ROWS["carried_forward"][1], colspan=3)] + values("carried_forward"))
    return rows


def review_grid() -> list[list]:
    heads = [REVIEW_COL_LABELS[c] for c in REVIEW_COLS]
    return [
        [Label("行政复议", colspan=5), Label("行政诉讼", colspan=10)],
        [Label(h, rowspan=2) for h in heads] + [Label("未经复议直接起诉", colspan=5), Label("复议后起诉", colspan=5)],
        [Label(h) for h in heads * 2],
        [Value(f"review_litigation.{r}.{c}") for r in REVIEW_ROWS for c in REVIEW_COLS],
    ]


def grids(layout: Optional[str], codes: set[str]) -> dict[str, list[list]]:
    """Table code → rows of the national format; the layout decides (2019 when unknown)."""
    layout = layout if layout in ACTIVE_COLS else "2019"
    return {"active": active_grid(layout), "applications": applications_grid(layout, codes),
            "review_litigation": review_grid()}


def grid_codes(grid: list[list]) -> list[str]:
    """The cell codes a grid prints, in order."""
    return [item.code for row in grid for item in row if isinstance(item, Value)]


def cell_label(code: str, layout: Optional[str] = None) -> str:
    """The Chinese label of one cell code: row label · column label (section table's wording)."""
    table, row, col = code.split(".")
    if table == "active":
        lay = layout if layout in ACTIVE_COLS and row in ACTIVE_COLS[layout] else (
            "2019" if row in ACTIVE_COLS["2019"] and col in ACTIVE_COLS["2019"][row] else "2021")
        return f"{ACTIVE_ROW_LABELS[lay][row]}·{active_col_label(lay, col)}"
    if table == "applications":
        return f"{application_row_label(row)}·{APPLICANT_LABELS[col]}"
    return f"{REVIEW_ROW_LABELS[row]}·{REVIEW_COL_LABELS[col]}"


def layout_codes() -> dict[str, set[str]]:
    """Layout → the codes its grid prints; "2021-one-row": a 2021 report printing （六） as one row."""
    one_row = {"applications.other.total"}
    return {"2019": set(grid_codes(sum(grids("2019", set()).values(), []))),
            "2021": set(grid_codes(sum(grids("2021", set()).values(), []))),
            "2021-one-row": set(grid_codes(sum(grids("2021", one_row).values(), [])))}


def all_codes() -> list[str]:
    """Every cell code of either layout, in the order the tables print them (2019's before 2021's
    where they differ): the export's columns."""
    codes: list[str] = []
    for layout in ("2019", "2021"):
        for row, cols in ACTIVE_COLS[layout].items():
            codes += [f"active.{row}.{c}" for c in cols]
    rows = list(application_rows("2019"))
    rows[rows.index("other") + 1:rows.index("other") + 1] = OTHER_ROWS["2021"]
    codes += [f"applications.{r}.{c}" for r in rows for c in APPLICANT_COLS + ("total",)]
    codes += [f"review_litigation.{r}.{c}" for r in REVIEW_ROWS for c in REVIEW_COLS]
    return list(dict.fromkeys(codes))

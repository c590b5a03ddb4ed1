"""The three statistical tables of a report as agency sites render them: real <table> markup with
rowspan/colspan, in two styles — "plain" CMS markup and "word", the span soup of a Word export."""
from __future__ import annotations

from html import escape

APPLICANT_COLS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")
REVIEW_COLS = ("upheld", "corrected", "other", "pending", "total")

# (row code, group label or None, label); a group label spans the rows that share it.
_RESULT_ROWS_HEAD = [
    ("granted", "三、本年度办理结果", "（一）予以公开"),
    ("partially_granted", "三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
]
_DENIED = [
    ("denied_state_secret", "1.属于国家秘密"),
    ("denied_prohibited_by_law", "2.其他法律行政法规禁止公开"),
    ("denied_three_safety_stability", "3.危及“三安全一稳定”"),
    ("denied_third_party", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "5.属于三类内部事务信息"),
    ("denied_process_info", "6.属于四类过程性信息"),
    ("denied_enforcement_file", "7.属于行政执法案卷"),
    ("denied_administrative_query", "8.属于行政查询事项"),
]
_UNAVAILABLE = [
    ("unavailable_not_held", "1.本机关不掌握相关政府信息"),
    ("unavailable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unavailable_unclear", "3.补正后申请内容仍不明确"),
]
_NOT_PROCESSED = [
    ("not_processed_complaint", "1.信访举报投诉类申请"),
    ("not_processed_repeat", "2.重复申请"),
    ("not_processed_publication", "3.要求提供公开出版物"),
    ("not_processed_excessive", "4.无正当理由大量反复申请"),
    ("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息"),
]
_OTHER_2021 = [
    ("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "3.其他"),
]

ACTIVE_2019 = [
    # (section label, column labels, [(row code, row label, col codes)])
    ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
     [("rules", "规章", ("made", "published", "total_public")),
      ("normative_docs", "规范性文件", ("made", "published", "total_public"))]),
    ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     [("licensing", "行政许可", ("prev_items", "change", "decisions")),
      ("other_services", "其他对外管理服务事项", ("prev_items", "change", "decisions"))]),
    ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     [("penalty", "行政处罚", ("prev_items", "change", "decisions")),
      ("coercion", "行政强制", ("prev_items", "change", "decisions"))]),
    ("第二十条第（八）项", ("上一年项目数量", "本年增/减", ""),
     [("fees", "行政事业性收费", ("prev_items", "change"))]),
    ("第二十条第（九）项", ("采购项目数量", "采购总金额", ""),
     [("procurement", "政府集中采购", ("items", "amount"))]),
]
ACTIVE_2021 = [
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
     [("rules", "规章", ("issued", "repealed", "in_force")),
      ("normative_docs", "行政规范性文件", ("issued", "repealed", "in_force"))]),
    ("第二十条第（五）项", ("本年处理决定数量",),
     [("licensing", "行政许可", ("decisions",))]),
    ("第二十条第（六）项", ("本年处理决定数量",),
     [("penalty", "行政处罚", ("decisions",)), ("coercion", "行政强制", ("decisions",))]),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",),
     [("fees", "行政事业性收费", ("amount",))]),
]


class TableRenderer:
    """Renders cells {(table, row, col): raw} into the national table format."""

    def __init__(self, raw: dict[tuple[str, str, str], str], layout: str, style: str = "plain",
                 labels: dict[str, str] | None = None):
        self.raw = raw
        self.layout = layout
        self.style = style
        self.labels = labels or {}  # per-report label wording, e.g. {"本年制发件数": "本年新发件数"}

    # -- cells ---------------------------------------------------------------------------------
    def label(self, text: str, rowspan: int = 1, colspan: int = 1, vertical: bool = False) -> str:
        text = self.labels.get(text, text)
        if self.style == "word":
            if vertical:  # Word tables print narrow group labels one character per line
                inner = "<br>".join(f"<span style='font-size:10.5pt;font-family:宋体'>{escape(ch)}</span>" for ch in text)
            elif len(text) > 6:  # long labels come out split over two spans and a soft break
                cut = len(text) // 2
                inner = (f"<span style='font-size:10.5pt;font-family:宋体'>{escape(text[:cut])}</span>"
                         f"<span style='font-size:10.5pt;font-family:宋体'><br>\n{escape(text[cut:])}</span>")
            else:
                inner = f"<span style='font-size:10.5pt;font-family:宋体'>{escape(text)}</span>"
            body = f"<p class=MsoNormal align=center style='text-align:center'>{inner}<span lang=EN-US><o:p></o:p></span></p>"
        else:
            body = escape(text)
        return f"<td{_spans(rowspan, colspan)}>{body}</td>"

    def value(self, table: str, row: str, col: str, colspan: int = 1) -> str:
        raw = self.raw.get((table, row, col), "")
        if self.style == "word":
            text = escape(raw) if raw else "&nbsp;"
            body = (f"<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US "
                    f"style='font-size:10.5pt;font-family:\"Times New Roman\"'>{text}<o:p></o:p></span></p>")
        else:
            body = escape(raw)
        return f"<td{_spans(1, colspan)}>{body}</td>"

    def empty(self, colspan: int = 1) -> str:
        return f"<td{_spans(1, colspan)}>{'&nbsp;' if self.style == 'word' else ''}</td>"

    def table(self, rows: list[str]) -> str:
        attrs = ("class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse'"
                 if self.style == "word" else "class='table-report' border='1' cellspacing='0'")
        return f"<table {attrs}>\n<tbody>\n" + "\n".join(f"<tr>{r}</tr>" for r in rows) + "\n</tbody>\n</table>"

    # -- tables --------------------------------------------------------------------------------
    def active(self) -> str:
        sections = ACTIVE_2019 if self.layout == "2019" else ACTIVE_2021
        rows = []
        for section, col_labels, body in sections:
            rows.append(self.label(section, colspan=4))
            if len(col_labels) == 1:  # 2021 layout: one value column spread over the three
                rows.append(self.label("信息内容") + self.label(col_labels[0], colspan=3))
            else:
                rows.append(self.label("信息内容") + "".join(self.label(t) if t else self.empty() for t in col_labels))
            for code, label, cols in body:
                if len(col_labels) == 1:
                    cells = self.value("active", code, cols[0], colspan=3)
                else:
                    cells = "".join(self.value("active", code, col) for col in cols)
                    cells += self.empty() * (3 - len(cols))
                rows.append(self.label(label) + cells)
        return self.table(rows)

    def applications(self) -> str:
        v = lambda code: "".join(self.value("applications", code, col) for col in APPLICANT_COLS)  # noqa: E731
        rows = [
            self.label("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3)
            + self.label("申请人情况", colspan=7),
            self.label("自然人", rowspan=2) + self.label("法人或其他组织", colspan=5) + self.label("总计", rowspan=2),
            "".join(self.label(t) for t in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")),
            self.label("一、本年新收政府信息公开申请数量", colspan=3) + v("new"),
            self.label("二、上年结转政府信息公开申请数量", colspan=3) + v("carried_over"),
        ]
        n_results = 2 + len(_DENIED) + len(_UNAVAILABLE) + len(_NOT_PROCESSED) + (1 if self.layout == "2019" else 3) + 1
        for i, (code, _group, label) in enumerate(_RESULT_ROWS_HEAD):
            lead = self.label("三、本年度办理结果", rowspan=n_results, vertical=True) if i == 0 else ""
            rows.append(lead + self.label(label, colspan=2) + v(code))
        for group, members in (("（三）不予公开", _DENIED), ("（四）无法提供", _UNAVAILABLE), ("（五）不予处理", _NOT_PROCESSED)):
            for i, (code, label) in enumerate(members):
                lead = self.label(group, rowspan=len(members), vertical=True) if i == 0 else ""
                rows.append(lead + self.label(label) + v(code))
        if self.layout == "2019":
            rows.append(self.label("（六）其他处理", colspan=2) + v("other"))
        else:
            for i, (code, label) in enumerate(_OTHER_2021):
                lead = self.label("（六）其他处理", rowspan=3) if i == 0 else ""
                rows.append(lead + self.label(label) + v(code))
        rows.append(self.label("（七）总计", colspan=2) + v("total"))
        rows.append(self.label("四、结转下年度继续办理", colspan=3) + v("carried_forward"))
        return self.table(rows)

    def review_litigation(self) -> str:
        heads = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
        rows = [
            self.label("行政复议", colspan=5) + self.label("行政诉讼", colspan=10),
            "".join(self.label(h, rowspan=2) for h in heads)
            + self.label("未经复议直接起诉", colspan=5) + self.label("复议后起诉", colspan=5),
            "".join(self.label(h) for h in heads * 2),
            "".join(self.value("review_litigation", row, col)
                    for row in ("review", "litigation_direct", "litigation_after_review") for col in REVIEW_COLS),
        ]
        return self.table(rows)


def _spans(rowspan: int, colspan: int) -> str:
    return (f" rowspan=\"{rowspan}\"" if rowspan > 1 else "") + (f" colspan=\"{colspan}\"" if colspan > 1 else "")

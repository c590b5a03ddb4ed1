"""Which page is an annual report, and its title, agency and year."""
from __future__ import annotations

import re
from collections import Counter

_WS = re.compile(r"[\s\u00a0\u2002\u2003\u3000]+")
_CJK = "\u4e00-\u9fff"
# 政府信息公开(工作)年度报告 / 年报, also 政务公开 and 年度工作报告.
_REPORT_TITLE = re.compile(r"(政府信息公开|政务公开|信息公开).{0,6}(年度报告|年报|年度工作报告)")
# Close-looking titles that are not the report itself: notices about it, work plans, forms, letters.
_NOT_REPORT = re.compile(r"通知|通报|函$|的函|工作要点|要点|统计报表|报表|提纲|模板|格式|培训|考核|评估|评议|核查|检查|整改|解读|关于")
_TABLE_MARKERS = ("收到和处理政府信息公开申请情况", "主动公开政府信息情况")
_YEAR_IN_TITLE = re.compile(r"(20\d\d)\s*年(?:度)?")
_PERIOD_YEAR = re.compile(r"(?:统计期限|统计时限|统计时间|统计区间|统计期间|数据统计)[^。\d]{0,12}(20\d\d)\s*年")
_AGENCY_SUFFIX = r"(?:人民政府办公室|人民政府办公厅|人民政府|委员会|办公室|办公厅|管理局|管理厅|局|厅|委|办|院|署|中心|馆|会|所|站|处)"
# "由衢州市应急管理局完成本报告", "请与…办公室联系", "本报告由…编制": sentences that name the author.
_AUTHOR_PATTERNS = (
    re.compile(rf"由([{_CJK}]{{2,30}}?{_AGENCY_SUFFIX})(?:完成|编制|制作|发布|负责)"),
    re.compile(rf"请(?:与|联系)[:：]?([{_CJK}]{{2,30}}?{_AGENCY_SUFFIX})(?:办公室|政务公开|信息公开)"),
    re.compile(rf"[“\"]([{_CJK}]{{2,30}}?{_AGENCY_SUFFIX})[”\"](?:门户)?网站"),
)


def squeeze(text: str) -> str:
    """Remove whitespace inside Chinese text ("2020 年" → "2020年", "自 然 人" → "自然人")."""
    return _WS.sub("", text)


def looks_like_report_title(title: str | None) -> bool:
    if not title:
        return False
    t = squeeze(title)
    # A year is required: a column named 政府信息公开年报 is a listing, not a report.
    return bool(_REPORT_TITLE.search(t) and _YEAR_IN_TITLE.search(t)) and not _NOT_REPORT.search(t)


def has_report_tables(text: str) -> bool:
    t = squeeze(text)
    return all(marker in t for marker in _TABLE_MARKERS)


def is_report(title: str | None, text: str) -> bool:
    """A page is a report when its title says so; a page without a title when its text has the tables."""
    if title:
        return looks_like_report_title(title)
    return has_report_tables(text) and ("年度报告" in text or "本报告" in text or "年报" in text)


def title_from_text(text: str) -> str | None:
    """The heading of a plain-text report: the first line ending in 年度报告, with the agency line before it."""
    lines = [squeeze(line) for line in text.split("\n")[:40]]
    lines = [line for line in lines if line]
    for i, line in enumerate(lines[:15]):
        if re.search(r"(年度报告|年报)$", line) and len(line) <= 60:
            if re.match(r"^(20\d\d|[（(]?\d)", line) and i > 0 and len(lines[i - 1]) <= 30 and "：" not in lines[i - 1] and ":" not in lines[i - 1]:
                return lines[i - 1] + line
            return line
        # A title split after the year: "…应急管理局2020年" / "政府信息公开工作年度报告".
        if i + 1 < len(lines) and re.search(r"20\d\d年度?$", line) and _REPORT_TITLE.search(lines[i + 1]):
            return line + lines[i + 1]
    return None


def clean_page_title(title: str | None) -> str | None:
    """<title> often carries the site name: "…年度报告-沭阳县发改局" → "…年度报告"."""
    if not title:
        return None
    t = squeeze(title)
    m = re.match(r"^(.*?(?:年度报告|年报|年度工作报告))(?:[-_|—·].*)?$", t)
    return m.group(1) if m else t


def year_of(title: str | None, text: str) -> int | None:
    """The year reported on: from the title, else from 统计期限 / 数据统计时限."""
    if title:
        m = _YEAR_IN_TITLE.search(squeeze(title))
        if m:
            return int(m.group(1))
    m = _PERIOD_YEAR.search(squeeze(text))
    return int(m.group(1)) if m else None


def agency_of(title: str | None, text: str, hints: tuple[str, ...] = ()) -> str | None:
    """The full name of the reporting body, completed from the text where the title abbreviates it.

    `hints` are names the page itself carries outside the text (<meta name="ContentSource">,
    SiteName): used to complete an abbreviated name when the text does not.
    """
    t = squeeze(text)
    candidate = None
    if title:
        m = re.match(rf"^([{_CJK}（）()]+?)(?:20\d\d|关于|政府信息公开|政务公开)", squeeze(title))
        if m:
            candidate = m.group(1)
    if candidate is None:
        named = Counter()
        for pattern in _AUTHOR_PATTERNS:
            for m in pattern.finditer(t):
                named[m.group(1)] += 1
        if not named:
            return None
        candidate = max(named, key=lambda n: (named[n], len(n)))
    return _complete_name(candidate, t + "\n" + "\n".join(squeeze(h) for h in hints))


def _complete_name(name: str, text: str) -> str:
    """"自治区应急管理厅" whose text names "宁夏回族自治区应急管理厅" → the longer name.

    Only a name that begins with a bare level word (自治区, 省, 市, 区, 县 …) is completed: those are
    the abbreviations a body uses for itself on its own site.
    """
    if not re.match(r"^(自治区|省|市|区|县|州|盟|旗)", name):
        return name
    fuller = Counter(m.group(1) for m in re.finditer(rf"([{_CJK}]{{2,10}}){re.escape(name)}", text))
    for prefix, _ in fuller.most_common():
        # Trim leading words that are not part of the name ("的", "在", "是" …).
        prefix = re.sub(r"^.*?(?:的|在|是|与|和|及|为|对|向|由|经)", "", prefix)
        if len(prefix) >= 2:
            return prefix + name
    return name

"""Which page is an annual report, and its title, agency and year."""
from __future__ import annotations

import re
from collections import Counter

_CJK = "\u4e00-\u9fff"
# A year as printed: 2020年, 2020年度, 二〇二〇年, 二零二一年度.
_CN_DIGITS = "〇零一二三四五六七八九"
_YEAR = rf"(?:(?:19|20)\d\d|[{_CN_DIGITS}]{{4}})"
# What names a report: 政府信息公开(工作)(年度)报告 / 年报, 政务公开工作年度报告, 信息公开年报 …
_REPORT_NAME = re.compile(r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:情况)?(?:年度)?(?:工作)?(?:报告|年报)"
                          r"|(?:政府信息公开|政务公开|信息公开).{0,6}?(?:年度报告|年报|年度工作报告)")
# Links that may lead to a report or a column of them (wide: the page decides).
_REPORTISH = re.compile(r"年度报告|年报|年度工作报告|年度报吿|(?:信息公开|政务公开)[^，。；]{0,8}?报告")
# Close-looking titles that are not the report itself: notices about it, work plans, forms, letters.
_NOT_REPORT = re.compile(r"通知|通报|函$|的函|要点|自查|落实情况|统计报表|报表|统计表|提纲|模板|格式|培训|考核|评估|评议|"
                         r"核查|检查|整改|解读|问答|图解")
# A report title ends in its name, perhaps with a note in brackets: …年度报告（图片版）.
_ENDS_AS_REPORT = re.compile(r"(?:报告|年报)(?:[（(][^）)]{0,12}[）)])?$")
_TABLE_MARKERS = ("收到和处理政府信息公开申请情况", "主动公开政府信息情况")
_PERIOD = re.compile(r"统计期限|统计时限|统计时间|统计区间|统计期间|数据统计|统计周期|本报告|年度报告|年报")
_YEAR_IN_TITLE = re.compile(rf"({_YEAR})\s*年(?:度)?")
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
    # str.split() splits at exactly the characters re's \s matches (checked over every code point;
    # \u00a0 \u2002 \u2003 \u3000 among them), 3x faster than a substitution.
    return "".join(text.split())


def names_report(text: str | None) -> bool:
    """Whether a link text or title names an annual report (or a column of them, or a notice about
    one): what the crawler follows. Whether the page *is* a report is decided on the page."""
    return bool(text) and bool(_REPORTISH.search(squeeze(text or "")))


def looks_like_report_title(title: str | None) -> bool:
    """A report's own title: it names the report, ends in that name and carries a year; a notice,
    letter, work plan, form, self-inspection or commentary about one is not."""
    if not title:
        return False
    t = squeeze(title)
    # A year is required: a column named 政府信息公开年报 is a listing, not a report.
    return (bool(_REPORT_NAME.search(t) and _YEAR_IN_TITLE.search(t) and _ENDS_AS_REPORT.search(t))
            and not _NOT_REPORT.search(t))


def has_report_tables(text: str) -> bool:
    t = squeeze(text)
    return all(marker in t for marker in _TABLE_MARKERS)


def is_report(title: str | None, text: str) -> bool:
    """A page is a report when its title says so; when its title names no report (or there is none),
    when its text has the standard tables and a reporting period (统计期限) or calls itself a report."""
    if title and names_report(title):
        return looks_like_report_title(title)
    return has_report_tables(text) and bool(_PERIOD.search(squeeze(text)))


def title_from_text(text: str) -> str | None:
    """The heading of a plain-text report: the first line ending in 年度报告, with the agency line before it."""
    lines = [squeeze(line) for line in text.split("\n")[:40]]
    lines = [line for line in lines if line]
    for i, line in enumerate(lines[:15]):
        if re.search(r"(年度报告|年报|工作报告)$", line) and len(line) <= 60 and _REPORT_NAME.search(line) \
                and not re.search(r"[:：]", line):
            if re.match(rf"^({_YEAR}|[（(]?\d)", line) and i > 0 and len(lines[i - 1]) <= 30 and "：" not in lines[i - 1] and ":" not in lines[i - 1]:
                return lines[i - 1] + line
            return line
        # A title split after the year: "…应急管理局2020年" / "政府信息公开工作年度报告".
        if i + 1 < len(lines) and re.search(rf"{_YEAR}年度?$", line) and _REPORT_NAME.search(lines[i + 1]):
            return line + lines[i + 1]
    return None


def clean_page_title(title: str | None) -> str | None:
    """<title> often carries the site name: "…年度报告-沭阳县发改局" → "…年度报告"."""
    if not title:
        return None
    t = squeeze(title)
    m = re.match(r"^(.*?(?:年度报告|年报|工作报告))(?:[-_|—·].*)?$", t)
    return m.group(1) if m else t


_CN_VALUE = {ch: str(max(0, i - 1)) for i, ch in enumerate(_CN_DIGITS)}  # 〇 and 零 are both 0


def _year(printed: str) -> int:
    """2020 or 二〇二〇 → 2020."""
    return int(printed if printed.isdigit() else "".join(_CN_VALUE[ch] for ch in printed))


def year_of(title: str | None, text: str) -> int | None:
    """The year reported on: from the title, else from 统计期限 / 数据统计时限."""
    if title:
        m = _YEAR_IN_TITLE.search(squeeze(title))
        if m:
            return _year(m.group(1))
    m = _PERIOD_YEAR.search(squeeze(text))
    return int(m.group(1)) if m else None


_TITLE_AGENCY = re.compile(rf"^([{_CJK}（）()]+?)(?:{_YEAR}年|关于|政府信息公开|政务公开|信息公开)")


def agency_of(title: str | None, text: str, hints: tuple[str, ...] = (), publisher: str | None = None,
              site_name: str | None = None) -> str | None:
    """The full name of the reporting body: the title's, else the one the text names as the
    report's author, else the metadata's 发布机构, else the site's name — completed from the text
    where it is abbreviated (自治区应急管理厅 → 宁夏回族自治区应急管理厅).

    `hints` are names the page itself carries outside the text (<meta name="ContentSource">,
    SiteName): used to complete an abbreviated name when the text does not.
    """
    candidate = None
    if title:
        named = re.sub(rf"^{_YEAR}年度?", "", squeeze(title))
        m = None if re.match(r"政府信息公开|政务公开|信息公开", named) else _TITLE_AGENCY.match(named)
        if m and len(m.group(1)) >= 2:
            candidate = m.group(1)
    t = None  # the text squeezed: only when the title names no agency or its name needs completing
    if candidate is None:
        t = squeeze(text)
        authors: Counter[str] = Counter()
        for pattern in _AUTHOR_PATTERNS:
            for m in pattern.finditer(t):
                authors[m.group(1)] += 1
        if authors:
            candidate = max(authors, key=lambda n: (authors[n], len(n)))
    candidate = candidate or (squeeze(publisher) if publisher else None) or (squeeze(site_name) if site_name else None)
    if not candidate:
        return None
    if not _ABBREVIATED.match(candidate):
        return candidate
    t = squeeze(text) if t is None else t
    return _complete_name(candidate, t + "\n" + "\n".join(squeeze(h) for h in hints))


_ABBREVIATED = re.compile(r"^(自治区|省|市|区|县|州|盟|旗)")


def _complete_name(name: str, text: str) -> str:
    """"自治区应急管理厅" whose text names "宁夏回族自治区应急管理厅" → the longer name.

    Only a name that begins with a bare level word (自治区, 省, 市, 区, 县 …) is completed: those are
    the abbreviations a body uses for itself on its own site.
    """
    if not _ABBREVIATED.match(name):
        return name
    fuller = Counter(m.group(1) for m in re.finditer(rf"([{_CJK}]{{2,10}}){re.escape(name)}", text))
    for prefix, _ in fuller.most_common():
        # Trim leading words that are not part of the name ("的", "在", "是" …).
        prefix = re.sub(r"^.*?(?:的|在|是|与|和|及|为|对|向|由|经)", "", prefix)
        if len(prefix) >= 2:
            return prefix + name
    return name

"""Row labels → codes. Labels vary (spaces inside, split over lines, 规范性文件 vs 行政规范性文件,
上年转结 vs 上年结转); they are normalised and then looked up, never guessed from position."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Optional

_DROP = re.compile(r"[\s\u200b-\u200d\u2060\ufeff\"'“”‘’「」『』]+")
# 一、 （一） 1. 1、 (1) — numbering before a label, possibly several in one cell.
_NUMBERING = re.compile(r"(?:[一二三四五六七八九十]+[、.,]|\([一二三四五六七八九十\d]+\)|\d+[、.,)])")
# Group labels that a cell may carry in front of the row's own label.
_GROUPS = ("本年度办理结果", "不予公开", "无法提供", "不予处理", "其他处理")

MAX_LABEL = 60  # longer text is prose, never a row label or a heading of the tables


@lru_cache(maxsize=4096)
def norm(text: str) -> str:
    """Full-width → half-width, whitespace and quotes removed: 自 然 人 → 自然人, （一） → (一)."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=4096)
def core(text: str) -> str:
    """The label without its numbering and group prefixes: 三、本年度办理结果（一）予以公开 → 予以公开."""
    s = norm(text)
    while True:
        before = s
        m = _NUMBERING.match(s)
        if m and m.end() < len(s):
            s = s[m.end():]
        for g in _GROUPS:
            if s.startswith(g) and len(s) > len(g):
                s = s[len(g):]
        if s == before:
            return s


ACTIVE_LABELS = {
    "规章": "rules",
    "规范性文件": "normative_docs",
    "行政规范性文件": "normative_docs",
    "行政许可": "licensing",
    "其他对外管理服务事项": "other_services",
    "行政处罚": "penalty",
    "行政强制": "coercion",
    "行政事业性收费": "fees",
    "政府集中采购": "procurement",
}

# (keyword in the label's core, row). First match wins; more specific keywords come first.
_APP_KEYWORDS = (
    ("逾期不补正", "other_no_correction"),
    ("缴纳费用", "other_no_fee"),
    ("新收", "new"),
    ("上年结转", "carried_over"),
    ("上年转结", "carried_over"),
    ("结转下年度", "carried_forward"),
    ("转结下年度", "carried_forward"),
    ("部分公开", "partially_granted"),
    ("国家秘密", "denied_state_secret"),
    ("禁止公开", "denied_prohibited_by_law"),
    ("三安全一稳定", "denied_three_safety_stability"),
    ("第三方合法权益", "denied_third_party"),
    ("内部事务", "denied_internal_affairs"),
    ("过程性信息", "denied_process_info"),
    ("行政执法案卷", "denied_enforcement_file"),
    ("行政查询", "denied_administrative_query"),
    ("不掌握", "unavailable_not_held"),
    ("另行制作", "unavailable_needs_creation"),
    ("仍不明确", "unavailable_unclear"),
    ("信访举报投诉", "not_processed_complaint"),
    ("重复申请", "not_processed_repeat"),
    ("公开出版物", "not_processed_publication"),
    ("大量反复", "not_processed_excessive"),
    ("重新出具", "not_processed_confirmation"),
)
# Short labels that also occur as column headers or prose: they must be the whole core.
_APP_EXACT = {"予以公开": "granted", "其他处理": "other", "总计": "total", "合计": "total"}


@lru_cache(maxsize=8192)
def active_row(text: str) -> Optional[str]:
    if len(text) > MAX_LABEL:
        return None
    return ACTIVE_LABELS.get(core(text))


@lru_cache(maxsize=8192)
def application_row(text: str, after_other_group: bool) -> Optional[str]:
    """The applications row a label names. `3.其他` is other_other only inside （六）其他处理."""
    if len(text) > MAX_LABEL or "。" in text:
        return None
    c = core(text)
    if c in _APP_EXACT:
        return _APP_EXACT[c]
    if c == "其他":
        return "other_other" if after_other_group else None
    for key, row in _APP_KEYWORDS:
        if key in c:
            return row
    return None


@lru_cache(maxsize=8192)
def is_other_group(text: str) -> bool:
    """The （六）其他处理 group label (alone or in front of a sub-row label)."""
    return len(text) <= MAX_LABEL and "其他处理" in norm(text)


_SECTION_MARKERS = (
    ("review_litigation", ("行政复议", "行政诉讼", "复议后起诉", "直接起诉", "结果维持", "尚未审结")),
    ("applications", ("收到和处理政府信息公开申请", "申请人情况", "勾稽关系", "自然人", "法人或其他组织")),
    ("active", ("主动公开政府信息情况", "第二十条", "信息内容")),
)


@lru_cache(maxsize=8192)
def section_marker(text: str) -> Optional[str]:
    """Which table a heading or header cell announces, if any."""
    if len(text) > 40:
        return None
    n = norm(text)
    for section, keys in _SECTION_MARKERS:
        if any(k in n for k in keys):
            return section
    return None


_SIGNALS_2019 = frozenset({
    "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "处理决定数量",
    "采购项目数量", "采购总金额", "采购预算总金额", "其他对外管理服务事项", "政府集中采购",
})
_SIGNALS_2021 = frozenset({"本年制发件数", "本年新发件数", "本年废止件数", "现行有效件数", "本年处理决定数量"})


@lru_cache(maxsize=8192)
def layout_signal(text: str) -> Optional[str]:
    """'2019' / '2021' when a header or label belongs to one layout only."""
    if len(text) > MAX_LABEL:
        return None
    n = norm(text)
    if n in _SIGNALS_2019 or n.startswith("第二十条第(九)项"):
        return "2019"
    if n in _SIGNALS_2021 or n.startswith("本年收费金额"):
        return "2021"
    c = core(text)
    if "逾期不补正" in c or "缴纳费用" in c:
        return "2021"
    return None

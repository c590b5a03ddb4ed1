"""The 信息公开 metadata block (索引号, 发布机构, 成文日期 …) from a page's text.

Labels appear with spaces inside (索 引 号), values may be empty, and a block may hold several
label/value pairs on a line ("文 号: 主题分类: 应急,安全" → doc_no "", topic "应急,安全").
"""
from __future__ import annotations

import re

METADATA_KEYS = ("index_no", "publisher", "written_date", "published_date", "doc_no", "topic", "disclosure", "genre")

_LABELS = {
    "index_no": ("索引号",),
    "publisher": ("发布机构", "发文机关"),
    "written_date": ("成文日期",),
    "published_date": ("发布日期", "公开日期"),
    "doc_no": ("文号", "发文字号"),
    "topic": ("主题分类",),
    "disclosure": ("公开方式",),
    "genre": ("体裁分类",),
}
_OTHER_LABELS = ("标题", "名称", "有效性", "公开范围", "公开时限", "生效日期", "废止日期", "信息来源", "来源")
_DATE_KEYS = ("written_date", "published_date")


def _spaced(label: str) -> str:
    return r"[ \u3000\u00a0]*".join(map(re.escape, label))


def _label_pattern() -> re.Pattern:
    alts = []
    for key, labels in _LABELS.items():
        for label in labels:
            alts.append(f"(?P<{key}_{len(alts)}>{_spaced(label)})")
    for label in _OTHER_LABELS:
        alts.append(f"(?:{_spaced(label)})")
    # A label is followed by a colon, or stands alone in its table cell (tab or line end).
    return re.compile(r"(?:^|(?<=[\s\t]))(?:" + "|".join(alts) + r")[ \u3000\u00a0]*(?:[:：]|(?=\t)|$)", re.M)


_LABEL_RE = _label_pattern()
_DATE_RE = re.compile(r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})")


def iso_date(value: str) -> str:
    m = _DATE_RE.search(value)
    if not m:
        return value
    y, mo, d = m.groups()
    return f"{y}-{int(mo):02d}-{int(d):02d}"


def parse_metadata(text: str) -> dict[str, str]:
    """All 8 keys when the page has a metadata block ("" for a label with nothing after it); {} otherwise."""
    found: dict[str, str] = {}
    matches = list(_LABEL_RE.finditer(text))
    for i, m in enumerate(matches):
        key = m.lastgroup.rsplit("_", 1)[0] if m.lastgroup else None  # only key labels are named groups
        if key is None or key in found:
            continue
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[m.end():end].split("\n", 1)[0].strip(" \t\u3000\u00a0")
        if key in _DATE_KEYS and value:
            value = iso_date(value)
        found[key] = value
    if len(found) < 2:  # one stray label in prose is not a metadata block
        return {}
    return {key: found.get(key, "") for key in METADATA_KEYS}

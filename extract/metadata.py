"""The 信息公开 metadata block (索引号, 发布机构, 成文日期 …) of a page, in every shape portals print it.

From the page's tree: a label cell and the cell after it (td|td, th|td, several pairs a row),
dt/dd, a label element followed by its value (li/span, strong + text), `<publishtime>`-style tags and
`<meta name="PubDate|ContentSource">`. From its text: `label：value` (several pairs on a line,
"文 号: 主题分类: 应急,安全" → doc_no "", topic "应急,安全"). Labels appear with spaces inside
(索 引 号); a label with nothing after it has the value "". 标题/名称 give the page's title.
"""
from __future__ import annotations

import itertools
import re
from typing import Optional

METADATA_KEYS = ("index_no", "publisher", "written_date", "published_date", "doc_no", "topic", "disclosure", "genre")

_LABELS = {
    "index_no": ("索引号",),
    "publisher": ("发布机构", "发文机关"),
    "written_date": ("成文日期", "发文日期", "生成日期"),
    "published_date": ("发布日期", "公开日期", "发布时间"),
    "doc_no": ("文号", "发文字号"),
    "topic": ("主题分类",),
    "disclosure": ("公开方式",),
    "genre": ("体裁分类",),
    "title": ("标题", "名称"),
}
# Labels of the same blocks that are no key: they end the value before them.
_OTHER_LABELS = ("分类", "关键词", "有效性", "公开范围", "公开时限", "生效日期", "废止日期", "信息来源", "来源", "时效",
                 "文件下载", "栏目", "所属机构", "组配分类", "服务对象", "单位")
_DATE_KEYS = ("written_date", "published_date")
_KEY_OF = {label: key for key, labels in _LABELS.items() for label in labels}
_ALL_LABELS = set(_KEY_OF) | set(_OTHER_LABELS)
_SQUEEZE = re.compile(r"[\s\u00a0\u3000\u2002\u2003]+")
_COLON = "：:"


def _spaced(label: str) -> str:
    return r"[ \u3000\u00a0]*".join(map(re.escape, label))


def _label_pattern() -> re.Pattern:
    alts: list[str] = []
    for key, labels in _LABELS.items():
        for label in labels:
            alts.append(f"(?P<{key}_{len(alts)}>{_spaced(label)})")
    for label in _OTHER_LABELS:
        alts.append(f"(?:{_spaced(label)})")
    # A label starts a line, a cell or follows a space (nothing but a space before it); a colon
    # follows it, or it fills its cell. The look-ahead at the labels' first characters comes first:
    # it lets the scan skip the other positions quickly (5x faster than the alternation alone).
    first = "".join(sorted({label[0] for label in _ALL_LABELS}))
    return re.compile(rf"(?=[{first}])(?<![^\s])(?:" + "|".join(alts) + r")[ \u3000\u00a0]*(?:[:：]|(?=\t)|$)", re.M)


_LABEL_RE = _label_pattern()
_DATE_RE = re.compile(r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})")


def iso_date(value: str) -> str:
    m = _DATE_RE.search(value)
    if not m:
        return value
    y, mo, d = m.groups()
    return f"{y}-{int(mo):02d}-{int(d):02d}"


def _clean(key: str, value: str) -> str:
    value = value.strip(" \t\u3000\u00a0")
    if key in _DATE_KEYS and value:
        return iso_date(value)
    return re.sub(r"[ \u3000\u00a0]{2,}", " ", value)


def pairs_from_text(text: str) -> dict[str, str]:
    """`label：value` and label<tab>value pairs: a value is the text (or the cell) up to the next label,
    cell or line end."""
    found: dict[str, str] = {}
    matches = list(_LABEL_RE.finditer(text))
    for i, m in enumerate(matches):
        key = m.lastgroup.rsplit("_", 1)[0] if m.lastgroup else None  # only key labels are named groups
        if key is None or key in found:
            continue
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = re.split(r"[\t\n]", text[m.end():end].lstrip(" \t\u3000\u00a0"), maxsplit=1)[0]
        found[key] = _clean(key, value)
    return found


def _label_of(text: str) -> Optional[str]:
    """The label a cell or element consists of (colon optional), else None."""
    t = _SQUEEZE.sub("", text).rstrip(_COLON)
    return t if t in _ALL_LABELS else None


_CELLS = frozenset(("td", "th"))
_LABEL_TAGS = ("td", "th", "dt", "span", "strong", "b", "label", "em", "font", "i", "li", "div", "p")
_LABEL_TAG_SET = frozenset(_LABEL_TAGS)
MAX_LABEL_ELEMENTS = 20_000  # a metadata block is among a page's first elements; a 20 MB table is not read for one
_FIRST_CHARS = frozenset(label[0] for label in _KEY_OF)


def keys_in(tree_text: str) -> frozenset[str]:
    """The keys (标题/名称's `title` too) whose labels occur in `tree_text`, blanks aside: all a label
    element of a tree can give, given all of the tree's text (text_content). A label element's
    text, blanks removed, is a label; it is a contiguous part of the whole text, and stays one with
    the blanks removed (str.split's blanks are _SQUEEZE's)."""
    squeezed = "".join(tree_text.split())
    return frozenset(key for label, key in _KEY_OF.items() if label in squeezed)


def pairs_from_tree(doc, tree_text: Optional[str] = None) -> dict[str, str]:
    """Label elements (a cell, dt, span … whose whole text is a label, perhaps split over spans)
    and the values after them. Given all of the tree's text, the walk ends once every key whose
    label that text holds is found (a block near the top of a page: its first 50 of 1,341 elements)."""
    found: dict[str, str] = {}
    wanted = keys_in(tree_text) if tree_text is not None else None
    if wanted is not None and not wanted:
        return found
    # Elements already read as a label. The elements themselves, not id(): lxml makes an element's
    # Python object on demand and frees it after, so an id can come back for another element.
    seen: set = set()
    for node in itertools.islice(doc.iter(*_LABEL_TAGS), MAX_LABEL_ELEMENTS):
        text = node.text
        if not text or len(text) > 24 or text.lstrip(" \t\r\n\u3000\u00a0")[:1] not in _FIRST_CHARS:
            continue
        el = node
        for _ in range(3):  # the label's own element, or an ancestor holding it split over spans
            if el is None or el.tag not in _LABEL_TAG_SET:
                break
            text = _SQUEEZE.sub("", "".join(el.itertext()))
            if len(text) > 12:
                break
            label = _label_of(text)
            if label:
                key = _KEY_OF.get(label)
                if key is not None and key not in found and el not in seen:
                    seen.add(el)
                    value = _value_after(el)
                    if value is not None:
                        found[key] = _clean(key, value)
                break
            el = el.getparent()
        if wanted is not None and found.keys() >= wanted:
            break
    return found


def _text(el) -> str:
    return _SQUEEZE.sub(" ", "".join(el.itertext())).strip()


def _value_after(el) -> Optional[str]:
    tag = el.tag
    if tag in _CELLS:  # the next cell, unless it is a label itself
        nxt = el.getnext()
        while nxt is not None and nxt.tag not in _CELLS:
            nxt = nxt.getnext()
        if nxt is None or _label_of(_text(nxt)):
            return "" if nxt is not None else None
        return _text(nxt)
    if tag == "dt":
        nxt = el.getnext()
        return _text(nxt) if nxt is not None and nxt.tag == "dd" else None
    # An inline label (li > span, p > strong): its tail and the siblings after it, up to the next label.
    parts = [el.tail or ""]
    for sib in el.itersiblings():
        if _label_of(_text(sib)):
            break
        parts.append("".join(sib.itertext()) + (sib.tail or ""))
    value = _SQUEEZE.sub(" ", "".join(parts)).strip()
    return value[1:].strip() if value.startswith(tuple(_COLON)) else value


def from_tags(doc, metas: dict[str, str]) -> dict[str, str]:
    """<publishtime>-style tags and <meta name="PubDate|ContentSource">."""
    found: dict[str, str] = {}
    for tag in ("publishtime", "pubtime", "publishdate"):
        for el in doc.iter(tag):
            if (t := _text(el)) and _DATE_RE.search(t):
                found.setdefault("published_date", iso_date(t))
    if metas.get("PubDate") and _DATE_RE.search(metas["PubDate"]):
        found.setdefault("published_date", iso_date(metas["PubDate"]))
    if metas.get("ContentSource"):
        found["publisher"] = metas["ContentSource"]
    return found


def parse_metadata(text: str, doc=None, metas: Optional[dict[str, str]] = None,
                   tree_text: Optional[str] = None) -> tuple[dict[str, str], Optional[str]]:
    """(metadata, the title its 标题/名称 label gives). The metadata has all 8 keys when the page has a
    block ("" for a label with nothing after it); without one only what tags and <meta> say, or {}.
    `tree_text`: all of `doc`'s text, when the caller has it (the tree's walk is then shorter)."""
    found = pairs_from_tree(doc, tree_text) if doc is not None else {}
    for key, value in pairs_from_text(text).items():
        found.setdefault(key, value)
    title = found.pop("title", None) or None
    if len(found) < 2:  # one stray label in prose is not a metadata block
        found = {}
    block = {key: found.get(key, "") for key in METADATA_KEYS} if found else {}
    if doc is not None:  # tags fill what the block leaves empty; without a block, only what they say
        for key, value in from_tags(doc, metas or {}).items():
            if not block.get(key):
                block[key] = value
    return block, title

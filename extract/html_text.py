"""HTML → lxml tree, the report's content container, and its text with line and cell breaks kept."""
from __future__ import annotations

import re

from lxml import etree

# Where CMSs put an article body, most specific first (reference/portals.md).
CONTENT_XPATHS = (
    "//div[@id='zoom']",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' TRS_UEDITOR ')]",
    "//*[@id='UCAP-CONTENT']",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' article-content ')]",
    "//div[@id='content' or @class='content']",
    "//article",
)
_BLOCK = frozenset(
    "p div br tr li ul ol table h1 h2 h3 h4 h5 h6 section article header footer dl dt dd pre blockquote".split()
)
_CELL = frozenset(("td", "th"))
_SKIP = frozenset(("script", "style", "noscript", "template", "head", "select", "option"))
_SPACES = re.compile(r"[ \u00a0\u2002\u2003\u3000\f\v]+")


# Plain etree elements: lxml.html's element classes cost a Python lookup on every node visited.
_PARSER = etree.HTMLParser(recover=True)


def parse_html(text: str):
    # lxml refuses str input that carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        root = etree.fromstring(text, _PARSER) if text.strip() else None
    except (etree.ParserError, ValueError):
        root = None
    return root if root is not None else etree.fromstring("<html><body></body></html>", _PARSER)


def text_content(el) -> str:
    return "".join(el.itertext())


def content_root(doc):
    """The element that holds the article: a known CMS container, else the one with the most text."""
    for xp in CONTENT_XPATHS:
        found = doc.xpath(xp)
        if found:
            return max(found, key=lambda e: len(text_content(e)))
    body = doc.find("body")
    return body if body is not None else doc


def texts(el, inner) -> tuple[str, str]:
    """(text of `el`, text of its descendant `inner`) from one walk, blocks on their own lines and
    table cells separated by tabs: a subtree's text is a
    contiguous stretch of the whole's, so the inner one is cut out of it."""
    out: list[str] = []
    span = [0, 0]
    _walk(el, out, inner, span)
    whole = _normalise("".join(out))
    part = _normalise("".join(out[span[0]:span[1]])) if inner is not None else whole
    return whole, part


_BEFORE_BREAK = re.compile(r" +(?=[\t\n])")
_AFTER_BREAK = re.compile(r"(?<=[\t\n]) +")
_TAB_RUNS = re.compile(r"\t{2,}")
_EDGE_TABS = re.compile(r"^\t|\t$", re.M)
_NEWLINE_RUNS = re.compile(r"\n{2,}")


def _normalise(raw: str) -> str:
    """Spaces folded, no empty cells, no empty lines (all in C: this runs over every page)."""
    text = _SPACES.sub(" ", raw.replace("\r", ""))
    text = _AFTER_BREAK.sub("", _BEFORE_BREAK.sub("", text))  # plain "" replacements: no template per match
    text = _TAB_RUNS.sub("\t", text)
    text = _EDGE_TABS.sub("", text)
    return _NEWLINE_RUNS.sub("\n", text).strip("\n ")


def _walk(el, out: list[str], inner=None, span=None) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _SKIP or not tag:
        if el.tail:  # the tail of a comment or a script is still text of the parent
            out.append(el.tail)
        return
    if el is inner:
        span[0] = len(out)
    tag = tag.lower().split("}")[-1]
    if tag in _BLOCK:
        out.append("\n")
    if el.text:
        out.append(el.text)
    for child in el:
        _walk(child, out, inner, span)
    if tag in _CELL:
        out.append("\t")
    elif tag in _BLOCK:
        out.append("\n")
    if el is inner:
        span[1] = len(out)
    if el.tail:
        out.append(el.tail)


def to_simplified_tree(el) -> None:
    """Convert every text node under `el` to simplified characters, in one opencc call."""
    from extract.chinese import to_simplified

    nodes = []
    for node in el.iter():
        if not isinstance(node.tag, str) or node.tag in _SKIP:
            if node.tail:
                nodes.append((node, "tail"))
            continue
        if node.text:
            nodes.append((node, "text"))
        if node.tail:
            nodes.append((node, "tail"))
    if not nodes:
        return
    joined = "\x00".join(getattr(n, attr) for n, attr in nodes)
    converted = to_simplified(joined, threshold=1).split("\x00")
    if len(converted) != len(nodes):  # never seen; convert node by node rather than misplace text
        converted = [to_simplified(getattr(n, attr), threshold=1) for n, attr in nodes]
    for (node, attr), value in zip(nodes, converted):
        setattr(node, attr, value)


def meta_content(doc, name: str) -> str | None:
    found = doc.xpath("//meta[@name=$n]/@content", n=name)
    return found[0].strip() if found and found[0].strip() else None

"""HTML → lxml tree, the report's content container, and its text with line and cell breaks kept."""
from __future__ import annotations

import re

import lxml.html
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
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u3000]+")


def parse_html(text: str) -> lxml.html.HtmlElement:
    # lxml refuses str input that carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        return lxml.html.document_fromstring(text or "<html></html>")
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html></html>")


def content_root(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element that holds the article: a known CMS container, else the one with the most text."""
    for xp in CONTENT_XPATHS:
        found = doc.xpath(xp)
        if found:
            return max(found, key=lambda e: len(e.text_content()))
    body = doc.find("body")
    return body if body is not None else doc


def element_text(el) -> str:
    """Text of an element: blocks on their own lines, table cells separated by tabs."""
    return texts(el, None)[0]


def texts(el, inner) -> tuple[str, str]:
    """(text of `el`, text of its descendant `inner`) from one walk: a subtree's text is a
    contiguous stretch of the whole's, so the inner one is cut out of it."""
    out: list[str] = []
    span = [0, 0]
    _walk(el, out, inner, span)
    whole = _normalise("".join(out))
    part = _normalise("".join(out[span[0]:span[1]])) if inner is not None else whole
    return whole, part


def _normalise(raw: str) -> str:
    lines = []
    for line in raw.split("\n"):
        cells = [_SPACES.sub(" ", c).strip() for c in line.split("\t")]
        line = "\t".join(c for c in cells if c)
        if line:
            lines.append(line)
    return "\n".join(lines)


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

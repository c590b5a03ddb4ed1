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
    out: list[str] = []
    _walk(el, out)
    lines = []
    for line in "".join(out).split("\n"):
        cells = [_SPACES.sub(" ", c).strip() for c in line.split("\t")]
        line = "\t".join(c for c in cells if c)
        if line:
            lines.append(line)
    return "\n".join(lines)


def _walk(el, out: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _SKIP or not tag:
        if el.tail and tag:
            out.append(el.tail)
        elif not tag and el.tail:  # comments, processing instructions
            out.append(el.tail)
        return
    tag = tag.lower().split("}")[-1]
    if tag in _BLOCK:
        out.append("\n")
    if el.text:
        out.append(el.text)
    for child in el:
        _walk(child, out)
    if tag in _CELL:
        out.append("\t")
    elif tag in _BLOCK:
        out.append("\n")
    if el.tail:
        out.append(el.tail)


def meta_content(doc, name: str) -> str | None:
    found = doc.xpath("//meta[@name=$n]/@content", n=name)
    return found[0].strip() if found and found[0].strip() else None

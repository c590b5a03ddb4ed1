"""HTML → lxml tree, the report's content container, and its text with line and cell breaks kept.

Bounded on hostile input: libxml2's depth limit is lifted (`huge_tree`), a page nested deeper
still is flattened and parsed again, and the text walk is iterative with a cap on the elements it
walks one by one (the rest of a huge page is read as plain text, in C).
"""
from __future__ import annotations

import itertools
import re

from lxml import etree

# Where CMSs put an article body, most specific first (reference/portals.md): (id, class) of a
# <div>, or an <article>.
CONTENT_CONTAINERS = (
    ("zoom", None), (None, "TRS_Editor"), (None, "TRS_UEDITOR"), ("UCAP-CONTENT", None), (None, "article-content"),
    ("content", None), (None, "content"), ("article", None),
)
_BLOCK = frozenset(
    "p div br tr li ul ol table h1 h2 h3 h4 h5 h6 section article header footer dl dt dd pre blockquote".split()
)
_CELL = frozenset(("td", "th"))
_SKIP = frozenset(("script", "style", "noscript", "template", "head", "select", "option"))
_SPACES = re.compile(r"[ \u00a0\u2002\u2003\u3000\f\v]+")

# Elements walked one by one for the text; past this the rest of the page is read as plain text.
# A real report page has a few thousand.
MAX_WALKED = 50_000

# Plain etree elements: lxml.html's element classes cost a Python lookup on every node visited.
# huge_tree lifts libxml2's limits: depth 256 → 2048, text nodes over 10 MB.
# Comments and processing instructions are dropped (their tails join the text around them).
_PARSER = etree.HTMLParser(recover=True, huge_tree=True, remove_comments=True, remove_pis=True)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
# Tags that only nest (layout wrappers, inline styling): dropped when a page is nested too deep.
# (Line breaks in text survive as line breaks; an element per wrapper would not be cheaper.)
_BLOCK_WRAPPERS = re.compile(
    r"</?(?:div|section|article|center|blockquote|main|aside|header|footer|nav|figure|form|ul|ol|li)\b[^>]*>", re.I)
_INLINE_WRAPPERS = re.compile(r"</?(?:span|font|a|b|i|u|s|em|strong|small|big|sub|sup|label|ins|del|strike|nobr|o:p)\b[^>]*>",
                              re.I)


# Bound on the tree of a huge page: a 20 MB table is 1.4M elements, 1 s and 400 MB of tree alone.
# A report page has a few thousand tags; a page with more is read up to this many.
MAX_TREE_TAGS = 250_000


def _bounded(text: str) -> tuple[str, list[str]]:
    """The page, cut before its (MAX_TREE_TAGS + 1)-th tag when it has more (any real page: unchanged)."""
    if text.count("<") <= MAX_TREE_TAGS:
        return text, []
    match = next(itertools.islice(_TAG.finditer(text), MAX_TREE_TAGS, None), None)
    if match is None:
        return text, []
    return text[:match.start()], [f"page has more than {MAX_TREE_TAGS:,} tags: read up to character "
                                  f"{match.start():,} of {len(text):,}"]


_TAG = re.compile(r"<[a-zA-Z/!?]")
_CELL_START = re.compile(r"<t[dh]\b[^>]*>", re.I)
_CELL_END = re.compile(r"</t[dh]\s*>", re.I)
_STRUCTURE = re.compile(r"</?(?:table|tbody|thead|tfoot|tr|caption|colgroup|col)\b[^>]*>", re.I)


def _fromstring(text: str):
    root = etree.fromstring(text, _PARSER)
    too_deep = any("Excessive depth" in e.message for e in _PARSER.error_log)
    return root, too_deep


def parse_html(text: str) -> tuple[object, list[str]]:
    """(root element, warnings). Never raises; an unparseable page gives an empty document.

    `text` must be free of XML-incompatible characters (decode.xml_safe)."""
    text = _XML_DECL.sub("", text)  # lxml refuses str input that carries an XML encoding declaration
    text, warnings = _bounded(text)
    root = None
    if text.strip():
        root, too_deep = _fromstring(text)
        if too_deep:
            flat = _INLINE_WRAPPERS.sub("", _BLOCK_WRAPPERS.sub("\n", text))
            root, too_deep = _fromstring(flat)
            if not too_deep:
                warnings.append("page nested deeper than the HTML parser allows: read without its layout "
                                "wrappers (div, span …)")
            else:  # nested tables: the page as text, cells tab-separated, for the text reader
                root, _ = _fromstring(_CELL_END.sub("\t", _STRUCTURE.sub("<br>", _CELL_START.sub("", flat))))
                warnings.append("page nested deeper than the HTML parser allows: read as text, without its tables")
    if root is None:
        root = etree.fromstring("<html><body></body></html>", _PARSER)
    return root, warnings


def text_content(el) -> str:
    """All text under `el` (script text included), in C: 20× faster than joining itertext()."""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)


def content_root(doc):
    """The element that holds the article: a known CMS container (the one with the most text when
    several match), else the body. One pass over the page's <div>s and <article>s (in C)."""
    found: dict[int, list] = {}
    for el in doc.iter("div", "article"):
        if el.tag == "article":
            found.setdefault(len(CONTENT_CONTAINERS) - 1, []).append(el)
            continue
        ident, classes = el.get("id"), el.get("class")
        classes = classes.split() if classes else ()
        for rank, (want_id, want_class) in enumerate(CONTENT_CONTAINERS[:-1]):
            if (want_id and ident == want_id) or (want_class and want_class in classes):
                found.setdefault(rank, []).append(el)
                break
    if found:
        return max(found[min(found)], key=lambda e: len(text_content(e)))
    body = doc.find("body")
    return body if body is not None else doc


def texts(el, inner) -> tuple[str, str, bool]:
    """(text of `el`, text of its descendant `inner`, whether the walk was cut short) from one walk,
    blocks on their own lines and table cells separated by tabs: a subtree's text is a contiguous
    stretch of the whole's, so the inner one is cut out of it."""
    out: list[str] = []
    span = [-1, -1]
    cut = _walk(el, out, inner, span)
    whole = _normalise("".join(out))
    if inner is None or inner is el:
        return whole, whole, cut
    start = max(span[0], 0)
    end = span[1] if span[1] >= start else len(out)  # the walk was cut inside `inner`: to the end
    return whole, _normalise("".join(out[start:end])), cut


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


def _walk(el, out: list[str], inner, span: list[int], limit: int = MAX_WALKED) -> bool:
    """Append the text of `el` to `out`; True when the element budget ran out (rest as plain text).

    lxml's iterwalk drives the walk in C (no recursion: a page nested 2,000 deep is fine); the
    tree holds no comments (the parser drops them), so every text is an element's text or tail.
    A line break in the source is a space, as a browser shows it, except inside <pre>."""
    append = out.append
    walker = etree.iterwalk(el, events=("start", "end"))
    walked = 0
    pre = 0
    for event, node in walker:
        tag = node.tag
        if event == "start":
            if tag in _SKIP:
                walker.skip_subtree()
                continue
            walked += 1
            if walked > limit:
                _plain_rest(el, node, out, inner, span)
                return True
            if node is inner:
                span[0] = len(out)
            if tag in _BLOCK:
                append("\n")
            if tag == "pre":
                pre += 1
            text = node.text
            if text:
                append(text if pre or "\n" not in text else text.replace("\n", " "))
            continue
        if tag in _CELL:
            append("\t")
        elif tag in _BLOCK:
            append("\n")
        if tag == "pre":
            pre -= 1
        if node is inner:
            span[1] = len(out)
        tail = node.tail
        if tail and node is not el:
            append(tail if pre or "\n" not in tail else tail.replace("\n", " "))
    return False


def _plain_rest(top, node, out: list[str], inner, span: list[int]) -> None:
    """The text from `node` (not yet walked) to the end of `top`, as plain text (itertext, in C)."""
    etree.strip_elements(top, *_SKIP, with_tail=False)  # their text is not page text

    def chunk(el):
        holds = inner is not None and span[0] < 0 and (el is inner or any(a is el for a in inner.iterancestors()))
        if holds:
            span[0] = len(out)
        out.append("\n")
        out.append(text_content(el))
        if holds:
            span[1] = len(out)
        if el.tail:
            out.append(el.tail)

    chunk(node)
    current = node
    while True:  # the rest of each open ancestor, innermost first
        for sibling in current.itersiblings():
            chunk(sibling)
        parent = current.getparent()
        if parent is None:
            return
        out.append("\n")
        if parent is inner:
            span[1] = len(out)
        if parent is top:
            return
        if parent.tail:
            out.append(parent.tail)
        current = parent


def meta_tags(doc) -> dict[str, str]:
    """<meta name=… content=…> of the page (first of each name, names as written), non-empty only."""
    found: dict[str, str] = {}
    for el in doc.iter("meta"):
        name, content = el.get("name"), (el.get("content") or "").strip()
        if name and content and name not in found:
            found[name] = content
    return found

"""HTML → lxml tree, the report's content container, and its text with line and cell breaks kept.

Bounded on hostile input: libxml2's depth limit is lifted (`huge_tree`), a page nested deeper
still is flattened and parsed again, a page with more tags than any report is read up to a bound,
and the text is made in C (an XSLT stylesheet), never by recursion in Python.
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
_SPACES = re.compile(r"[^\S\t\n]+")  # blanks but tabs and line breaks
# Elements whose text is not the page's text (the XSLT below leaves the same ones out).
_SKIP = frozenset(("script", "style", "noscript", "template", "head", "select", "option"))

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


def whole_text(doc, body, body_text: str) -> str:
    """All of `doc`'s text (text_content's, in another order) from its body's: the text beside the
    body (the head's: <noscript> and <template> there hold elements) added to it."""
    if body is doc:
        return body_text
    parts = [doc.text or "", body_text, body.tail or ""]
    parts += [text_content(child) + (child.tail or "") for child in doc if child is not body]
    return "\n".join(parts)


# The same, as the rank of a <div>'s id or of one of its classes (an <article> ranks last).
_RANK_OF_ID = {ident: rank for rank, (ident, _) in enumerate(CONTENT_CONTAINERS[:-1]) if ident}
_RANK_OF_CLASS = {cls: rank for rank, (_, cls) in enumerate(CONTENT_CONTAINERS[:-1]) if cls}
_ARTICLE_RANK = len(CONTENT_CONTAINERS) - 1


def content_root(doc):
    """The element that holds the article: a known CMS container (the one with the most text when
    several match), else the body. One pass over the page's <div>s and <article>s (in C)."""
    found: dict[int, list] = {}
    for el in doc.iter("div", "article"):
        if el.tag == "article":
            found.setdefault(_ARTICLE_RANK, []).append(el)
            continue
        ident, classes = el.get("id"), el.get("class")
        rank = _RANK_OF_ID.get(ident, _ARTICLE_RANK) if ident else _ARTICLE_RANK
        if classes:
            for cls in classes.split():
                rank = min(rank, _RANK_OF_CLASS.get(cls, _ARTICLE_RANK))
        if rank < _ARTICLE_RANK:
            found.setdefault(rank, []).append(el)
    if found:
        best = found[min(found)]
        return best[0] if len(best) == 1 else max(best, key=lambda e: len(text_content(e)))
    body = doc.find("body")
    return body if body is not None else doc


# The page's text with its structure: blocks on their own lines, table cells ended by a tab,
# scripts and styles left out, a source line break read as a space (as a browser shows it) but
# in <pre>. An XSLT stylesheet: libxslt walks the tree in C, ~4x a walk in Python. Blocks are
# marked with a noncharacter (U+FDD0, never in a page's text) and source line breaks turned into
# spaces afterwards in Python: a text() template doing it in XSLT cost 4x the whole walk.
_BREAK = "\ufdd0"
_TEXT = etree.XSLT(etree.XML(b"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="utf-8"/>
<xsl:template match="script|style|noscript|template|head|select|option"/>
<xsl:template match="p|div|br|tr|li|ul|ol|table|h1|h2|h3|h4|h5|h6|section|article|header|footer|dl|dt|dd|blockquote">
<xsl:text>&#xFDD0;</xsl:text><xsl:apply-templates/><xsl:text>&#xFDD0;</xsl:text></xsl:template>
<xsl:template match="td|th"><xsl:apply-templates/><xsl:text>&#9;</xsl:text></xsl:template>
<xsl:template match="pre"><xsl:text>&#xFDD0;</xsl:text><xsl:value-of select="translate(., '&#10;', '&#xFDD0;')"/><xsl:text>&#xFDD0;</xsl:text>
</xsl:template>
<xsl:template match="govarchive-start"><xsl:text>&#xFDD1;</xsl:text><xsl:apply-templates/></xsl:template>
<xsl:template match="govarchive-end"><xsl:text>&#xFDD2;</xsl:text></xsl:template>
</xsl:stylesheet>"""))
_MARKS = ("\ufdd1", "\ufdd2")  # where the inner element's text starts and ends (noncharacters)


def _run(el) -> str:
    """The stylesheet's output with its line breaks in place (source breaks as spaces)."""
    return str(_TEXT(el)).replace("\n", " ").replace(_BREAK, "\n")


def structured_text(el) -> str:
    """The text of `el` (see _TEXT), spaces folded, no empty cells or lines."""
    try:
        return _normalise(_run(el))
    except etree.XSLTApplyError:  # never seen: the plain text rather than nothing
        return _normalise(text_content(el))


def texts(el, inner) -> tuple[str, str]:
    """(text of `el`, text of its descendant `inner`) from one pass: `inner` is marked at its start
    and end for the pass (and restored), its text cut out of the whole."""
    if inner is None or inner is el:
        whole = structured_text(el)
        return whole, whole
    start, end = etree.SubElement(inner, "govarchive-start"), etree.SubElement(inner, "govarchive-end")
    inner.remove(start)
    start.tail, inner.text = inner.text, None
    inner.insert(0, start)
    try:
        raw = _run(el)
    except etree.XSLTApplyError:
        raw = ""
    finally:
        inner.text = start.tail
        inner.remove(start)
        inner.remove(end)
    if raw.count(_MARKS[0]) != 1 or raw.count(_MARKS[1]) != 1:  # the page itself holds the marks
        return structured_text(el), structured_text(inner)
    # Folded once with the marks in place (they are not blanks, so no run crosses them), then cut
    # and joined: a run of blanks folds to one character, so a join needs only its two neighbours folded.
    before, rest = _normalise(raw).split(_MARKS[0])
    part, after = rest.split(_MARKS[1])
    return _join(_join(before, part), after).strip("\n\t "), part.strip("\n\t ")


# A run of blanks holding a line break is one line break, a run holding a tab one tab: no empty
# lines or cells, no spaces at their edges. Blanks are what str.split splits on (Unicode's White_Space).
_LINE_BREAK_RUNS = re.compile(r"[ \t\n]*\n[ \t\n]*")
_TAB_BREAK_RUNS = re.compile(r"[ \t]*\t[ \t]*")


def _fold(raw: str) -> str:
    """Each run of blanks as one character: a line break if it holds one, else a tab if it holds
    one, else a space (for the few characters where two folded texts meet: see _join)."""
    text = _SPACES.sub(" ", raw.replace("\r", ""))
    return _TAB_BREAK_RUNS.sub("\t", _LINE_BREAK_RUNS.sub("\n", text))


def _normalise(raw: str) -> str:
    """Each run of blanks as one character as _fold folds it, and none at the ends: the lines'
    and cells' words split and joined by str's methods, in C (a regular expression's sub per run
    of blanks cost twice as much: a page's text is two thirds indentation)."""
    lines = []
    for line in raw.replace("\r", "").split("\n"):
        if "\t" in line:
            cells = [" ".join(cell.split()) for cell in line.split("\t")]
            line = "\t".join([cell for cell in cells if cell])
        else:
            line = " ".join(line.split())
        if line:
            lines.append(line)
    return "\n".join(lines)


def _join(a: str, b: str) -> str:
    """Two folded texts as one folded text."""
    if a and b and a[-1] in " \t\n" and b[0] in " \t\n":
        return a[:-1] + _fold(a[-1] + b[0]) + b[1:]
    return a + b


def meta_tags(doc) -> dict[str, str]:
    """<meta name=… content=…> of the page (first of each name, names as written), non-empty only."""
    found: dict[str, str] = {}
    for el in doc.iter("meta"):
        name, content = el.get("name"), (el.get("content") or "").strip()
        if name and content and name not in found:
            found[name] = content
    return found


def to_simplified_tree(el) -> int | None:
    """Convert the text nodes under `el` to simplified characters in one opencc call (markup is
    never converted). Past MAX_CONVERTED characters the rest is left as it is: returns how many
    characters were converted then, None when everything was."""
    from extract.chinese import MAX_CONVERTED, to_simplified

    nodes, total, capped = [], 0, None
    for node in el.iter():
        for attr in ("text", "tail"):
            if attr == "text" and (not isinstance(node.tag, str) or node.tag in _SKIP):
                continue
            value = getattr(node, attr)
            if value:
                if total + len(value) > MAX_CONVERTED:
                    capped = total
                    break
                nodes.append((node, attr))
                total += len(value)
        if capped is not None:
            break
    if not nodes:
        return capped
    joined = "\x00".join(getattr(n, attr) for n, attr in nodes)
    converted = to_simplified(joined, threshold=1).split("\x00")
    if len(converted) != len(nodes):  # never seen; convert node by node rather than misplace text
        converted = [to_simplified(getattr(n, attr), threshold=1) for n, attr in nodes]
    for (node, attr), value in zip(nodes, converted):
        setattr(node, attr, value)
    return capped

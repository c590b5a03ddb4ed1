"""The page's text and its content's text, read in one pass (html_text.texts), are the texts each
gives read on its own: random blanks around and inside the content, random markup."""
from __future__ import annotations

import random

import lxml.html

from extract.html_text import structured_text, texts

_BLANKS = [" ", "\t", "\n", "\r", "\u3000", "\u00a0", "\u2009", "x", "数", "1"]
_TAGS = ["p", "div", "span", "td", "br", "b"]


def _piece(rnd: random.Random) -> str:
    return "".join(rnd.choice(_BLANKS) for _ in range(rnd.randint(0, 4)))


def _markup(rnd: random.Random, depth: int = 0) -> str:
    out = []
    for _ in range(rnd.randint(0, 3)):
        out.append(_piece(rnd))
        tag = rnd.choice(_TAGS)
        if tag == "br":
            out.append("<br>")
        elif depth < 2:
            out.append(f"<{tag}>{_markup(rnd, depth + 1)}</{tag}>")
    out.append(_piece(rnd))
    return "".join(out)


def test_one_pass_gives_each_text_as_read_alone():
    rnd = random.Random(7)
    for _ in range(2000):
        html = (f"<html><body>{_markup(rnd)}<div id='content'>{_markup(rnd)}</div>{_markup(rnd)}"
                "</body></html>")
        body = lxml.html.document_fromstring(html).find("body")
        inner = body.get_element_by_id("content")
        assert texts(body, inner) == (structured_text(body), structured_text(inner)), html

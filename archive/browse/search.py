"""GET /-/search?q=…: pages whose title or text contains every term, each with a snippet around
the match. Terms of three characters or more go through the FTS5 trigram index; a shorter term
cannot be found in a trigram index, so then the whole search is a substring scan (LIKE) — and the
page says so."""
from __future__ import annotations

import re

from markupsafe import Markup, escape

from archive.browse.common import archive_db, page, rows

LIMIT = 100
SNIPPET_CHARS = 40  # either side of the first match, for the LIKE scan
# Markers no page text contains: the snippet is escaped first, then marked.
OPEN, CLOSE = "\x02", "\x03"

_COLUMNS = ("p.id, p.url, p.title, p.fetched_at, p.site, r.id AS report_id, r.agency, r.year, "
            "(SELECT max(id) FROM pages WHERE url = p.url) = p.id AS current")


async def _join(db) -> str:
    """A page's report: one hit per page, the report that counts where the page gave it twice."""
    order = "duplicate_of IS NOT NULL, " if "duplicate_of" in await db.table_columns("reports") else ""
    return f"LEFT JOIN reports r ON r.id = (SELECT id FROM reports WHERE page = p.id ORDER BY {order}id LIMIT 1)"


def terms_of(q: str) -> list[str]:
    return [t for t in q.split() if t]


def fts_query(terms: list[str]) -> str:
    """Every term as a quoted phrase: FTS5 syntax characters in a term are searched for, not obeyed."""
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


def marked(text: str) -> Markup:
    return Markup(str(escape(text)).replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))


def like_snippet(text: str, terms: list[str]) -> str:
    """Text around the first match, every term marked (what FTS5's snippet() gives the index search)."""
    text = text or ""
    first = min((i for i in (text.find(t) for t in terms) if i >= 0), default=0)
    start, end = max(0, first - SNIPPET_CHARS), first + SNIPPET_CHARS + max(map(len, terms))
    piece = text[start:end]
    piece = re.sub("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)),
                   lambda m: OPEN + m.group(0) + CLOSE, piece)
    return ("…" if start else "") + piece + ("…" if end < len(text) else "")


async def indexed(db, terms: list[str]) -> list[dict]:
    return await rows(db, f"SELECT {_COLUMNS}, snippet(pages_fts, -1, ?, ?, '…', 48) AS snippet "
                          f"FROM pages_fts JOIN pages p ON p.rowid = pages_fts.rowid {await _join(db)} "
                          f"WHERE pages_fts MATCH ? ORDER BY r.id IS NULL, rank LIMIT {LIMIT}",
                      [OPEN, CLOSE, fts_query(terms)])


async def scanned(db, terms: list[str]) -> list[dict]:
    where = " AND ".join("(p.title LIKE ? ESCAPE '\\' OR p.text LIKE ? ESCAPE '\\')" for _ in terms)
    params = []
    for t in terms:
        pattern = "%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [pattern, pattern]
    found = await rows(db, f"SELECT {_COLUMNS}, p.text FROM pages p {await _join(db)} WHERE {where} "
                           f"ORDER BY r.id IS NULL, p.id DESC LIMIT {LIMIT}", params)
    for hit in found:
        in_text = any(t in (hit["text"] or "") for t in terms)
        hit["snippet"] = like_snippet(hit.pop("text") if in_text else hit["title"], terms)
    return found


async def view(datasette, request):
    db = await archive_db(datasette, request)
    q = request.args.get("q", "").strip()
    terms = terms_of(q)
    short = [t for t in terms if len(t) < 3]
    hits = []
    if terms:
        hits = await (scanned(db, terms) if short else indexed(db, terms))
        for hit in hits:
            hit["snippet"] = marked(hit["snippet"] or "")
    return await page(datasette, request, "govarchive_search.html",
                      {"q": q, "hits": hits, "short": short, "limit": LIMIT})

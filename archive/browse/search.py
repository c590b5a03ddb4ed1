"""GET /-/search?q=…: pages whose title or text contains every term, each with a snippet around
the match, reports first, newest first. Terms of three characters or more go through the FTS5
trigram index (LIKE on pages_fts, archive/schema.py FULL_TEXT); a shorter term cannot be found in
a trigram index, so then the whole search is a substring scan (LIKE on pages) — and the page says so."""
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


def marked(text: str) -> Markup:
    return Markup(str(escape(text)).replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))


def like_snippet(text: str, terms: list[str]) -> str:
    """Text around the first match, every term marked (the index keeps no positions for FTS5's snippet())."""
    text = text or ""
    first = min((i for i in (text.find(t) for t in terms) if i >= 0), default=0)
    start, end = max(0, first - SNIPPET_CHARS), first + SNIPPET_CHARS + max(map(len, terms))
    piece = text[start:end]
    piece = re.sub("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)),
                   lambda m: OPEN + m.group(0) + CLOSE, piece)
    return ("…" if start else "") + piece + ("…" if end < len(text) else "")


def _like(term: str) -> tuple[str, bool]:
    """(LIKE pattern, whether it needs an ESCAPE clause): a term holding % or _ is searched for as
    written, but SQLite hands FTS5 only a LIKE without ESCAPE, so that term is checked row by row."""
    if not any(ch in term for ch in "%_\\"):
        return f"%{term}%", False
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%", True


def _with_snippets(found: list[dict], terms: list[str]) -> list[dict]:
    for hit in found:
        text = hit.pop("text") or ""
        hit["snippet"] = like_snippet(text if any(t in text for t in terms) else hit["title"], terms)
    return found


async def _indexed_by_body(db) -> bool:
    """Whether pages_fts is this version's index (over page_texts.body); an older archive opened
    read-only keeps the index it was written with, and is scanned."""
    sql = await db.execute("SELECT sql FROM sqlite_master WHERE name = 'pages_fts'")
    row = sql.first()
    return bool(row and "page_texts" in row[0])


async def indexed(db, terms: list[str]) -> list[dict]:
    """Every term (three characters or more) a LIKE on pages_fts: FTS5 finds the pages holding all
    its trigrams through the index, then confirms the substring. Reports first, newest first."""
    if not await _indexed_by_body(db):
        return await scanned(db, terms)
    where, params = [], []
    for term in terms:
        pattern, escaped = _like(term)
        where.append("pages_fts.body LIKE ?" + (" ESCAPE '\\'" if escaped else ""))
        params.append(pattern)
    found = await rows(db, f"SELECT {_COLUMNS}, p.text FROM pages_fts JOIN pages p ON p.id = pages_fts.rowid "
                           f"{await _join(db)} WHERE {' AND '.join(where)} "
                           f"ORDER BY r.id IS NULL, p.id DESC LIMIT {LIMIT}", params)
    return _with_snippets(found, terms)


async def scanned(db, terms: list[str]) -> list[dict]:
    where = " AND ".join("(p.title LIKE ? ESCAPE '\\' OR p.text LIKE ? ESCAPE '\\')" for _ in terms)
    params = []
    for t in terms:
        pattern = _like(t)[0]  # ESCAPE '\\' changes nothing in a pattern that needed no escaping
        params += [pattern, pattern]
    found = await rows(db, f"SELECT {_COLUMNS}, p.text FROM pages p {await _join(db)} WHERE {where} "
                           f"ORDER BY r.id IS NULL, p.id DESC LIMIT {LIMIT}", params)
    return _with_snippets(found, terms)


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

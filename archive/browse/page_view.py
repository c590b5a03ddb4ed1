"""GET /-/page/{id}: an archived page version in an iframe, under what is known about it;
GET /-/page/{id}/raw: its stored bytes, sandboxed so that nothing of the page runs or leaves."""
from __future__ import annotations

from datasette.utils.asgi import NotFound, Response

from archive.browse.common import archive_db, one, page, rows

# sandbox: an opaque origin, no scripts, forms, popups or plugins; default-src 'none': no request
# for images, styles, frames or fonts leaves (the page's own inline styles still apply).
SANDBOX_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def content_type(stored: str | None, encoding: str | None) -> str:
    """The stored Content-Type; an HTML page served without a charset gets the one the archive
    decoded it with, so the browser shows it as the extractor read it."""
    ctype = stored or "application/octet-stream"
    if encoding and "charset" not in ctype.lower() and ctype.lower().startswith("text/"):
        ctype += f"; charset={encoding}"
    return ctype


async def raw(datasette, request):
    db = await archive_db(datasette, request)
    found = await one(db, "SELECT body, content_type, encoding FROM pages WHERE id = ?", [int(request.url_vars["page_id"])])
    if found is None or found["body"] is None:
        raise NotFound("no such page")
    return Response(found["body"], content_type=content_type(found["content_type"], found["encoding"]),
                    headers={"Content-Security-Policy": SANDBOX_CSP, "X-Content-Type-Options": "nosniff",
                             "Referrer-Policy": "no-referrer", "Cache-Control": "private, max-age=3600"})


async def view(datasette, request):
    db = await archive_db(datasette, request)
    page_id = int(request.url_vars["page_id"])
    found = await one(db, "SELECT id, url, final_url, site, fetched_at, last_seen_at, status, content_type, encoding, "
                          "sha256, size, rendered, method, title FROM pages WHERE id = ?", [page_id])
    if found is None:
        raise NotFound(f"no page {page_id}")
    counts = " ORDER BY duplicate_of IS NOT NULL, id" if "duplicate_of" in await db.table_columns("reports") else ""
    report = await one(db, f"SELECT id FROM reports WHERE page = ?{counts} LIMIT 1", [page_id])
    versions = await rows(db, "SELECT id, fetched_at FROM pages WHERE url = ? ORDER BY id DESC", [found["url"]])
    return await page(datasette, request, "govarchive_page.html", {
        "p": found, "report": report, "versions": versions,
        "served_as": content_type(found["content_type"], found["encoding"]),
    })

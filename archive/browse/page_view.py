"""GET /-/page/{id}: an archived page version in an iframe, under what is known about it;
GET /-/page/{id}/raw: its bytes as served, sandboxed so that nothing of the page runs or leaves
(`?download=1`: as a file); GET /-/attachment/{id}: an attachment's bytes as served, as a file.
Bodies are stored compressed (archive/bodies.py): datasette's own .blob links would give the
compressed bytes, so downloads go through these routes."""
from __future__ import annotations

from urllib.parse import quote

from datasette.utils.asgi import NotFound, Response

from archive import bodies
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
    found = await one(db, f"SELECT body, {await _codec(db, 'pages')}, content_type, encoding FROM pages WHERE id = ?",
                      [int(request.url_vars["page_id"])])
    if found is None or found["body"] is None:
        raise NotFound("no such page")
    page_id = request.url_vars["page_id"]
    download = f"page-{page_id}" if request.args.get("download") else None
    return _bytes(bodies.unpack(found["body"], found["body_codec"]),
                  content_type(found["content_type"], found["encoding"]), download)


async def attachment(datasette, request):
    db = await archive_db(datasette, request)
    attachment_id = int(request.url_vars["attachment_id"])
    found = await one(db, f"SELECT body, {await _codec(db, 'attachments')}, content_type, filename FROM attachments"
                          " WHERE id = ?", [attachment_id])
    if found is None or found["body"] is None:
        raise NotFound("no such attachment")
    return _bytes(bodies.unpack(found["body"], found["body_codec"]),
                  found["content_type"] or "application/octet-stream",
                  found["filename"] or f"attachment-{attachment_id}")


async def _codec(db, table: str) -> str:
    return bodies.codec_column(await db.table_columns(table))


def _bytes(body: bytes, ctype: str, download: str | None) -> Response:
    headers = {"Content-Security-Policy": SANDBOX_CSP, "X-Content-Type-Options": "nosniff",
               "Referrer-Policy": "no-referrer", "Cache-Control": "private, max-age=3600"}
    if download:
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(download)}"
    return Response(body, content_type=ctype, headers=headers)


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

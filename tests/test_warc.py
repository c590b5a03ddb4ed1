"""WARC export: request and response records for every stored version, bodies byte-identical."""
from __future__ import annotations

import sqlite3

from warcio.archiveiterator import ArchiveIterator

from archive import bodies
from conftest import run_cli


def test_export_warc_reads_back_byte_identical(crawled, tmp_path):
    db, _, _ = crawled
    out = tmp_path / "archive.warc.gz"
    result = run_cli("export-warc", "--db", str(db), str(out))
    with sqlite3.connect(db) as conn:
        bodies.register(conn)
        pages = conn.execute("SELECT url, method, rendered, status, raw_body(body, body_codec), request_body FROM pages"
                             " ORDER BY id").fetchall()
        files = conn.execute("SELECT url, status, raw_body(body, body_codec), content_type FROM attachments"
                             " ORDER BY id").fetchall()
    n_records = sum(1 if p[2] else 2 for p in pages) + 2 * len(files)
    assert result.stdout.strip() == f"wrote {n_records} WARC records to {out}"
    responses, requests, resources = [], [], []
    with open(out, "rb") as fh:
        for record in ArchiveIterator(fh):
            uri = record.rec_headers.get_header("WARC-Target-URI")
            if record.rec_type == "response":
                responses.append((uri, int(record.http_headers.get_statuscode()), record.content_stream().read(),
                                  record.http_headers.get_header("Content-Type")))
            elif record.rec_type == "request":
                requests.append((uri, record.http_headers.protocol, record.content_stream().read()))
            elif record.rec_type == "resource":
                resources.append((uri, record.content_stream().read()))
    expected_responses = [(u, s, b) for u, m, r, s, b, _ in pages if not r] + [(u, s, b) for u, s, b, _ in files]
    assert [(u, s, b) for u, s, b, _ in responses] == expected_responses
    assert resources == [(u, b) for u, m, r, s, b, _ in pages if r]
    assert [(u, m, body) for u, m, body in requests] == (
        [(u, m, rb or b"") for u, m, r, s, b, rb in pages if not r] + [(u, "GET", b"") for u, *_ in files])
    # The Hanweb data-proxy calls go in as the POSTs they were, form body included.
    posts = [r for r in requests if r[1] == "POST"]
    assert len(posts) == 2 and all(b"columnid=" in body for _, _, body in posts)
    assert {ct for u, s, b, ct in responses if u.endswith(".pdf")} == {"application/pdf"}

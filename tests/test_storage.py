"""Compact storage: bodies compressed with their codec per row, no decoded html copy, cells in a
WITHOUT ROWID table; `govarchive migrate` turns an archive of the older format into this one
losing nothing. Real crawls of the demo portal, real SQLite files, datasette over real HTTP."""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import urllib.request
from pathlib import Path

import sqlite_utils
from warcio.archiveiterator import ArchiveIterator

from archive import bodies
from archive.bodies import page_html
from archive.schema import VIEWS
from conftest import run_cli, serving
from expected import EXPECTED_ATTACHMENTS, N_PAGES

# report_cells as govarchive wrote it before: a rowid table with its key in a second index.
OLD_CELLS = """CREATE TABLE report_cells (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    table_code TEXT NOT NULL,
    row_code TEXT NOT NULL,
    col_code TEXT NOT NULL,
    value,
    raw TEXT,
    PRIMARY KEY (report_id, table_code, row_code, col_code)
)"""
CELLS = ("SELECT report_id, table_code, row_code, col_code, value, typeof(value), raw FROM report_cells"
         " ORDER BY report_id, table_code, row_code, col_code")


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db)
    bodies.register(conn)
    return conn


def raw_bodies(db: Path) -> dict:
    """{(table, id): (url, sha256 column, raw bytes)} of every stored body."""
    out = {}
    with connect(db) as conn:
        for t in ("pages", "attachments"):
            has_codec = "body_codec" in {r[1] for r in conn.execute(f"PRAGMA table_info({t})")}
            codec = "body_codec" if has_codec else "NULL"  # an old-format archive: raw bytes
            out.update({(t, i): (u, s, b)
                        for i, u, s, b in conn.execute(f"SELECT id, url, sha256, raw_body(body, {codec}) FROM {t}")})
    return out


def snapshot(db: Path) -> dict:
    """Everything migration must keep: every table's rows but the stored forms of the bodies."""
    with connect(db) as conn:
        pages = [c for c in (r[1] for r in conn.execute("PRAGMA table_info(pages)"))
                 if c not in ("body", "body_codec", "html")]
        attachments = [c for c in (r[1] for r in conn.execute("PRAGMA table_info(attachments)"))
                       if c not in ("body", "body_codec")]
        return {
            "bodies": raw_bodies(db),
            "pages": conn.execute(f"SELECT {', '.join(pages)} FROM pages ORDER BY id").fetchall(),
            "attachments": conn.execute(f"SELECT {', '.join(attachments)} FROM attachments ORDER BY id").fetchall(),
            "cells": conn.execute(CELLS).fetchall(),
            "reports": conn.execute("SELECT * FROM reports ORDER BY id").fetchall(),
            "checks": conn.execute("SELECT * FROM report_checks ORDER BY rowid").fetchall(),
            "summary": conn.execute("SELECT * FROM report_summary ORDER BY report_id").fetchall(),
            "fts": conn.execute(FTS_NOW if _index_now(conn) else FTS_BEFORE).fetchall(),
        }


# The pages whose title or text holds 依申请公开, through the full-text index of each format.
FTS_NOW = "SELECT rowid FROM pages_fts WHERE body LIKE '%依申请公开%' ORDER BY rowid"
FTS_BEFORE = "SELECT rowid FROM pages_fts WHERE pages_fts MATCH '\"依申请公开\"' ORDER BY rowid"


def _index_now(conn) -> bool:
    return "page_texts" in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'pages_fts'").fetchone()[0]


def old_format(src: Path, dst: Path) -> None:
    """A copy of `src` as govarchive wrote archives before this format (schema 2): bodies raw with
    no codec column, the decoded page in `html`, report_cells a rowid table, sqlite-utils' full-text
    index over pages (token positions kept) with its triggers."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    conn = connect(dst)
    with conn:
        for table in ("pages", "attachments"):
            conn.execute(f"UPDATE {table} SET body = raw_body(body, body_codec)")
            conn.execute(f"ALTER TABLE {table} DROP COLUMN body_codec")
        for page_id, body, ctype, encoding in conn.execute(
                "SELECT id, body, content_type, encoding FROM pages WHERE text IS NOT NULL").fetchall():
            if encoding:  # an HTML or text page the extractor decoded
                conn.execute("UPDATE pages SET html = ? WHERE id = ?", [page_html(body, ctype), page_id])
        conn.execute("DROP VIEW report_summary")
        conn.execute("ALTER TABLE report_cells RENAME TO cells_new")
        conn.execute(OLD_CELLS)
        conn.execute("INSERT INTO report_cells SELECT * FROM cells_new")
        conn.execute("DROP TABLE cells_new")
        conn.execute("PRAGMA user_version = 2")
        for trigger in ("pages_fts_ai", "pages_fts_ad", "pages_fts_au"):
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")  # pages_fts_au: archives made before the writer indexed changes
        conn.execute("DROP TABLE pages_fts")
    sqlite_utils.Database(conn)["pages"].enable_fts(["title", "text"], tokenize="trigram", create_triggers=True)
    conn.executescript(VIEWS)
    conn.execute("VACUUM")
    conn.close()


def test_crawl_stores_compressed_bodies_and_no_html(portal, crawled):
    db, _, _ = crawled
    with connect(db) as conn:
        pages = conn.execute("SELECT url, content_type, body, body_codec, sha256, size, html FROM pages").fetchall()
        files = conn.execute("SELECT url, content_type, body, body_codec, sha256, size FROM attachments").fetchall()
    assert len(pages) >= N_PAGES and len(files) == len(EXPECTED_ATTACHMENTS)
    for url, ctype, stored, codec, sha, size, html in pages:
        raw = bodies.unpack(stored, codec)
        assert hashlib.sha256(raw).hexdigest() == sha and len(raw) == size, url
        assert html is None, url
        if ctype.startswith("text/html"):
            assert codec == "zstd" and len(stored) < size, url
    html = [(len(stored), size) for _, ctype, stored, _, _, size, _ in pages if ctype.startswith("text/html")]
    assert sum(s for s, _ in html) < sum(z for _, z in html) / 3  # the demo's HTML pages shrink more than 3x
    for url, ctype, stored, codec, sha, size in files:
        raw = bodies.unpack(stored, codec)
        assert hashlib.sha256(raw).hexdigest() == sha and len(raw) == size, url
        assert codec in (None, "zstd") and (codec is None) == (stored == raw), url


def test_export_warc_and_page_viewer_give_the_raw_bytes(crawled, tmp_path):
    db, _, _ = crawled
    stored = raw_bodies(db)
    out = tmp_path / "a.warc.gz"
    run_cli("export-warc", "--db", str(db), str(out))
    with open(out, "rb") as fh:
        payloads = [(r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
                    for r in ArchiveIterator(fh) if r.rec_type in ("response", "resource")]
    assert sorted(payloads) == sorted((u, b) for u, _, b in stored.values())
    with serving(db) as base:
        for (table, row_id), (url, sha, _) in stored.items():
            path = f"/-/page/{row_id}/raw" if table == "pages" else f"/-/attachment/{row_id}"
            with urllib.request.urlopen(base + path, timeout=30) as response:
                assert hashlib.sha256(response.read()).hexdigest() == sha, url
        query = "/archive.json?sql=select+hex(raw_body(body,body_codec))+as+b+from+pages+where+id=1&_shape=array"
        with urllib.request.urlopen(base + query, timeout=30) as response:
            assert bytes.fromhex(json.load(response)[0]["b"]) == stored[("pages", 1)][2]


def test_migrate_an_old_archive_keeps_every_body_and_cell(crawled, tmp_path):
    old = tmp_path / "old.db"
    old_format(crawled[0], old)
    before = snapshot(old)
    with sqlite3.connect(old) as conn:
        n_html = conn.execute("SELECT count(*) FROM pages WHERE html IS NOT NULL").fetchone()[0]
        assert n_html > 0 and not _index_now(conn) and before["fts"]
        cells_sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'report_cells'").fetchone()[0]
        assert "WITHOUT ROWID" not in cells_sql
    size_before = old.stat().st_size
    # The old archive is read as it is (no migration needed to use it): its WARC is the same bytes.
    warc_old = tmp_path / "old.warc.gz"
    run_cli("export-warc", "--db", str(old), str(warc_old))
    with serving(old) as base:  # and served: the page viewer reads raw rows with no codec column
        for (table, row_id), (url, sha, _) in before["bodies"].items():
            path = f"/-/page/{row_id}/raw" if table == "pages" else f"/-/attachment/{row_id}"
            with urllib.request.urlopen(base + path, timeout=30) as response:
                assert hashlib.sha256(response.read()).hexdigest() == sha, url

    result = run_cli("migrate", "--db", str(old))
    with sqlite3.connect(old) as conn:
        n_pages, n_zstd_pages = conn.execute("SELECT count(*), count(body_codec) FROM pages").fetchone()
        n_files, n_zstd_files = conn.execute("SELECT count(*), count(body_codec) FROM attachments").fetchone()
        n_cells = conn.execute("SELECT count(*) FROM report_cells").fetchone()[0]
    lines = result.stdout.splitlines()
    assert lines[0] == (f"compressed {n_zstd_pages} page and {n_zstd_files} attachment bodies"
                        f" ({n_pages - n_zstd_pages + n_files - n_zstd_files} left raw: not smaller compressed);"
                        f" html emptied on {n_html} pages;"
                        f" {n_cells} cells moved to a WITHOUT ROWID table")
    assert re.fullmatch(rf"verified {n_pages + n_files} bodies against their sha256; archive [\d,]+ -> [\d,]+ bytes",
                        lines[1])
    assert len(lines) == 2 and result.returncode == 0
    after = snapshot(old)
    assert after == before  # every body's bytes, every cell (with its type), report, check, summary row
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT count(*) FROM pages WHERE html IS NOT NULL").fetchone()[0] == 0
        assert "WITHOUT ROWID" in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'report_cells'").fetchone()[0]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        assert _index_now(conn)  # the index replaced by this version's (same pages found: snapshot)
    assert n_zstd_pages > 0 and old.stat().st_size < size_before

    warc_new = tmp_path / "new.warc.gz"
    run_cli("export-warc", "--db", str(old), str(warc_new))

    def payloads(path):
        with open(path, "rb") as fh:
            return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
                    for r in ArchiveIterator(fh)]
    assert payloads(warc_new) == payloads(warc_old)

    # A second migration finds nothing to do and changes nothing.
    with sqlite3.connect(old) as conn:
        dump = list(conn.iterdump())
    again = run_cli("migrate", "--db", str(old))
    assert again.stdout == f"nothing to migrate: {n_pages + n_files} bodies verified against their sha256\n"
    with sqlite3.connect(old) as conn:
        assert list(conn.iterdump()) == dump


def test_migrate_leaves_a_body_that_does_not_match_its_sha256_and_names_it(crawled, tmp_path):
    old = tmp_path / "old.db"
    old_format(crawled[0], old)
    with sqlite3.connect(old) as conn:
        page_id, sha = conn.execute("SELECT id, sha256 FROM pages ORDER BY id LIMIT 1").fetchone()
        conn.execute("UPDATE pages SET body = ? WHERE id = ?", [b"not the bytes that were fetched", page_id])
    result = run_cli("migrate", "--db", str(old), check=False)
    assert result.returncode == 1
    bad = hashlib.sha256(b"not the bytes that were fetched").hexdigest()
    assert result.stdout.splitlines()[-1] == (f"NOT migrated, body does not match its sha256: pages {page_id}:"
                                              f" stored bytes have sha256 {bad}, row says {sha}")
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT body, body_codec FROM pages WHERE id = ?", [page_id]).fetchone() == (
            b"not the bytes that were fetched", None)
        assert conn.execute("SELECT count(*) FROM pages WHERE body_codec IS NULL AND id != ?",
                            [page_id]).fetchone()[0] < conn.execute("SELECT count(*) FROM pages").fetchone()[0] - 1


def test_migrate_refuses_bad_input(tmp_path):
    missing = tmp_path / "missing.db"
    result = run_cli("migrate", "--db", str(missing), check=False)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"govarchive: {missing}: no such archive\n")
    assert not missing.exists()
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"my notes" * 100)
    result = run_cli("migrate", "--db", str(notes), check=False)
    assert (result.returncode, result.stderr) == (2, f"govarchive: {notes}: not a SQLite database\n")
    assert notes.read_bytes() == b"my notes" * 100
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = run_cli("migrate", "--db", str(other), check=False)
    assert (result.returncode, result.stderr) == (
        2, f"govarchive: {other}: a SQLite database, but not a govarchive archive (no pages table)\n")

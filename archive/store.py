"""Writing to the archive: fetched pages (byte-exact, deduplicated per version), extractions, crawls."""
from __future__ import annotations

import hashlib
import json
import marshal
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlite_utils

from archive import bodies
from archive.filenames import attachment_filename
from archive.reports import clear_report, settle_duplicates, write_report
from archive.schema import FULL_TEXT_UPDATE, METADATA_COLUMNS
from extract.page import Extraction, extract_page


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Fetch:
    """What the crawler hands over for one response."""

    url: str
    body: bytes
    status: int = 200
    final_url: str | None = None
    headers: dict[str, list[str]] = field(default_factory=dict)
    site: str | None = None
    crawl_id: int | None = None
    fetched_at: str | None = None
    method: str = "GET"
    rendered: bool = False
    request_body: bytes | None = None
    agency_hint: str | None = None  # the department the crawl found the page under

    @property
    def agency_fallback(self) -> str | None:
        """What extraction may take as the agency when the page names none: the department the
        crawl found it under, else the site's name."""
        return self.agency_hint or self.site

    @property
    def content_type(self) -> str | None:
        for name, values in self.headers.items():
            if name.lower() == "content-type" and values:
                return values[0]
        return None


@dataclass
class Stored:
    page_id: int
    new: bool  # a version not seen before
    is_report: bool
    report_id: int | None = None
    error: str | None = None


def _seen_before(db: sqlite_utils.Database, table: str, url: str, sha: str, now: str) -> int | None:
    """The id of the stored version with these bytes, its last_seen_at moved to now; None if new.
    The caller holds the transaction."""
    row = db.execute(f"SELECT id FROM {table} WHERE url = ? AND sha256 = ?", [url, sha]).fetchone()
    if row:
        db.execute(f"UPDATE {table} SET last_seen_at = ? WHERE id = ?", [now, row[0]])
    return row[0] if row else None


def insert_version(db: sqlite_utils.Database, fetch: Fetch) -> tuple[int, bool]:
    """Store the raw response (committed): (page id, whether the bytes are a new version of the URL).
    The same bytes at the same URL are one row; only last_seen_at moves."""
    sha = hashlib.sha256(fetch.body).hexdigest()
    now = fetch.fetched_at or utcnow()
    with db.atomic():
        if (seen := _seen_before(db, "pages", fetch.url, sha, now)) is not None:
            return seen, False
        stored, codec = bodies.pack(fetch.body)
        cursor = db.execute(
            "INSERT INTO pages (url, final_url, site, crawl_id, fetched_at, last_seen_at, method, request_body,"
            " rendered, status, headers, content_type, sha256, size, body, body_codec, agency_hint)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [fetch.url, fetch.final_url or fetch.url, fetch.site, fetch.crawl_id, now, now, fetch.method,
             fetch.request_body, int(fetch.rendered), fetch.status,
             json.dumps(fetch.headers, ensure_ascii=False), fetch.content_type, sha, len(fetch.body), stored, codec,
             fetch.agency_hint],
        )
    return cursor.lastrowid, True


def touch_latest(db: sqlite_utils.Database, table: str, url: str, seen_at: str) -> None:
    """A 304: the newest stored version of `url` was seen again."""
    assert table in ("pages", "attachments")
    with db.atomic():
        db.execute(f"UPDATE {table} SET last_seen_at = ? WHERE id = (SELECT max(id) FROM {table} WHERE url = ?)",
                   [seen_at, url])


def stored_state(db: sqlite_utils.Database, page_id: int, new: bool) -> Stored:
    row = db.execute("SELECT p.is_report, p.extract_error, r.id FROM pages p"
                     " LEFT JOIN reports r ON r.page = p.id AND r.source = 'page' WHERE p.id = ?", [page_id]).fetchone()
    return Stored(page_id, new, bool(row[0]), row[2], row[1])


def store_fetch(db: sqlite_utils.Database, fetch: Fetch) -> Stored:
    """Archive one response and, when its bytes are new, extract it right away."""
    page_id, new = insert_version(db, fetch)
    if new:
        extraction, error = safe_extract(fetch.body, fetch.content_type, fetch.agency_fallback)
        with db.atomic():
            write_extraction(db, page_id, extraction, error)
    return stored_state(db, page_id, new)


def store_attachment(db: sqlite_utils.Database, fetch: Fetch, source_page: str | None,
                     image_index: int | None = None) -> tuple[int, bool]:
    """Archive a file a report page points at: raw bytes, type, size, sha256, source page;
    `image_index`: its place among the page's images when the page prints its report as images."""
    sha = hashlib.sha256(fetch.body).hexdigest()
    now = fetch.fetched_at or utcnow()
    with db.atomic():
        if (seen := _seen_before(db, "attachments", fetch.url, sha, now)) is not None:
            return seen, False
        page = db.execute("SELECT id FROM pages WHERE url = ? ORDER BY id DESC LIMIT 1", [source_page]).fetchone()
        stored, codec = bodies.pack(fetch.body)
        cursor = db.execute(
            "INSERT INTO attachments (url, final_url, site, source_page, page_id, crawl_id, fetched_at, last_seen_at,"
            " status, headers, content_type, filename, size, sha256, body, body_codec, image_index)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [fetch.url, fetch.final_url or fetch.url, fetch.site, source_page, page[0] if page else None,
             fetch.crawl_id, now, now, fetch.status, json.dumps(fetch.headers, ensure_ascii=False),
             fetch.content_type, attachment_filename(fetch.headers, fetch.final_url or fetch.url), len(fetch.body),
             sha, stored, codec, image_index],
        )
    return cursor.lastrowid, True


def safe_extract(body: bytes, content_type: str | None,
                 site_name: str | None = None) -> tuple[Extraction | None, str | None]:
    """A page that breaks the extractor is still archived, with the error stored. `site_name`: the
    agency to fall back on (Fetch.agency_fallback)."""
    try:
        return extract_page(body, content_type, site_name=site_name), None
    except Exception as exc:  # noqa: BLE001 - any extractor bug must not lose the page
        return None, f"{type(exc).__name__}: {exc}"


def extraction_digest(extraction: Extraction | None, error: str | None) -> str:
    """sha256 of everything stored from an extraction. Over marshal's version 2 (no references
    between objects, so equal values give equal bytes), not sorted JSON: 0.14 against 0.5 ms a
    report page. A digest that changed with this function only costs one rewrite of the same rows."""
    if extraction is None:
        payload = ("error", error)
    else:
        e = extraction
        payload = (e.source_kind, e.title, e.agency, e.year, e.layout, e.metadata,
                   [(c.table, c.row, c.col, c.value, c.raw, c.confidence) for c in e.cells],
                   [(c.rule, c.status, c.lhs, c.rhs, c.table, c.row, c.col) for c in e.checks],
                   e.expected_cells, e.cells_found, e.check_status, e.warnings, e.is_report, e.encoding, e.text,
                   e.extractor_version)
    return hashlib.sha256(marshal.dumps(payload, 2)).hexdigest()


def write_extraction(db: sqlite_utils.Database, page_id: int, extraction: Extraction | None,
                     error: str | None = None, extracted_at: str | None = None,
                     digest: str | None = None) -> tuple[int | None, bool]:
    """Replace everything derived from one page; the caller holds the transaction.
    Returns (report id or None, whether anything was rewritten).

    Output identical to what is stored is left untouched, so re-extraction is idempotent; a report
    keeps its id across re-extractions.
    """
    from extract.version import EXTRACTOR_VERSION

    digest = digest or extraction_digest(extraction, error)  # reextract's workers compute it beside the extraction
    stored = db.execute("SELECT extraction_digest, title, text FROM pages WHERE id = ?", [page_id]).fetchone()
    old = db.execute("SELECT id FROM reports WHERE page = ? AND source = 'page'", [page_id]).fetchone()
    old_id = old[0] if old else None
    if stored and stored[0] == digest:
        return old_id, False
    if old_id is not None:
        clear_report(db, old_id, delete=extraction is None or not extraction.is_report)
    if extraction is None:
        db.execute(
            "UPDATE pages SET extract_error = ?, extractor_version = ?, is_report = 0, extraction_digest = ?"
            " WHERE id = ?", [error, EXTRACTOR_VERSION, digest, page_id],
        )
        settle_duplicates(db, page_id)
        return None, True
    meta = extraction.metadata
    sets = ", ".join(f"{c} = ?" for c in METADATA_COLUMNS)
    db.execute(
        f"UPDATE pages SET encoding = ?, html = NULL, text = ?, title = ?, is_report = ?, extractor_version = ?,"
        f" extract_error = NULL, extraction_digest = ?, {sets} WHERE id = ?",
        [extraction.encoding, extraction.text, extraction.title, int(extraction.is_report),
         extraction.extractor_version, digest] + [meta.get(c) if meta else None for c in METADATA_COLUMNS] + [page_id],
    )
    if stored and (stored[1], stored[2]) != (extraction.title, extraction.text):
        db.execute(FULL_TEXT_UPDATE[0], [page_id, stored[1], stored[2]])
        db.execute(FULL_TEXT_UPDATE[1], [page_id, extraction.title, extraction.text])
    report_id = None
    if extraction.is_report:
        report_id = write_report(db, extraction, page_id=page_id, source="page", attachment_id=None, old_id=old_id,
                                 extracted_at=extracted_at or utcnow())
    settle_duplicates(db, page_id)
    return report_id, True


def start_crawl(db: sqlite_utils.Database, sites: list[str]) -> int:
    """A new run's row. Call it holding the archive's lock: any row still `running` then belongs
    to a process that died (kill -9, OOM, reboot) and is marked `interrupted`."""
    with db.atomic():
        db.execute("UPDATE crawls SET status = 'interrupted' WHERE status = 'running'")
        cursor = db.execute(
            "INSERT INTO crawls (started, sites, status, pid) VALUES (?, ?, 'running', ?)",
            [utcnow(), json.dumps(sites, ensure_ascii=False), os.getpid()],
        )
    return cursor.lastrowid


def finish_crawl(db: sqlite_utils.Database, crawl_id: int, status: str, stats: dict, failures: int) -> None:
    with db.atomic():
        db.execute(
            "UPDATE crawls SET finished = ?, status = ?, stats = ?, failures = ? WHERE id = ?",
            [utcnow(), status, json.dumps(stats, ensure_ascii=False, default=str, sort_keys=True), failures, crawl_id],
        )


def latest_seen(db: sqlite_utils.Database, table: str, url: str) -> tuple[dict, str] | None:
    """(stored headers, last_seen_at) of the newest version of `url`, or None if never stored."""
    assert table in ("pages", "attachments")
    row = db.execute(f"SELECT headers, last_seen_at FROM {table} WHERE url = ? ORDER BY id DESC LIMIT 1",
                     [url]).fetchone()
    return (json.loads(row[0] or "{}"), row[1]) if row else None


def latest_body(db: sqlite_utils.Database, url: str) -> tuple[bytes, str, str | None] | None:
    """(body, final URL, content type) of the newest stored version of a page, or None."""
    row = db.execute("SELECT body, body_codec, final_url, content_type FROM pages WHERE url = ? ORDER BY id DESC"
                     " LIMIT 1", [url]).fetchone()
    return (bodies.unpack(row[0], row[1]), row[2], row[3]) if row else None


def unextracted_pages(db: sqlite_utils.Database, sites: list[str]) -> list[int]:
    """Pages of these sites whose extraction never landed (the crawl that stored them died)."""
    marks = ",".join("?" * len(sites)) or "NULL"
    return [r[0] for r in db.execute(
        f"SELECT id FROM pages WHERE extraction_digest IS NULL AND site IN ({marks}) ORDER BY id", list(sites))]


def page_fetch(db: sqlite_utils.Database, page_id: int) -> Fetch:
    row = db.execute("SELECT url, body, status, final_url, headers, site, agency_hint, body_codec FROM pages"
                     " WHERE id = ?", [page_id]).fetchone()
    return Fetch(url=row[0], body=bodies.unpack(row[1], row[7]), status=row[2], final_url=row[3], headers=json.loads(row[4] or "{}"),
                 site=row[5], agency_hint=row[6])


def sites_without_pages(db: sqlite_utils.Database, sites: list[str]) -> list[str]:
    """The sites of which the archive holds no page at all, from any run."""
    return [s for s in sites if db.execute("SELECT 1 FROM pages WHERE site = ? LIMIT 1", [s]).fetchone() is None]

"""Reports in the files pages link (PDF, DOCX, DOC, WPS, OFD …) and in pages printed as images
（图片版）: what to extract (a job, with the bytes, for a worker process), the extraction itself (pure:
extract.document), and writing its report.

A file is read once its linking page version is archived (`attachments.page_id`): its report's
`page` is that page, so that it is listed, exported and deduplicated with the page's own report
(archive.reports). A page's images are read together, in their order on the page, once all of
them are archived. A file that cannot be read (a truncated PDF, a broken ZIP, the extractor's
exception) gets the reason in `attachments.extract_error`; nothing else stops.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from archive import bodies
from archive.reports import clear_report, settle_duplicates, write_report
from archive.store import extraction_digest, utcnow
from extract.page import Extraction


@dataclass(frozen=True)
class DocumentJob:
    source: str  # attachment | images
    page_id: int
    attachment_ids: tuple[int, ...]  # the file; or the page's images, in order
    body: bytes
    content_type: str | None
    filename: str | None
    pages: tuple[bytes, ...] | None  # the images' bytes, for source = images
    site_name: str | None  # the agency to fall back on, as for pages (Fetch.agency_fallback)


_FALLBACK = "coalesce((SELECT agency_hint FROM pages WHERE id = a.page_id), a.site)"


def attachment_job(db: sqlite_utils.Database, attachment_id: int) -> DocumentJob | None:
    """The job for one stored file; None for an image of a page (read with the others) or a file
    whose linking page is not archived."""
    row = db.execute(f"SELECT page_id, body, content_type, filename, image_index, {_FALLBACK}, body_codec"
                     " FROM attachments a WHERE id = ?", [attachment_id]).fetchone()
    if row is None or row[0] is None or row[4] is not None:
        return None
    return DocumentJob("attachment", row[0], (attachment_id,), bodies.unpack(row[1], row[6]), row[2], row[3], None,
                       row[5])


def image_ids(db: sqlite_utils.Database, page_id: int) -> tuple[int, ...]:
    """The page's images as stored now, in their order: one per place, its newest version."""
    latest: dict[int, int] = {}
    for attachment_id, index in db.execute("SELECT id, image_index FROM attachments WHERE page_id = ? AND image_index"
                                           " IS NOT NULL ORDER BY image_index, id", [page_id]):
        latest[index] = attachment_id
    return tuple(latest[i] for i in sorted(latest))


def images_job(db: sqlite_utils.Database, page_id: int, expected: int | None = None) -> DocumentJob | None:
    """The job for a page's images, in their order; None while fewer than `expected` are stored."""
    ids = image_ids(db, page_id)
    marks = ",".join("?" * len(ids))
    by_id = {r[0]: r for r in db.execute(f"SELECT id, body, image_index, {_FALLBACK}, body_codec FROM attachments a"
                                         f" WHERE id IN ({marks})", list(ids))}
    rows = [by_id[i] for i in ids]
    if not rows or (expected is not None and len(rows) < expected):
        return None
    return DocumentJob("images", page_id, tuple(r[0] for r in rows), b"", None, None,
                       tuple(bodies.unpack(r[1], r[4]) for r in rows), rows[0][3])


def extract_job(job: DocumentJob) -> tuple[Extraction | None, str | None]:
    """Pure, for a worker process: the document's extraction, or the extractor's exception."""
    from extract.document import extract_document

    try:
        return extract_document(job.body, job.content_type, job.filename, pages=list(job.pages) if job.pages else None,
                                site_name=job.site_name), None
    except Exception as exc:  # noqa: BLE001 - a file that breaks the extractor must not stop the crawl
        return None, f"{type(exc).__name__}: {exc}"


def unreadable(extraction: Extraction) -> str | None:
    """Why nothing could be read from the file (its warnings), or None when it was read."""
    if extraction.is_report or extraction.text:
        return None
    return "; ".join(extraction.warnings) or "nothing read"


def write_document_extraction(db: sqlite_utils.Database, job: DocumentJob, extraction: Extraction | None,
                              error: str | None, extracted_at: str | None = None) -> tuple[int | None, bool]:
    """Replace the report read from the job's file (or images); the caller holds the transaction.
    Returns (report id or None, whether anything was rewritten): unchanged output is left alone."""
    from extract.version import EXTRACTOR_VERSION

    if job.source == "images" and image_ids(db, job.page_id) != job.attachment_ids:
        # More (or newer) images came in since the job was made: the job that reads them writes.
        # (A crawl restarted after a kill reads the images it has; the rest arrive while it runs,
        # and the two reports could land in either order.)
        return None, False
    if error is None and extraction is not None:
        error = unreadable(extraction)
    digest = extraction_digest(extraction, error)
    marks = ",".join("?" * len(job.attachment_ids))
    stored = {r[0] for r in db.execute(f"SELECT extraction_digest FROM attachments WHERE id IN ({marks})",
                                       list(job.attachment_ids))}
    if job.source == "images":
        old = db.execute("SELECT id FROM reports WHERE page = ? AND source = 'images'", [job.page_id]).fetchone()
    else:
        old = db.execute("SELECT id FROM reports WHERE attachment = ?", [job.attachment_ids[0]]).fetchone()
    old_id = old[0] if old else None
    if stored == {digest}:
        return old_id, False
    is_report = error is None and extraction is not None and extraction.is_report
    if old_id is not None:
        clear_report(db, old_id, delete=not is_report)
    db.execute(f"UPDATE attachments SET extract_error = ?, extractor_version = ?, extraction_digest = ?"
               f" WHERE id IN ({marks})", [error, EXTRACTOR_VERSION, digest] + list(job.attachment_ids))
    report_id = None
    if is_report:
        report_id = write_report(db, extraction, page_id=job.page_id, source=job.source,
                                 attachment_id=job.attachment_ids[0] if job.source == "attachment" else None,
                                 old_id=old_id, extracted_at=extracted_at or utcnow())
    settle_duplicates(db, job.page_id)
    return report_id, True


def unextracted_documents(db: sqlite_utils.Database, sites: list[str]) -> list[tuple[str, int]]:
    """Files and image pages of these sites whose extraction never landed (the crawl that stored
    them died, or came before files were read): ("attachment", id) and ("images", page id), read
    into jobs one at a time by `job_for` (their bodies can be large)."""
    marks = ",".join("?" * len(sites)) or "NULL"
    files = db.execute(f"SELECT id FROM attachments WHERE extraction_digest IS NULL AND page_id IS NOT NULL"
                       f" AND image_index IS NULL AND site IN ({marks}) ORDER BY id", list(sites)).fetchall()
    images = db.execute(f"SELECT DISTINCT page_id FROM attachments WHERE extraction_digest IS NULL AND page_id IS NOT"
                        f" NULL AND image_index IS NOT NULL AND site IN ({marks}) ORDER BY page_id", list(sites)).fetchall()
    return [("attachment", i) for (i,) in files] + [("images", p) for (p,) in images]


def job_for(db: sqlite_utils.Database, key: tuple[str, int]) -> DocumentJob | None:
    source, ident = key
    return attachment_job(db, ident) if source == "attachment" else images_job(db, ident)


def relink(db: sqlite_utils.Database, page_id: int, links: list[str]) -> int:
    """A new version of a page that still links files the archive holds unchanged (one version
    each, stored with an older version of the page): those files, and the reports read from them,
    move to the new version, so that they stay current with it. Returns how many moved."""
    url = db.execute("SELECT url FROM pages WHERE id = ?", [page_id]).fetchone()[0]
    moved, older = 0, set()
    with db.atomic():
        for link in links:
            row = db.execute("SELECT a.id, a.page_id FROM attachments a JOIN pages p ON p.id = a.page_id"
                             " WHERE a.url = ? AND p.url = ? AND a.page_id < ? ORDER BY a.id DESC LIMIT 1",
                             [link, url, page_id]).fetchone()
            if row is None:
                continue
            db.execute("UPDATE attachments SET page_id = ? WHERE id = ?", [page_id, row[0]])
            db.execute("UPDATE reports SET page = ?, duplicate_of = NULL WHERE attachment = ?", [page_id, row[0]])
            older.add(row[1])
            moved += 1
        for old in older:
            # A report read from the page's images goes with them, unless the new version has its own.
            if not db.execute("SELECT 1 FROM reports WHERE page = ? AND source = 'images'", [page_id]).fetchone() \
                    and not db.execute("SELECT 1 FROM attachments WHERE page_id = ? AND image_index IS NOT NULL",
                                       [old]).fetchone():
                db.execute("UPDATE reports SET page = ?, duplicate_of = NULL WHERE page = ? AND source = 'images'",
                           [page_id, old])
            settle_duplicates(db, old)
        if older:
            settle_duplicates(db, page_id)
    return moved


def all_documents(db: sqlite_utils.Database, since: str | None = None):
    """Every stored file and image page (for `govarchive reextract`), one job at a time."""
    where, params = (" AND fetched_at >= ?", [since]) if since else ("", [])
    for (attachment_id,) in db.execute(f"SELECT id FROM attachments WHERE page_id IS NOT NULL AND image_index IS NULL"
                                       f"{where} ORDER BY id", params).fetchall():
        job = attachment_job(db, attachment_id)
        if job is not None:
            yield job
    for (page_id,) in db.execute(f"SELECT DISTINCT page_id FROM attachments WHERE page_id IS NOT NULL"
                                 f" AND image_index IS NOT NULL{where} ORDER BY page_id", params).fetchall():
        job = images_job(db, page_id)
        if job is not None:
            yield job

"""`govarchive reextract`: run the current extractor over every stored page, file and image-only
page （图片版） again.

Extraction is pure, so it runs in worker processes; only the parent writes, one transaction per
batch, each page's old extraction replaced whole. A page that breaks the extractor gets its error
stored and the run goes on.
"""
from __future__ import annotations

import multiprocessing
from dataclasses import dataclass, field

from archive import bodies
from archive.db import open_archive
from archive.documents import all_documents, extract_job, write_document_extraction
from archive.store import extraction_digest, safe_extract, utcnow, write_extraction

BATCH = 200


@dataclass
class ReextractResult:
    pages: int = 0
    reports: int = 0
    cells: int = 0
    checks_failed: int = 0
    warnings: int = 0
    errors: int = 0
    changed: int = 0
    error_pages: list[str] = field(default_factory=list)
    documents: int = 0  # files, and image-only pages read as one document each
    document_reports: int = 0
    document_errors: int = 0  # files that could not be read (their attachments.extract_error)
    documents_changed: int = 0

    def format(self) -> str:
        return (f"re-extracted {self.pages} pages: {self.reports} reports, {self.cells} cells, "
                f"{self.checks_failed} checks failed, {self.warnings} warnings, {self.errors} extractor errors, "
                f"{self.changed} pages changed; {self.documents} files and image pages: {self.document_reports} "
                f"reports, {self.document_errors} unreadable, {self.documents_changed} changed")


def _work(row):
    page_id, body, codec, content_type, agency_fallback = row
    extraction, error = safe_extract(bodies.unpack(body, codec), content_type, agency_fallback)
    if extraction is not None:
        extraction.html = None  # the decoded page is not stored (derived from the body): not sent back either
    return page_id, extraction, error, extraction_digest(extraction, error)


def _batches(db, since: str | None):
    """Pages in id order, BATCH at a time: bodies are read only as they are extracted."""
    where, params = ("WHERE fetched_at >= ?", [since]) if since else ("", [])
    last = 0
    while True:
        rows = db.execute(f"SELECT id, body, body_codec, content_type, coalesce(agency_hint, site) FROM pages"
                          f" {where} {'AND' if where else 'WHERE'} id > ?"
                          f" ORDER BY id LIMIT {BATCH}", params + [last]).fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def reextract(db_path: str, jobs: int = 1, since: str | None = None, progress: bool = False) -> ReextractResult:
    db = open_archive(db_path, create=False)
    sql = "SELECT count(*) FROM pages" + (" WHERE fetched_at >= ?" if since else "")
    total = db.execute(sql, [since] if since else []).fetchone()[0]
    result = ReextractResult()
    started = utcnow()
    # fork: workers inherit the loaded extractor (and, in tests, its patched form) at no cost.
    pool = multiprocessing.get_context("fork").Pool(jobs) if jobs > 1 else None
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="page", desc="reextract")
    try:
        # The workers extract the next batch while this process writes the one before.
        pending = None
        for rows in _batches(db, since):
            if pool is None:
                _write(db, [_work(r) for r in rows], result, started)
            else:
                extracting = pool.map_async(_work, rows, chunksize=8)
                if pending is not None:
                    _write(db, pending.get(), result, started)
                pending = extracting
            if bar:
                bar.update(len(rows))
        if pending is not None:
            _write(db, pending.get(), result, started)
        _documents(db, pool, since, result, started)
    finally:
        if pool:
            pool.close()
            pool.join()
        if bar:
            bar.close()
    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    db.close()
    return result


def _write(db, batch, result: ReextractResult, started: str) -> None:
    if not batch:
        return
    with db.atomic():
        for page_id, extraction, error, digest in batch:
            _, changed = write_extraction(db, page_id, extraction, error, extracted_at=started, digest=digest)
            result.pages += 1
            result.changed += changed
            if extraction is None:
                result.errors += 1
                result.error_pages.append(f"page {page_id}: {error}")
                continue
            if extraction.is_report:
                result.reports += 1
                result.cells += len(extraction.cells)
                result.checks_failed += sum(c.status == "failed" for c in extraction.checks)
                result.warnings += len(extraction.warnings)


def _documents(db, pool, since: str | None, result: ReextractResult, started: str) -> None:
    """Files and image pages, a few at a time: their bodies are large, their extraction slow."""
    jobs = list(all_documents(db, since))
    for start in range(0, len(jobs), 8):
        batch = jobs[start:start + 8]
        done = pool.map(extract_job, batch, chunksize=1) if pool else [extract_job(j) for j in batch]
        with db.atomic():
            for job, (extraction, error) in zip(batch, done):
                report_id, changed = write_document_extraction(db, job, extraction, error, extracted_at=started)
                result.documents += 1
                result.documents_changed += changed
                result.document_reports += report_id is not None
                stored_error = db.execute("SELECT extract_error FROM attachments WHERE id = ?",
                                          [job.attachment_ids[0]]).fetchone()[0]
                if stored_error:
                    result.document_errors += 1
                    result.error_pages.append(f"attachment {job.attachment_ids[0]}: {stored_error}")

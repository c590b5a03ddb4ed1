"""`govarchive reextract`: run the current extractor over every stored page again.

Extraction is pure, so it runs in worker processes; only the parent writes, one transaction per
batch, each page's old extraction replaced whole. A page that breaks the extractor gets its error
stored and the run goes on.
"""
from __future__ import annotations

import multiprocessing
from dataclasses import dataclass, field

from archive import bodies
from archive.db import open_archive
from archive.store import safe_extract, utcnow, write_extraction

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

    def format(self) -> str:
        return (f"re-extracted {self.pages} pages: {self.reports} reports, {self.cells} cells, "
                f"{self.checks_failed} checks failed, {self.warnings} warnings, {self.errors} extractor errors, "
                f"{self.changed} pages changed")


def _work(row):
    page_id, body, codec, content_type, agency_fallback = row
    extraction, error = safe_extract(bodies.unpack(body, codec), content_type, agency_fallback)
    return page_id, extraction, error


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
        for rows in _batches(db, since):
            done = pool.map(_work, rows, chunksize=8) if pool else [_work(r) for r in rows]
            _write(db, done, result, started)
            if bar:
                bar.update(len(rows))
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
    with db.conn:
        for page_id, extraction, error in batch:
            _, changed = write_extraction(db, page_id, extraction, error, extracted_at=started)
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

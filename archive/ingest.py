"""The archive's side of the distributed ingest (govarchive.ingest): what makes replaying an index
record change nothing, and the crawl row of a crawl whose sites only its crawlers knew."""
from __future__ import annotations

import json

import sqlite_utils

from archive.failures import FetchFailure


def failure_recorded(db: sqlite_utils.Database, failure: FetchFailure, crawl_id: int) -> bool:
    """Whether this crawl recorded `failure`'s request as failed already (still open).

    A single-process run records a request's failure once (with its attempts); a distributed crawl
    may see the same record again — a replay after the ingest died before acknowledging it, or the
    request failing once more after a killed crawler's in-flight requests came back — and keeps the
    first, so `attempts` counts what one run counts."""
    return db.execute(
        "SELECT 1 FROM fetch_errors WHERE url = ? AND method = ? AND coalesce(request_body, x'') = coalesce(?, x'')"
        " AND resolved_at IS NULL AND last_crawl = ?",
        [failure.url, failure.method, failure.request_body, crawl_id]).fetchone() is not None


def set_crawl_sites(db: sqlite_utils.Database, crawl_id: int, sites: list[str]) -> None:
    with db.atomic():
        db.execute("UPDATE crawls SET sites = ? WHERE id = ?", [json.dumps(sites, ensure_ascii=False), crawl_id])


def crawl_exists(db: sqlite_utils.Database, crawl_id: int) -> bool:
    return db.execute("SELECT 1 FROM crawls WHERE id = ?", [crawl_id]).fetchone() is not None


def archive_sites(db: sqlite_utils.Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT DISTINCT site FROM pages WHERE site IS NOT NULL ORDER BY site")]

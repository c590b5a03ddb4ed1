"""`fetch_errors`: every request that failed for good, by URL, until a later fetch succeeds.

A failure is one open row per request (URL, method, body); failing again in a later run adds to
its attempts, succeeding resolves it. The next crawl asks for the open ones first.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from archive.store import utcnow

# Kinds that are policy, not loss: a request robots.txt disallows is never sent, and is not
# counted among a run's failures (its exit code), though it is named.
POLICY_KINDS = ("robots",)


@dataclass(frozen=True)
class FetchFailure:
    url: str
    kind: str
    site: str | None = None
    role: str | None = None
    method: str = "GET"
    request_body: bytes | None = None
    referer: str | None = None
    status: int | None = None
    detail: str | None = None
    attempts: int = 1


def record_failure(db: sqlite_utils.Database, failure: FetchFailure, crawl_id: int | None) -> None:
    now = utcnow()
    with db.atomic():
        row = db.execute(
            "SELECT id FROM fetch_errors WHERE url = ? AND method = ? AND coalesce(request_body, x'') = coalesce(?, x'')"
            " AND resolved_at IS NULL", [failure.url, failure.method, failure.request_body]).fetchone()
        if row:
            db.execute(
                "UPDATE fetch_errors SET kind = ?, status = ?, detail = ?, site = coalesce(?, site),"
                " role = coalesce(?, role), referer = coalesce(?, referer),"
                " attempts = attempts + ?, last_crawl = ?, last_seen = ? WHERE id = ?",
                [failure.kind, failure.status, failure.detail, failure.site, failure.role, failure.referer,
                 failure.attempts, crawl_id, now, row[0]])
            return
        db.execute(
            "INSERT INTO fetch_errors (url, method, request_body, site, role, referer, kind, status, detail, attempts,"
            " first_crawl, last_crawl, first_seen, last_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [failure.url, failure.method, failure.request_body, failure.site, failure.role, failure.referer,
             failure.kind, failure.status, failure.detail, failure.attempts, crawl_id, crawl_id, now, now])


def resolve(db: sqlite_utils.Database, url: str, crawl_id: int | None, *, method: str = "GET",
            request_body: bytes | None = None) -> int:
    """A fetch of `url` succeeded: its open failure (and those of the subrequests it depends on,
    for a rendered listing) are resolved. Returns how many rows were resolved."""
    now = utcnow()
    with db.atomic():
        own = db.execute(
            "UPDATE fetch_errors SET resolved_at = ?, resolved_crawl = ? WHERE resolved_at IS NULL AND url = ?"
            " AND method = ? AND coalesce(request_body, x'') = coalesce(?, x'')",
            [now, crawl_id, url, method, request_body]).rowcount
        subrequests = db.execute(
            "UPDATE fetch_errors SET resolved_at = ?, resolved_crawl = ? WHERE resolved_at IS NULL AND referer = ?"
            " AND role = 'subrequest'", [now, crawl_id, url]).rowcount
    return own + subrequests


def open_failures(db: sqlite_utils.Database, sites: list[str]) -> list[FetchFailure]:
    """Open failures of these sites that a new request can retry (not robots.txt itself, not a
    browser's subrequest: those come back with the request that needs them), oldest first."""
    if not sites or "fetch_errors" not in db.table_names():
        return []
    marks = ",".join("?" * len(sites))
    rows = db.execute(
        "SELECT url, kind, site, role, method, request_body, referer, status, detail, attempts FROM fetch_errors"
        f" WHERE resolved_at IS NULL AND site IN ({marks}) AND coalesce(role, '') NOT IN ('robots', 'subrequest')"
        " ORDER BY id", list(sites)).fetchall()
    return [FetchFailure(url=r[0], kind=r[1], site=r[2], role=r[3], method=r[4], request_body=r[5], referer=r[6],
                         status=r[7], detail=r[8], attempts=r[9]) for r in rows]


def run_failures(db: sqlite_utils.Database, crawl_id: int, *, include_policy: bool = False) -> list[dict]:
    """What this run tried and could not get: its open rows, by site and URL."""
    policy = "" if include_policy else f" AND kind NOT IN ({','.join(repr(k) for k in POLICY_KINDS)})"
    rows = db.execute(
        "SELECT site, url, role, kind, status, detail, attempts FROM fetch_errors"
        f" WHERE resolved_at IS NULL AND last_crawl = ?{policy} ORDER BY site, id", [crawl_id]).fetchall()
    keys = ("site", "url", "role", "kind", "status", "detail", "attempts")
    return [dict(zip(keys, r)) for r in rows]

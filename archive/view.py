"""What the archive holds that decides a crawl, published to Redis for crawlers that have no archive.

A distributed crawl (crawler.distributed) runs its crawlers without the SQLite file: the ingest,
the archive's one writer, publishes at the start of each crawl what a single-process crawl reads
from it, and the crawlers read it from Redis instead:

  view:failures        open rows of fetch_errors, asked for first (archive.failures.open_failures)
  view:columns         site → the report columns its site map knows (archive.sitemap.columns)
  view:hubs            "site\\nurl" → when the hub was last explored (archive.sitemap.explored_within)
  view:seen:pages      URL → [ETag/Last-Modified, last_seen_at] of its newest stored version: what is
  view:seen:attachments  fresh is not asked for, what is older is asked for conditionally
                       (crawler.incremental)
  view:files           page URL → the attachments stored for it: a fresh page's files are asked for
                       again (and skipped when fresh), as a single-process crawl reads them off the
                       stored page
  view:ready           the archive's crawls.id of this crawl, set last: crawlers wait for it

The view is a snapshot taken when the crawl starts, as a single-process crawl sees the archive as it
was when it started. Unlike a single-process crawl, which re-reads a fresh page's stored body for
its attachment links, the view carries the files the archive holds for the page: a page stored
without its files cannot come out of a distributed crawl (the page's request stays in flight until
the requests for its files are queued, crawler.frontier), only out of a crawl whose Redis was lost.
"""
from __future__ import annotations

import dataclasses
import json

import sqlite_utils

from archive.failures import FetchFailure, open_failures
from archive.sitemap import MapEntry, columns as known_columns

_BATCH = 1000
_VALIDATORS = ("etag", "last-modified")
PARTS = ("failures", "columns", "hubs", "seen:pages", "seen:attachments", "files", "ready")


def _validators(headers_json: str | None) -> dict:
    headers = json.loads(headers_json or "{}")
    return {k: v for k, v in headers.items() if k.lower() in _VALIDATORS}


def publish_view(db: sqlite_utils.Database, server, prefix: str, crawl_id: int) -> dict[str, int]:
    """Replace the view under `prefix` (e.g. "govarchive:nightly:view") with what `db` holds now;
    entries written per part."""
    key = lambda part: f"{prefix}:{part}"  # noqa: E731
    server.delete(*(key(p) for p in PARTS))
    counts = {}
    sites = [r[0] for r in db.execute("SELECT DISTINCT site FROM fetch_errors WHERE site IS NOT NULL")] \
        if "fetch_errors" in db.table_names() else []
    failures = [json.dumps({**dataclasses.asdict(f), "request_body": f.request_body.decode("latin-1")
                            if f.request_body is not None else None}, ensure_ascii=False)
                for f in open_failures(db, sites)]
    if failures:
        server.rpush(key("failures"), *failures)
    counts["failures"] = len(failures)
    map_sites = [r[0] for r in db.execute("SELECT DISTINCT site FROM site_map")] if "site_map" in db.table_names() else []
    columns = {site: json.dumps([[c.url, c.agency, c.cms] for c in known_columns(db, site)], ensure_ascii=False)
               for site in map_sites}
    counts["columns"] = _hset(server, key("columns"), columns.items())
    counts["hubs"] = _hset(server, key("hubs"), ((f"{s}\n{u}", seen) for s, u, seen in db.execute(
        "SELECT site, url, last_seen FROM site_map WHERE kind = 'hub'"))) if map_sites else 0
    for table in ("pages", "attachments"):
        method = " AND method = 'GET'" if table == "pages" else ""
        rows = db.execute(f"SELECT url, headers, last_seen_at FROM {table} WHERE id IN"
                          f" (SELECT max(id) FROM {table} WHERE 1{method} GROUP BY url)")
        counts[f"seen:{table}"] = _hset(server, key(f"seen:{table}"), (
            (url, json.dumps([_validators(headers), seen], ensure_ascii=False)) for url, headers, seen in rows))
    files: dict[str, list[str]] = {}
    for page, url in db.execute("SELECT DISTINCT p.url, a.url FROM attachments a JOIN pages p ON p.id = a.page_id"
                                " ORDER BY a.id"):
        files.setdefault(page, []).append(url)
    counts["files"] = _hset(server, key("files"), ((p, json.dumps(u, ensure_ascii=False)) for p, u in files.items()))
    server.set(key("ready"), crawl_id)
    return counts


def _hset(server, name: str, pairs) -> int:
    n = 0
    batch: dict = {}
    for field, value in pairs:
        batch[field] = value
        if len(batch) >= _BATCH:
            n += len(batch)
            server.hset(name, mapping=batch)
            batch = {}
    if batch:
        n += len(batch)
        server.hset(name, mapping=batch)
    return n


def clear_view(server, prefix: str) -> None:
    server.delete(*(f"{prefix}:{p}" for p in PARTS))


class ArchiveView:
    """The crawler's side: the same questions a single-process crawl asks its archive."""

    def __init__(self, server, prefix: str):
        self.server = server
        self.prefix = prefix

    def _key(self, part: str) -> str:
        return f"{self.prefix}:{part}"

    def ready(self) -> int | None:
        value = self.server.get(self._key("ready"))
        return int(value) if value is not None else None

    def open_failures(self, sites: list[str]) -> list[FetchFailure]:
        out = []
        for raw in self.server.lrange(self._key("failures"), 0, -1):
            fields = json.loads(raw)
            if fields["site"] in sites:
                body = fields.pop("request_body")
                out.append(FetchFailure(**fields, request_body=body.encode("latin-1") if body is not None else None))
        return out

    def columns(self, site: str) -> list[MapEntry]:
        raw = self.server.hget(self._key("columns"), site)
        return [MapEntry(site, url, "column", agency, None, cms) for url, agency, cms in json.loads(raw or "[]")]

    def hub_last_seen(self, site: str, url: str) -> str | None:
        value = self.server.hget(self._key("hubs"), f"{site}\n{url}")
        return value.decode() if value is not None else None

    def latest_seen(self, table: str, url: str) -> tuple[dict, str] | None:
        """As archive.store.latest_seen: (the stored validators, last_seen_at) of the newest version."""
        raw = self.server.hget(self._key(f"seen:{table}"), url)
        if raw is None:
            return None
        headers, seen = json.loads(raw)
        return headers, seen

    def files(self, url: str) -> list[str]:
        return json.loads(self.server.hget(self._key("files"), url) or "[]")

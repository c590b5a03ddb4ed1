"""Incremental re-crawls: what the archive already holds decides what is asked for again.

Listing pages are always fetched. A detail page or attachment seen within REFETCH_AFTER seconds
is not requested at all; an older one is asked for conditionally (If-None-Match / If-Modified-Since
from the stored headers), so an unchanged page costs a 304 and stores nothing new.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from scrapy.exceptions import IgnoreRequest, NotConfigured

from archive.db import ArchiveError, open_archive
from archive.store import latest_seen

CONDITIONAL_ROLES = ("detail", "attachment")


class FreshInArchive(IgnoreRequest):
    """Seen recently enough: not requested again this run."""


class IncrementalMiddleware:
    def __init__(self, db_path: str, refetch_after: float, stats):
        self.db_path = db_path
        self.refetch_after = timedelta(seconds=refetch_after)
        self.stats = stats
        self.conn = None  # read-only archive, opened at the first request that needs it

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("INCREMENTAL_ENABLED", True):
            raise NotConfigured
        return cls(crawler.settings.get("ARCHIVE_DB"), crawler.settings.getfloat("REFETCH_AFTER", 7 * 86400),
                   crawler.stats)

    def _latest(self, table: str, url: str):
        if self.conn is None:
            try:
                self.conn = open_archive(self.db_path, readonly=True)
            except ArchiveError:  # no archive yet: a first crawl
                return None
        return latest_seen(self.conn, table, url)

    def process_request(self, request, spider=None):
        role = request.meta.get("role")
        if role not in CONDITIONAL_ROLES or request.method != "GET":
            return None
        row = self._latest("attachments" if role == "attachment" else "pages", request.url)
        if row is None:
            return None
        headers, last_seen = row[0], datetime.fromisoformat(row[1])
        site = request.meta.get("site")
        if datetime.now(timezone.utc) - last_seen < self.refetch_after:
            self.stats.inc_value(f"govarchive/fresh/{site}")
            raise FreshInArchive(f"seen {row[1]}, within REFETCH_AFTER")
        lower = {k.lower(): v for k, v in headers.items()}
        if lower.get("etag"):
            request.headers.setdefault("If-None-Match", lower["etag"][0])
        if lower.get("last-modified"):
            request.headers.setdefault("If-Modified-Since", lower["last-modified"][0])
        request.meta.setdefault("handle_httpstatus_list", []).append(304)
        return None

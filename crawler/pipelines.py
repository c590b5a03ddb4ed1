"""Item pipeline: every fetched page goes into the archive as it arrives, then through extraction.

The raw bytes are committed first; extraction (pure, CPU-bound) runs in worker processes so the
crawl does not wait on it (EXTRACT_WORKERS, default: one per core; 0 runs it inline;
EXTRACT_DURING_CRAWL = False leaves it to `govarchive reextract`). A page whose extraction never landed (the process died) is picked up by `reextract`.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from scrapy import signals

from archive.db import open_archive
from archive.lock import lock_archive
from archive.summary import store_summary
from archive.store import (Fetch, finish_crawl, touch_latest, insert_version, safe_extract, start_crawl, store_attachment,
                           stored_state, write_extraction)
from crawler.items import AttachmentItem, NotModifiedItem, PageItem


class ArchivePipeline:
    def __init__(self, path: str, crawler):
        self.path = path
        self.crawler = crawler
        self.stats = crawler.stats
        self.extract = crawler.settings.getbool("EXTRACT_DURING_CRAWL", True)
        workers = crawler.settings.get("EXTRACT_WORKERS")
        # One per core: measured faster than cores - 1 on 2 cores (bench/crawl.py), the reactor
        # thread being mostly idle while it waits on sockets.
        self.workers = max(1, os.cpu_count() or 1) if workers in (None, "") else int(workers)
        self.pool = None
        self.db = None
        self.crawl_id = None
        self.pending: set[asyncio.Future] = set()
        # Pages in extraction at once: enough to keep every worker busy, few enough to bound memory.
        self.max_pending = 8 * max(1, self.workers)

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.settings.get("ARCHIVE_DB"), crawler)
        # spider_closed carries the finish reason, and comes after every item went through.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider=None):
        lock_archive(self.path)  # `scrapy crawl` too: one crawl per archive (re-entrant for govarchive crawl)
        self.db = open_archive(self.path)
        names = [s.name for s in getattr(self.crawler.spider, "sites", [])]
        self.crawl_id = start_crawl(self.db, names)
        self.stats.set_value("govarchive/crawl_id", self.crawl_id)
        if self.workers and self.extract:
            # spawn: the crawler process runs threads (Twisted, Playwright) that fork would copy badly.
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))

    async def process_item(self, item: PageItem | AttachmentItem | NotModifiedItem, spider=None):
        if isinstance(item, NotModifiedItem):
            touch_latest(self.db, "attachments" if item.role == "attachment" else "pages", item.url, item.fetched_at)
            self.stats.inc_value(f"govarchive/stored/{item.site}")
            return item
        fetch = Fetch(url=item.url, final_url=item.final_url, body=item.body, status=item.status,
                      headers=item.headers, site=item.site, crawl_id=self.crawl_id, fetched_at=item.fetched_at)
        if isinstance(item, AttachmentItem):
            store_attachment(self.db, fetch, item.source_page)
            self.stats.inc_value(f"govarchive/attachments_stored/{item.site}")
            return item
        fetch.method, fetch.rendered, fetch.request_body = item.method, item.rendered, item.request_body
        page_id, new = insert_version(self.db, fetch)
        self.stats.inc_value(f"govarchive/stored/{item.site}")
        if not new or not self.extract:
            self._count(item.site, stored_state(self.db, page_id, new))
            return item
        # The crawl goes on while the page is extracted; only a full queue makes it wait.
        while len(self.pending) >= self.max_pending:
            await asyncio.wait(self.pending, return_when=asyncio.FIRST_COMPLETED)
        task = asyncio.ensure_future(self._extract_and_write(item.site, page_id, fetch))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)
        return item

    async def _extract_and_write(self, site: str, page_id: int, fetch: Fetch) -> None:
        extraction, error = await self._extract(fetch)
        with self.db.conn:
            write_extraction(self.db, page_id, extraction, error)
        self._count(site, stored_state(self.db, page_id, True))

    def _count(self, site: str, stored) -> None:
        if stored.new:
            self.stats.inc_value(f"govarchive/new_versions/{site}")
        if stored.is_report:
            self.stats.inc_value(f"govarchive/reports/{site}")
            if stored.new:
                self.stats.inc_value(f"govarchive/new_reports/{site}")
        if stored.error:
            self.stats.inc_value(f"govarchive/extract_errors/{site}")

    async def _extract(self, fetch: Fetch):
        if self.pool is not None:
            try:
                return await asyncio.wrap_future(self.pool.submit(safe_extract, fetch.body, fetch.content_type))
            except (BrokenProcessPool, RuntimeError) as exc:
                # Workers could not start (e.g. an unguarded __main__ under spawn): extract inline.
                self.crawler.spider.logger.warning("extraction workers unavailable (%s); extracting inline", exc)
                self.pool = None
        return safe_extract(fetch.body, fetch.content_type)

    async def close_spider(self, spider=None):
        # Every page extracted and written before the crawl is summed up.
        while self.pending:
            await asyncio.wait(set(self.pending))

    def spider_closed(self, spider, reason):
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None
        if self.db is None:
            return
        stats = self.stats.get_stats()
        finish_crawl(self.db, self.crawl_id, "finished" if reason == "finished" else f"stopped: {reason}", stats)
        store_summary(self.db, self.crawl_id)
        self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        self.db.close()
        self.db = None

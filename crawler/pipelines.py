"""Item pipeline: every fetched page goes into the archive as it arrives, then through extraction.

The raw bytes are committed first; extraction (pure, CPU-bound) runs in worker processes so the
crawl does not wait on it (EXTRACT_WORKERS, default: one per core; 0 runs it inline;
EXTRACT_DURING_CRAWL = False leaves it to `govarchive reextract`). Pages an earlier run stored but
never extracted (it died) are extracted at the start of the next run of their sites.

The pipeline also keeps the run's record: its `crawls` row (a row a dead process left `running`
becomes `interrupted`), every failure reported through crawler.failures (→ `fetch_errors`), and
the resolution of earlier failures when their URL is fetched after all.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from scrapy import signals

from archive.db import open_archive
from archive.documents import (DocumentJob, attachment_job, extract_job, images_job, job_for, relink,
                               unextracted_documents, write_document_extraction)
from archive.failures import record_failure, resolve, run_failures
from archive.sitemap import MapEntry, record as record_map
from archive.lock import lock_archive, unlock_archive
from archive.store import (Fetch, finish_crawl, insert_version, page_fetch, safe_extract, start_crawl, store_attachment,
                           stored_state, touch_latest, unextracted_pages, write_extraction)
from archive.summary import store_summary
from crawler.failures import fetch_failed, fetch_resolved
from crawler.items import AttachmentItem, NotModifiedItem, PageItem, SiteMapItem

# Scrapy's finish reasons → the run's status.
_STATUS = {"finished": "finished", "shutdown": "interrupted"}


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
        self.took_lock = False
        self.pending: set[asyncio.Future] = set()
        # Pages in extraction at once: enough to keep every worker busy, few enough to bound memory.
        self.max_pending = 8 * max(1, self.workers)

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.settings.get("ARCHIVE_DB"), crawler)
        # spider_closed carries the finish reason, and comes after every item went through.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.failed, signal=fetch_failed)
        crawler.signals.connect(pipeline.resolved, signal=fetch_resolved)
        return pipeline

    def open_spider(self, spider=None):
        # `scrapy crawl` too: one crawl per archive (govarchive crawl took it already).
        self.took_lock = lock_archive(self.path)
        self.db = open_archive(self.path)
        names = [s.name for s in getattr(self.crawler.spider, "sites", [])]
        # ARCHIVE_CRAWL_ID: the distributed ingest, restarted mid-crawl, goes on with its crawl's row.
        self.crawl_id = self.crawler.settings.getint("ARCHIVE_CRAWL_ID") or start_crawl(self.db, names)
        self.stats.set_value("govarchive/crawl_id", self.crawl_id)
        if self.workers and self.extract:
            # spawn: the crawler process runs threads (Twisted, Playwright) that fork would copy badly.
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        if self.extract:
            backlog = unextracted_pages(self.db, names)
            documents = unextracted_documents(self.db, names)
            if backlog or documents:
                self._track(asyncio.ensure_future(self._extract_backlog(backlog, documents)))

    # -- failures ---------------------------------------------------------------------------------
    def failed(self, failure):
        if self.db is not None:
            record_failure(self.db, failure, self.crawl_id)

    def resolved(self, url: str):
        if self.db is not None:
            resolve(self.db, url, self.crawl_id)

    # -- items ------------------------------------------------------------------------------------
    async def process_item(self, item: PageItem | AttachmentItem | NotModifiedItem | SiteMapItem, spider=None):
        if isinstance(item, SiteMapItem):
            record_map(self.db, MapEntry(item.site, item.url, item.kind, item.agency, item.parent, item.cms),
                       self.crawl_id)
            return item
        if isinstance(item, NotModifiedItem):
            touch_latest(self.db, "attachments" if item.role == "attachment" else "pages", item.url, item.fetched_at)
            resolve(self.db, item.url, self.crawl_id)
            self.stats.inc_value(f"govarchive/stored/{item.site}")
            return item
        fetch = Fetch(url=item.url, final_url=item.final_url, body=item.body, status=item.status,
                      headers=item.headers, site=item.site, crawl_id=self.crawl_id, fetched_at=item.fetched_at)
        if isinstance(item, AttachmentItem):
            attachment_id, new = store_attachment(self.db, fetch, item.source_page, item.image_index)
            resolve(self.db, item.url, self.crawl_id)
            self.stats.inc_value(f"govarchive/attachments_stored/{item.site}")
            if new and self.extract:
                # A file is read on its own; a page's images once the last of them is in.
                job = (attachment_job(self.db, attachment_id) if item.image_index is None else
                       images_job(self.db, self._page_of(attachment_id), item.image_count))
                if job is not None:
                    await self._queue_document(item.site, job)
            return item
        fetch.method, fetch.rendered, fetch.request_body = item.method, item.rendered, item.request_body
        fetch.agency_hint = item.agency_hint
        page_id, new = insert_version(self.db, fetch)
        if new and item.file_links:
            relink(self.db, page_id, item.file_links)
        if not item.failed:
            resolve(self.db, item.url, self.crawl_id, method=item.method, request_body=item.request_body)
        self.stats.inc_value(f"govarchive/stored/{item.site}")
        if not new or not self.extract:
            self._count(item.site, stored_state(self.db, page_id, new))
            return item
        await self._queue(item.site, page_id, fetch)
        return item

    def _page_of(self, attachment_id: int) -> int | None:
        return self.db.execute("SELECT page_id FROM attachments WHERE id = ?", [attachment_id]).fetchone()[0]

    async def _room(self) -> None:
        # The crawl goes on while pages and files are extracted; only a full queue makes it wait.
        while len(self.pending) >= self.max_pending:
            await asyncio.wait(self.pending, return_when=asyncio.FIRST_COMPLETED)

    async def _queue(self, site: str, page_id: int, fetch: Fetch) -> None:
        await self._room()
        self._track(asyncio.ensure_future(self._extract_and_write(site, page_id, fetch)))

    async def _queue_document(self, site: str, job: DocumentJob) -> None:
        await self._room()
        self._track(asyncio.ensure_future(self._extract_document(site, job)))

    def _track(self, task: asyncio.Future) -> None:
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def _extract_backlog(self, page_ids: list[int], documents: list[tuple[str, int]]) -> None:
        for page_id in page_ids:
            fetch = page_fetch(self.db, page_id)
            await self._queue(fetch.site, page_id, fetch)
        for key in documents:
            job = job_for(self.db, key)
            if job is not None:
                site = self.db.execute("SELECT site FROM attachments WHERE id = ?", [job.attachment_ids[0]]).fetchone()[0]
                await self._queue_document(site, job)

    async def _extract_document(self, site: str, job: DocumentJob) -> None:
        extraction, error = await self._in_pool(extract_job, job)
        with self.db.atomic():
            report_id, _ = write_document_extraction(self.db, job, extraction, error)
        if report_id is not None:
            self.stats.inc_value(f"govarchive/{job.source}_reports/{site}")
        elif self.db.execute("SELECT extract_error FROM attachments WHERE id = ?", [job.attachment_ids[0]]).fetchone()[0]:
            self.stats.inc_value(f"govarchive/attachment_errors/{site}")

    async def _extract_and_write(self, site: str, page_id: int, fetch: Fetch) -> None:
        extraction, error = await self._extract(fetch)
        with self.db.atomic():
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
        return await self._in_pool(safe_extract, fetch.body, fetch.content_type, fetch.agency_fallback)

    async def _in_pool(self, function, *args):
        if self.pool is not None:
            try:
                return await asyncio.wrap_future(self.pool.submit(function, *args))
            except (BrokenProcessPool, RuntimeError) as exc:
                # Workers could not start (e.g. an unguarded __main__ under spawn): extract inline.
                self.crawler.spider.logger.warning("extraction workers unavailable (%s); extracting inline", exc)
                self.pool = None
        return function(*args)

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
        failures = len(run_failures(self.db, self.crawl_id))
        finish_crawl(self.db, self.crawl_id, _STATUS.get(reason, f"stopped: {reason}"), stats, failures)
        store_summary(self.db, self.crawl_id)
        self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        self.db.close()
        self.db = None
        if self.took_lock:
            unlock_archive(self.path)

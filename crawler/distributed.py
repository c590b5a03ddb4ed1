"""One of many crawlers on a shared frontier: `govarchive crawl --sites FILE --redis URL --warc-dir DIR`.

The `reports` spider as it is, on scrapy-redis's scheduler, queue and dupefilter (crawler.frontier:
one queue per site, each site leased to one crawler at a time), without an archive: what the archive
holds comes from the view the ingest published (archive.view), and what is fetched goes to WARC
files with an index record per fetch (crawler.warc_writer), which `govarchive ingest` stores.

Seeding once. scrapy-redis 0.9.1 seeds a RedisSpider from `start_requests()`, which this Scrapy
(2.13+, `async start()`) never calls, and would seed once per process. Here `start()` waits for the
view, then claims the crawl's `seeded` key (SET NX with a TTL, renewed while seeding): the crawler
that wins yields the spider's own start requests (open failures first, then every site's start URLs
or known columns) into the shared queue and marks the key `done`; the others yield none. A seeder
that dies lets its claim expire and another seeds again; the shared dupefilter drops what was
queued already.

Settling a request. A request popped from the frontier stays in flight (crawler.frontier) until
everything it led to is in Redis: the requests its callback or errback yields are queued right
there (engine.crawl, as Scrapy would) and its items written to WARC and indexed, and only then is
it done. Callback output is settled by SettleMiddleware, the spider middleware closest to the
engine (so Referer and the other spider middlewares still apply); errback output for download
failures, which Scrapy passes through no spider middleware, by the spider's `on_error`.

Stopping. A crawler closes once the whole frontier (every site's queue and in-flight requests) has
been empty for MAX_IDLE_TIME_BEFORE_CLOSE seconds (scrapy-redis's setting, checked here against the
frontier, not a start-URL list). The last one to stop marks the crawl finished for the ingest.

Bounds (SITE_REQUESTS_MAX …) and the explore budget are counted per crawler process, as they are
per run in one process; a site's crawl mostly stays with one crawler, which holds its lease.
"""
from __future__ import annotations

import logging
import os
import socket
import sys
import time
from datetime import datetime, timedelta, timezone

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy_redis import connection
from twisted.internet import task

from archive.view import ArchiveView
from crawler.failures import fetch_failed, fetch_resolved
from crawler.frontier import TOKEN, CrawlKeys, Frontier
from crawler.incremental import IncrementalMiddleware
from crawler.spiders.reports import ReportsSpider
from crawler.warc_writer import IndexWriter, WarcFiles

logger = logging.getLogger(__name__)

# Settings of a distributed crawler (govarchive.crawl.run_distributed adds REDIS_URL, CRAWL_ID, WARC_DIR).
SETTINGS = {
    "SCHEDULER": "crawler.frontier.SiteLeaseScheduler",
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    "SCHEDULER_PERSIST": True,  # the frontier outlives every crawler: it is the crawl's, not the process's
    "ITEM_PIPELINES": {},  # no archive here: items are WARC records and index records (SettleMiddleware)
    "SPIDER_MIDDLEWARES": {"crawler.distributed.SettleMiddleware": 1},
    "LEASE_TTL": 60.0,  # seconds a site stays leased to a crawler that stopped renewing (renewed every TTL/3)
    "CRAWLER_SITES_MAX": 8,  # sites one crawler works on at once (CONCURRENT_REQUESTS / per-site concurrency)
    "MAX_IDLE_TIME_BEFORE_CLOSE": 30,  # seconds the shared frontier must stay empty before a crawler stops
    "WARC_MAX_SIZE": 1024 ** 3,  # bytes per WARC file before the next one is started
}


def settings_for(redis_url: str, crawl: str, warc_dir: str, project_middlewares: dict) -> dict:
    """The distributed crawler's settings, over the project's: the archive-backed incremental
    middleware swapped for the one reading the published view."""
    keys = CrawlKeys(crawl)
    middlewares = {**project_middlewares, "crawler.incremental.IncrementalMiddleware": None,
                   "crawler.distributed.ViewIncrementalMiddleware": project_middlewares.get(
                       "crawler.incremental.IncrementalMiddleware", 50)}
    return {**SETTINGS, "REDIS_URL": redis_url, "CRAWL_ID": crawl, "WARC_DIR": warc_dir, "ARCHIVE_DB": "",
            "SCHEDULER_QUEUE_KEY": keys.queue_prefix, "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
            "DOWNLOADER_MIDDLEWARES": middlewares}


def crawler_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{int(time.time())}"


class DistributedReportsSpider(ReportsSpider):
    name = "reports"

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        keys = CrawlKeys(settings.get("CRAWL_ID"))
        server = connection.from_settings(settings)
        spider.keys = keys
        spider.crawler_id = crawler_id()
        spider.frontier = Frontier(server, keys, spider.crawler_id, lease_ttl=settings.getfloat("LEASE_TTL"),
                                   sites_max=settings.getint("CRAWLER_SITES_MAX"))
        spider.view = ArchiveView(server, keys.view)
        spider.index = IndexWriter(server, keys.index, WarcFiles(settings.get("WARC_DIR"),
                                                                 f"govarchive-{keys.crawl}-{spider.crawler_id}",
                                                                 settings.getint("WARC_MAX_SIZE")))
        spider.max_idle = settings.getfloat("MAX_IDLE_TIME_BEFORE_CLOSE")
        spider.seeding = False
        spider.seeded_here = False
        spider._idle_since = None
        spider._heartbeat = None
        crawler.signals.connect(spider.index.failure, signal=fetch_failed)
        crawler.signals.connect(spider.index.resolved, signal=fetch_resolved)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        server.sadd(keys.site_names, *[s.name for s in spider.sites])
        return spider

    # -- seeding once ------------------------------------------------------------------------------
    async def start(self):
        import asyncio

        said = False
        while True:
            state = self.frontier.seeding_state()
            if self.view.ready() is None or state == "finished":
                if not said:  # the ingest publishes the view; a finished crawl is being closed by it
                    print(f"govarchive: waiting for `govarchive ingest` to open crawl {self.keys.crawl}",
                          file=sys.stderr, flush=True)
                    said = True
            elif state == "done":
                return  # seeded by another crawler: this one takes its share of the frontier
            elif self.frontier.claim_seeding():
                break
            await asyncio.sleep(1.0)  # another crawler is seeding (or its claim has yet to expire)
        self.seeding = self.seeded_here = True
        async for request in super().start():
            yield request
        self.frontier.seeding_done()
        self.seeding = False

    # -- the archive, as the ingest published it ---------------------------------------------------
    def _open_failures(self) -> list:
        return self.view.open_failures(list(self.sites_by_name))

    def _known_columns(self, site) -> list:
        return self.view.columns(site.name)

    def _explored_lately(self, site, url: str) -> bool:
        seen = self.view.hub_last_seen(site.name, url)
        return seen is not None and (datetime.now(timezone.utc) - datetime.fromisoformat(seen)
                                     < timedelta(seconds=self.explore_interval))

    def _attachments_of_stored(self, site, url: str):
        for file_url in self.view.files(url)[:self.attachments_max]:
            if site.allows(file_url):
                yield from self._request(site, file_url, "attachment", meta={"source_page": url})

    # -- settling ----------------------------------------------------------------------------------
    def on_error(self, failure):
        outputs = super().on_error(failure)
        if failure.check(HttpError):
            return outputs  # raised in the spider middlewares: its errback output goes back through them
        return self._settle_errback(failure.request, outputs)

    def _settle_errback(self, request, outputs):
        try:
            for out in outputs or ():
                if self.settle(out) is not None:
                    yield out
        except Exception:
            self.request_done(request)
            raise
        self.request_done(request)

    def settle(self, out):
        """Into Redis now: a request queued, an item written and indexed. The item, or None."""
        if isinstance(out, scrapy.Request):
            self.crawler.engine.crawl(out)
            return None
        self.index.item(out)
        return out

    def request_done(self, request) -> None:
        token = request.meta.get(TOKEN)
        if token is not None:
            self.frontier.done(request.meta["site"], token)

    # -- living, idling, stopping ------------------------------------------------------------------
    def _opened(self, spider):
        self._heartbeat = task.LoopingCall(self._beat)
        self._heartbeat.start(max(0.5, self.frontier.ttl_ms / 3000), now=True)

    def _beat(self):
        try:
            self.frontier.heartbeat(self.seeding)
        except Exception:  # noqa: BLE001 - Redis away for a moment: the next beat tries again
            logger.exception("lease renewal failed")

    def _idle(self, spider):
        if self.frontier.size() or self.frontier.seeding_state() not in ("done", "finished", None):
            self._idle_since = None
            raise DontCloseSpider
        self._idle_since = self._idle_since or time.monotonic()
        if time.monotonic() - self._idle_since < self.max_idle:
            raise DontCloseSpider

    def closed(self, reason):
        super().closed(reason)
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        stats = {k: v for k, v in self.crawler.stats.get_stats().items()
                 if isinstance(v, (int, float)) and not isinstance(v, bool)}
        self.index.push({"type": "stats", "crawler": self.crawler_id, "stats": stats})
        self.finished_crawl = self.frontier.stop('{"type": "finished"}' if reason == "finished" else None)
        self.index.warcs.close()


class SettleMiddleware:
    """Closest to the engine: a response's output is settled (crawler.distributed) before its
    request leaves the frontier's in-flight set."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_spider_output(self, response, result):
        spider = self.crawler.spider
        async for out in result:
            if spider.settle(out) is not None:
                yield out
        spider.request_done(response.request)


class ViewIncrementalMiddleware(IncrementalMiddleware):
    """crawler.incremental over the view the ingest published, not an archive file."""

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        middleware.crawler = crawler
        return middleware

    def _latest(self, table: str, url: str):
        return self.crawler.spider.view.latest_seen(table, url)

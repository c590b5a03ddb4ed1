"""`govarchive ingest --redis URL --db PATH [--until-idle]`: the one writer of a distributed crawl.

It runs as a Scrapy crawl that fetches nothing: the `ingest` spider's `start()` reads the crawl's
index stream (Redis Streams, consumer group `ingest`) and yields the items the crawlers' spiders
yielded, with their bodies read back from the WARC files (sha256 checked), and reports their
failures through the same signals; crawler.pipelines.ArchivePipeline stores them exactly as in a
single-process crawl — bodies kept in the archive as today, extraction in its worker processes,
its `crawls` row, fetch_errors, site_map — and AckPipeline acknowledges each record (XACK, then
XDEL: the stream holds only what is not stored yet) once it is committed.

Before the first record it publishes what the archive holds for the crawlers (archive.view) and
opens the crawl's `crawls` row; the row's id is in the view, so an ingest restarted mid-crawl goes
on with the same row and reads first the records it had been handed and not acknowledged. Replayed
records change nothing: a version is (URL, sha256), a 304 or a site-map entry is set again to the
same, a resolved failure stays resolved, a failure already recorded by this crawl is not counted
again (archive.ingest.failure_recorded). Extraction that had not landed when it died is done at
its next start (ArchivePipeline's backlog).

It ends when the crawl's `finished` record is stored (the last crawler stopped on a drained
frontier), and then clears the crawl's keys so that the next crawl of the same id starts afresh;
with --until-idle also when no record came and no crawler was alive for --idle seconds (the crawl
is then `interrupted`: run it again to go on).
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import time
from types import SimpleNamespace

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider
from warcio.archiveiterator import ArchiveIterator

from archive.db import ArchiveError, open_archive
from archive.failures import FetchFailure
from archive.ingest import archive_sites, failure_recorded, set_crawl_sites
from archive.view import clear_view, publish_view
from crawler.failures import fetch_failed, fetch_resolved
from crawler.frontier import CrawlKeys
from crawler.items import AttachmentItem, NotModifiedItem, PageItem, SiteMapItem
from crawler.warc_writer import unb64

GROUP = CONSUMER = "ingest"  # one writer: a restarted ingest is the same consumer, its pending records its own
_BATCH = 100
_MAX_UNACKED = 4 * _BATCH  # items yielded and not yet stored: bounds the bodies held in memory


class WarcBodyError(Exception):
    """A record whose WARC body is missing or not the bytes the crawler hashed."""


def read_body(path: str, offset: int, length: int) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            return record.content_stream().read()
    raise WarcBodyError(f"{path}@{offset}: no WARC record there")


class IngestSpider(scrapy.Spider):
    name = "ingest"

    def __init__(self, keys: CrawlKeys, until_idle: bool = False, idle: float = 60.0, **kwargs):
        super().__init__(**kwargs)
        self.keys = keys
        self.until_idle = until_idle
        self.idle = idle
        self.unacked: dict[int, str] = {}  # id(item) → its stream entry
        self.finished_entry: str | None = None
        self.records = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        import redis

        spider.server = redis.Redis.from_url(crawler.settings.get("REDIS_URL"))
        # ArchivePipeline reads `sites` (its backlog: pages a killed ingest left unextracted): the
        # archive's and the crawl's; the crawl's row gets the crawl's own when it finishes.
        names = {n.decode() for n in spider.server.smembers(spider.keys.site_names)}
        try:
            db = open_archive(crawler.settings.get("ARCHIVE_DB"), readonly=True)
        except ArchiveError:  # none yet: the first crawl creates it
            db = None
        if db is not None:
            names.update(archive_sites(db))
            db.close()
        spider.sites = [SimpleNamespace(name=n) for n in sorted(names)]
        return spider

    async def start(self):
        import redis.asyncio

        settings = self.crawler.settings
        crawl_id = self.crawler.stats.get_value("govarchive/crawl_id")  # ArchivePipeline opened the row
        self.db = open_archive(settings.get("ARCHIVE_DB"), readonly=True)
        if self.server.get(self.keys.view_key("ready")) is None:
            counts = publish_view(self.db, self.server, self.keys.view, crawl_id)
            self.logger.info("published the archive's view for crawl %s: %s", self.keys.crawl, counts)
        self.redis = redis.asyncio.Redis.from_url(settings.get("REDIS_URL"))
        try:
            await self.redis.xgroup_create(self.keys.index, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        after = "0"  # first the records handed to this consumer before and never acknowledged
        last_record = time.monotonic()
        while True:
            while len(self.unacked) > _MAX_UNACKED:
                await asyncio.sleep(0.02)
            answer = await self.redis.xreadgroup(GROUP, CONSUMER, {self.keys.index: after}, count=_BATCH,
                                                 block=None if after == "0" else 1000)
            entries = answer[0][1] if answer else []
            if after != ">" and not entries:
                after = ">"
                continue
            if entries:
                last_record = time.monotonic()
            elif self.until_idle and time.monotonic() - last_record > self.idle and not self._crawlers_alive():
                self.logger.warning("no record and no crawler for %g s: stopping", self.idle)
                self.stopping_idle = True
                return
            for entry_id, fields in entries:
                entry_id = entry_id.decode()
                if after != ">":
                    after = entry_id
                if not fields:  # deleted after all (acknowledged, then XDEL) while pending: nothing to do
                    await self.ack(entry_id)
                    continue
                record = json.loads(fields[b"r"])
                self.records += 1
                if record["type"] == "finished":
                    self.finished_entry = entry_id
                    return
                item = self.apply(record, crawl_id)
                if item is None:
                    await self.ack(entry_id)
                else:
                    self.unacked[id(item)] = entry_id
                    yield item

    def _crawlers_alive(self) -> bool:
        since = int((time.time() - self.idle) * 1000)
        return bool(self.server.zcount(self.keys.crawlers, since, "+inf"))

    def apply(self, record: dict, crawl_id: int):
        """The item a record stands for, or None once applied here (failures, resolutions, stats)."""
        kind = record.pop("type")
        if kind in ("page", "attachment"):
            body = read_body(record.pop("warc"), record.pop("offset"), record.pop("length"))
            if hashlib.sha256(body).hexdigest() != record.pop("sha256"):
                raise WarcBodyError(f"{record['url']}: the WARC body is not the bytes the crawler fetched")
            if kind == "attachment":
                return AttachmentItem(body=body, **record)
            return PageItem(body=body, **{**record, "request_body": unb64(record["request_body"])})
        if kind == "not_modified":
            return NotModifiedItem(**record)
        if kind == "sitemap":
            return SiteMapItem(**record)
        if kind == "failure":
            failure = FetchFailure(**{**record, "request_body": unb64(record["request_body"])})
            if not failure_recorded(self.db, failure, crawl_id):
                self.crawler.signals.send_catch_log(fetch_failed, failure=failure)
        elif kind == "resolved":
            self.crawler.signals.send_catch_log(fetch_resolved, url=record["url"])
        elif kind == "stats":  # a crawler's own counters (renders, 304s, challenges …), for the summary
            for key, value in record["stats"].items():
                if key.startswith("govarchive/") and key != "govarchive/crawl_id":
                    self.crawler.stats.inc_value(key, value)
            self.crawler.stats.inc_value("govarchive/crawlers")
        return None

    async def ack(self, entry_id: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            await pipe.xack(self.keys.index, GROUP, entry_id).xdel(self.keys.index, entry_id).execute()

    def closed(self, reason):
        if getattr(self, "db", None) is not None:
            self.db.close()


def _idle_close(spider):
    """Stopped for want of records: the crawl is not finished (`interrupted`, exit 4)."""
    if getattr(spider, "stopping_idle", False):
        raise CloseSpider("shutdown")


class AckPipeline:
    """After ArchivePipeline: a record is acknowledged once what it holds is committed. When the crawl
    finished, its `finished` record is acknowledged last and the crawl's keys cleared."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        # connected after ArchivePipeline's handler: runs once the crawl's row is finished
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(_idle_close, signal=signals.spider_idle)
        return pipeline

    async def process_item(self, item, spider=None):
        spider = self.crawler.spider
        await spider.ack(spider.unacked.pop(id(item)))
        return item

    def spider_closed(self, spider, reason):
        if reason != "finished" or spider.finished_entry is None:
            return
        server, keys = spider.server, spider.keys
        db = open_archive(self.crawler.settings.get("ARCHIVE_DB"))
        try:
            names = sorted(n.decode() for n in server.smembers(keys.site_names))
            crawl_id = self.crawler.stats.get_value("govarchive/crawl_id")
            set_crawl_sites(db, crawl_id, names)
            from archive.summary import store_summary

            store_summary(db, crawl_id)
        finally:
            db.close()
        with server.pipeline() as pipe:
            pipe.xack(keys.index, GROUP, spider.finished_entry).xdel(keys.index, spider.finished_entry)
            pipe.delete(keys.seeded, keys.site_names)
            pipe.execute()
        clear_view(server, keys.view)


INGEST_SETTINGS = {
    "ITEM_PIPELINES": {"crawler.pipelines.ArchivePipeline": 300, "govarchive.ingest.AckPipeline": 900},
    "DOWNLOAD_HANDLERS": {},  # it fetches nothing: no browser
    "EXTENSIONS": {"scrapy.extensions.throttle.AutoThrottle": None},
    "PROGRESS": False,
    "CONCURRENT_ITEMS": 16,
}


def run_ingest(redis_url: str, db_path: str, crawl: str, *, until_idle: bool, idle: float, crawl_id: int | None,
               overrides: dict | None = None):
    """Ingest crawl `crawl` into `db_path` (validated, locked by the caller); (crawl id, finish reason)."""
    from scrapy.crawler import CrawlerProcess

    from govarchive.crawl import project_settings

    settings = project_settings({**INGEST_SETTINGS, "REDIS_URL": redis_url, "ARCHIVE_DB": db_path,
                                 "ARCHIVE_CRAWL_ID": crawl_id or 0, **(overrides or {})})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(IngestSpider)
    process.crawl(crawler, keys=CrawlKeys(crawl), until_idle=until_idle, idle=idle)
    process.start()
    return crawler.stats.get_value("govarchive/crawl_id"), crawler.stats.get_value("finish_reason")

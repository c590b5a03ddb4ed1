"""Item pipeline: every fetched page goes into the archive (and through extraction) as it arrives."""
from __future__ import annotations

from scrapy import signals

from archive.db import open_archive
from archive.store import Fetch, finish_crawl, start_crawl, store_attachment, store_fetch
from crawler.items import AttachmentItem, PageItem


class ArchivePipeline:
    def __init__(self, path: str, crawler):
        self.path = path
        self.crawler = crawler
        self.stats = crawler.stats
        self.db = None
        self.crawl_id = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.settings.get("ARCHIVE_DB"), crawler)
        # spider_closed carries the finish reason, and comes after every item went through.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider=None):
        self.db = open_archive(self.path)
        names = [s.name for s in getattr(self.crawler.spider, "sites", [])]
        self.crawl_id = start_crawl(self.db, names)
        self.stats.set_value("govarchive/crawl_id", self.crawl_id)

    def process_item(self, item: PageItem | AttachmentItem, spider=None):
        if isinstance(item, AttachmentItem):
            _, new = store_attachment(self.db, Fetch(
                url=item.url, final_url=item.final_url, body=item.body, status=item.status, headers=item.headers,
                site=item.site, crawl_id=self.crawl_id, fetched_at=item.fetched_at), item.source_page)
            self.stats.inc_value(f"govarchive/attachments_stored/{item.site}")
            return item
        stored = store_fetch(self.db, Fetch(
            url=item.url, final_url=item.final_url, body=item.body, status=item.status, headers=item.headers,
            site=item.site, crawl_id=self.crawl_id, fetched_at=item.fetched_at, method=item.method,
            rendered=item.rendered,
        ))
        self.stats.inc_value(f"govarchive/stored/{item.site}")
        if stored.new:
            self.stats.inc_value(f"govarchive/new_versions/{item.site}")
        if stored.is_report:
            self.stats.inc_value(f"govarchive/reports/{item.site}")
        if stored.error:
            self.stats.inc_value(f"govarchive/extract_errors/{item.site}")
        return item

    def spider_closed(self, spider, reason):
        if self.db is None:
            return
        stats = self.stats.get_stats()
        finish_crawl(self.db, self.crawl_id, "finished" if reason == "finished" else f"stopped: {reason}", stats)
        self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        self.db.close()
        self.db = None

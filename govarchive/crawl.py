"""Running the `reports` spider in-process, the way `scrapy crawl reports` does."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

# What Scrapy keeps in a JOBDIR: the pending-request queue, the seen-set, the spider's state.
_JOB_ENTRIES = ("requests.queue", "requests.seen", "spider.state")


def project_settings(overrides: dict | None = None):
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


@dataclass
class CrawlRun:
    crawl_id: int | None
    finish_reason: str | None


def clear_jobdir(jobdir: str) -> None:
    """Remove what Scrapy left in a JOBDIR (only its own entries: the directory is the user's).

    The archive decides what a run still has to fetch; a killed run's queue may be torn, and its
    seen-set ahead of the archive, so neither is ever resumed from."""
    for name in _JOB_ENTRIES:
        path = Path(jobdir, name)
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def run_crawl(sites, db_path: str, overrides: dict | None = None) -> CrawlRun:
    """Crawl `sites` (a list of Site) into `db_path`. The caller validated both and holds the lock."""
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.reports import ReportsSpider

    settings = project_settings({"ARCHIVE_DB": db_path, **(overrides or {})})
    jobdir = settings.get("JOBDIR")
    if jobdir:
        clear_jobdir(jobdir)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ReportsSpider)
    process.crawl(crawler, sites=sites)
    process.start()
    reason = crawler.stats.get_value("finish_reason")
    if jobdir and reason == "finished":
        clear_jobdir(jobdir)
    return CrawlRun(crawler.stats.get_value("govarchive/crawl_id"), reason)


@dataclass
class CheckResult:
    discovered: dict  # as run_discover's
    stats: dict


def _run_discovering(site, overrides: dict | None) -> tuple[dict, dict]:
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.reports import ReportsSpider

    settings = project_settings({"DISCOVER_ONLY": True, "INCREMENTAL_ENABLED": False, "ITEM_PIPELINES": {},
                                 "ARCHIVE_DB": "", **(overrides or {})})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ReportsSpider)
    process.crawl(crawler, sites=[site])
    process.start()
    return crawler.spider.discovered, crawler.stats.get_stats()


def run_check(url: str, render: bool = False, overrides: dict | None = None) -> CheckResult:
    """One listing URL without an archive: what the crawler sees there, and would fetch."""
    from urllib.parse import urlsplit

    from crawler.sites import Site

    found, stats = _run_discovering(Site(name=urlsplit(url).netloc, start_urls=(url,), render=render), overrides)
    return CheckResult(found, stats)


def run_discover(url: str, depth: int | None = None, budget: int | None = None, overrides: dict | None = None) -> dict:
    """Explore from `url` without an archive; the report columns found: {column URL: {"agency",
    "cms", "reports": {url: title}}} (crawler.spiders.reports, DISCOVER_ONLY)."""
    from urllib.parse import urlsplit

    from crawler.sites import Site
    from crawler.suffixes import registered_domain

    # The portal's registered domain, any port: departments sit on its subdomains and other ports.
    host = urlsplit(url).hostname or ""
    site = Site(name=urlsplit(url).netloc, start_urls=(url,), allowed_domains=(registered_domain(host),),
                explore=True, explore_budget=budget)
    found, _ = _run_discovering(site, {**({"EXPLORE_DEPTH": depth} if depth is not None else {}), **(overrides or {})})
    return found


@dataclass
class DistributedRun:
    finish_reason: str | None
    warc_files: list
    fetched: int  # responses written to WARC files
    finished_crawl: bool  # this crawler was the last to stop on the drained frontier
    seeded: bool


def run_distributed(sites, redis_url: str, crawl: str, warc_dir: str, overrides: dict | None = None) -> DistributedRun:
    """One crawler of crawl `crawl` on the frontier at `redis_url` (crawler.distributed)."""
    from scrapy.crawler import CrawlerProcess

    from crawler.distributed import DistributedReportsSpider, settings_for

    base = project_settings(overrides)
    settings = project_settings({**settings_for(redis_url, crawl, warc_dir, base.getdict("DOWNLOADER_MIDDLEWARES")),
                                 **(overrides or {})})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(DistributedReportsSpider)
    process.crawl(crawler, sites=sites)
    process.start()
    spider = crawler.spider
    return DistributedRun(crawler.stats.get_value("finish_reason"), spider.index.warcs.files(), spider.index.written,
                          getattr(spider, "finished_crawl", False), spider.seeded_here)

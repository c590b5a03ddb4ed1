"""Running the `reports` spider in-process, the way `scrapy crawl reports` does."""
from __future__ import annotations

import os

from archive.lock import lock_archive
from crawler.sites import load_sites


def project_settings(overrides: dict | None = None):
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(sites_file: str, db_path: str, overrides: dict | None = None) -> int:
    """Crawl the sites of `sites_file` into `db_path`; returns the crawl id."""
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.reports import ReportsSpider

    sites = load_sites(sites_file)  # fails here, before the reactor starts, on a bad file
    lock_archive(db_path)  # and here when another crawl holds the archive
    settings = project_settings({"ARCHIVE_DB": db_path, **(overrides or {})})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ReportsSpider)
    process.crawl(crawler, sites=sites)
    process.start()
    return crawler.stats.get_value("govarchive/crawl_id")

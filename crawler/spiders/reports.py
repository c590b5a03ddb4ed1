"""`scrapy crawl reports -a sites=FILE`: walk each site's listings and archive the report pages."""
from __future__ import annotations

from datetime import datetime, timezone

import scrapy
from scrapy.exceptions import IgnoreRequest, UsageError

from crawler.items import PageItem
from crawler.links import discover
from crawler.sites import Site, load_sites


class ReportsSpider(scrapy.Spider):
    name = "reports"

    def __init__(self, sites: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not sites:
            raise UsageError("the reports spider needs a sites file: scrapy crawl reports -a sites=FILE")
        self.sites: list[Site] = load_sites(sites) if isinstance(sites, str) else list(sites)
        self.sites_by_name = {s.name: s for s in self.sites}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        # One download slot per site, so per-site delay and concurrency hold even when several
        # sites share a host (many agencies sit on one city portal).
        slots = dict(crawler.settings.getdict("DOWNLOAD_SLOTS"))
        for site in spider.sites:
            slot = {}
            if site.download_delay is not None:
                slot["delay"] = site.download_delay
            if site.concurrency is not None:
                slot["concurrency"] = site.concurrency
            if slot:
                slots[_slot(site)] = slot
        crawler.settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
        return spider

    async def start(self):
        for site in self.sites:
            for url in site.start_urls:
                yield self._request(site, url, "listing")

    def _request(self, site: Site, url: str, role: str) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.on_error,
            meta={"site": site.name, "role": role, "download_slot": _slot(site)},
        )

    def parse(self, response):
        site = self.sites_by_name[response.meta["site"]]
        role = response.meta["role"]
        stats = self.crawler.stats
        stats.inc_value(f"govarchive/pages/{site.name}")
        yield PageItem(
            site=site.name,
            url=response.request.meta.get("redirect_urls", [response.url])[0],
            final_url=response.url,
            status=response.status,
            headers={k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in response.headers.items()},
            body=response.body,
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            role=role,
        )
        if role != "listing" or not isinstance(response, scrapy.http.TextResponse):
            return
        links = discover(response.selector, response.url, site)
        for url in links.listings:
            yield self._request(site, url, "listing")
        for url in links.details:
            yield self._request(site, url, "detail")

    def on_error(self, failure):
        request = failure.request
        if failure.check(IgnoreRequest):  # robots.txt said no: polite, not an error
            self.crawler.stats.inc_value(f"govarchive/robots_denied/{request.meta.get('site')}")
            self.logger.info("%s: not fetched (%s)", request.url, failure.value)
            return
        kind = type(failure.value).__name__
        response = getattr(failure.value, "response", None)
        if response is not None:
            kind = f"http_{response.status}"
        self.crawler.stats.inc_value(f"govarchive/errors/{request.meta.get('site')}/{kind}")
        self.logger.warning("%s: %s (%s)", request.url, kind, request.meta.get("site"))


def _slot(site: Site) -> str:
    return f"site:{site.name}"

"""`scrapy crawl reports -a sites=FILE`: walk each site's listings and archive the report pages.

Roles of a request: `listing` (a column page, its pagination), `proxy` (a Hanweb data-proxy call),
`detail` (a page whose link names a report), `attachment` (a file a report page points at).
A browser renders a listing only when the site says `render = true`, or when the listing shows no
records but scripts that would load them.
"""
from __future__ import annotations

from datetime import datetime, timezone

import scrapy
from parsel import Selector
from scrapy.exceptions import IgnoreRequest, UsageError

from crawler import cms
from crawler.cms import hanweb, trs
from crawler.incremental import FreshInArchive
from crawler.items import AttachmentItem, NotModifiedItem, PageItem
from crawler.links import attachments, discover
from crawler.sites import Site, load_sites


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _headers(response) -> dict[str, list[str]]:
    return {k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in response.headers.items()}


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

    # -- requests ------------------------------------------------------------------------------
    def _request(self, site: Site, url: str, role: str, *, render: bool | None = None, **kwargs) -> scrapy.Request:
        render = site.render and role == "listing" if render is None else render
        meta = {"site": site.name, "role": role, "download_slot": _slot(site), **kwargs.pop("meta", {})}
        if render:
            from scrapy_playwright.page import PageMethod

            meta.update(playwright=True, rendered=True,
                        playwright_page_methods=[PageMethod("wait_for_load_state", "networkidle")])
        callback = self.parse_attachment if role == "attachment" else self.parse
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, **kwargs)

    # -- callbacks -----------------------------------------------------------------------------
    def parse(self, response):
        site = self.sites_by_name[response.meta["site"]]
        role = response.meta["role"]
        if response.status == 304:
            yield self._not_modified(site, response)
            return
        self.crawler.stats.inc_value(f"govarchive/pages/{site.name}")
        if response.meta.get("rendered"):
            self.crawler.stats.inc_value(f"govarchive/renders/{site.name}")
        yield PageItem(
            site=site.name,
            url=response.request.meta.get("redirect_urls", [response.request.url])[0],
            final_url=response.url,
            status=response.status,
            headers=_headers(response),
            body=response.body,
            fetched_at=_now(),
            role=role,
            method=response.request.method,
            rendered=bool(response.meta.get("rendered")),
            request_body=response.request.body or None,
        )
        if not isinstance(response, scrapy.http.TextResponse):
            return
        if role == "detail":
            for url in attachments(response.selector, response.url, site):
                yield self._request(site, url, "attachment", meta={"source_page": response.url})
        elif role == "listing":
            yield from self._listing(site, response)
        elif role == "proxy":
            yield from self._records(site, hanweb.records(response.text), response.url)

    def _listing(self, site: Site, response):
        text = response.text
        kind = site.cms if site.cms != "auto" else cms.detect(text)
        found = 0
        if kind == "hanweb":
            found += (yield from self._records(site, hanweb.records(text), response.url))
            column = hanweb.parse_column(text, response.url)
            if column is not None:
                proxy = column.proxy_url or hanweb.default_proxy(response.url)
                for url, body in hanweb.proxy_calls(column, proxy):
                    found += 1
                    yield self._request(site, url, "proxy", method="POST", body=body,
                                        headers={**hanweb.HEADERS, "Referer": response.url},
                                        meta={"hanweb_form": body, "hanweb_page": response.url})
        links = discover(response.selector, response.url, site)
        found += len(links.listings) + len(links.details) + len(links.files)
        yield from self._follow(site, links, response.url)
        if kind == "trs" and (links.details or links.listings or found):
            next_url = trs.next_page(text, response.url)
            if next_url:
                yield self._request(site, next_url, "listing")
        if not found and not response.meta.get("rendered") and cms.fills_itself(text):
            # Nothing to follow, but scripts that would load it: only a browser sees this list.
            yield self._request(site, response.url, "listing", render=True, dont_filter=True)

    def _records(self, site: Site, records: list[str], base_url: str):
        """Follow the links of Hanweb datastore records; returns how many there were."""
        if not records:
            return 0
        selector = Selector(text="<ul>" + "".join(records) + "</ul>")
        links = discover(selector, base_url, site)
        yield from self._follow(site, links, base_url)
        return len(records)

    def _follow(self, site: Site, links, base_url: str):
        for url in links.listings:
            yield self._request(site, url, "listing")
        for url in links.details:
            yield self._request(site, url, "detail")
        for url in links.files:
            yield self._request(site, url, "attachment", meta={"source_page": base_url})

    def _not_modified(self, site: Site, response) -> NotModifiedItem:
        self.crawler.stats.inc_value(f"govarchive/not_modified/{site.name}")
        return NotModifiedItem(site.name, response.request.url, response.meta["role"], _now())

    def parse_attachment(self, response):
        site = self.sites_by_name[response.meta["site"]]
        if response.status == 304:
            yield self._not_modified(site, response)
            return
        self.crawler.stats.inc_value(f"govarchive/attachments/{site.name}")
        yield AttachmentItem(
            site=site.name,
            url=response.request.url,
            final_url=response.url,
            source_page=response.meta.get("source_page"),
            status=response.status,
            headers=_headers(response),
            body=response.body,
            fetched_at=_now(),
        )

    def on_error(self, failure):
        request = failure.request
        site = self.sites_by_name.get(request.meta.get("site"))
        if failure.check(FreshInArchive):
            return  # counted by the middleware: archived recently, not asked for again
        if failure.check(IgnoreRequest) and not getattr(failure.value, "response", None):
            # robots.txt said no (or a middleware dropped it): polite, not an error
            self.crawler.stats.inc_value(f"govarchive/not_fetched/{request.meta.get('site')}")
            self.logger.info("%s: not fetched (%s)", request.url, failure.value)
            return
        response = getattr(failure.value, "response", None)
        kind = f"http_{response.status}" if response is not None else type(failure.value).__name__
        if (response is not None and response.status == 404 and request.meta.get("role") == "proxy"
                and site is not None and not request.meta.get("hanweb_fallback")):
            # Older Hanweb sites answer on /module/jpage/dataproxy.jsp; the newer path 404s there.
            older = hanweb.default_proxy(request.url, older=True)
            query = request.url.split("?", 1)[1]
            if not request.url.startswith(older):
                yield self._request(site, f"{older}?{query}", "proxy", method="POST", body=request.body,
                                    headers=request.headers.to_unicode_dict(),
                                    meta={"hanweb_fallback": True})
                return
        self.crawler.stats.inc_value(f"govarchive/errors/{request.meta.get('site')}/{kind}")
        self.logger.warning("%s: %s (%s)", request.url, kind, request.meta.get("site"))


def _slot(site: Site) -> str:
    return f"site:{site.name}"

"""`scrapy crawl reports -a sites=FILE`: walk each site's listings and archive the report pages.

Roles of a request: `listing` (a column page, its pagination), `proxy` (a Hanweb data-proxy call),
`detail` (a page whose link names a report), `attachment` (a file a report page points at), `hub`
(a page on the way to report columns, for a site with `explore = true`: crawler.explore).
A browser renders a listing only when the site says `render = true`, or when the listing shows no
records but scripts that would load them.

What a run fetches is decided by the archive, never by state of an earlier run that may be ahead
of it: open failures of earlier runs first, then the start URLs and every listing (always), and
detail pages and attachments unless the archive holds them fresh (crawler.incremental). A detail
page skipped as fresh still has its attachments asked for (skipped in turn if archived), so a run
killed between a page and its files loses nothing.

Bounds (settings): LISTING_PAGES_MAX pages per listing (its pagination and data-proxy calls),
SITE_LISTINGS_MAX listing pages and SITE_REQUESTS_MAX requests per site and run,
ATTACHMENTS_PER_PAGE_MAX files per page, PAGE_MAXSIZE bytes per page (DOWNLOAD_MAXSIZE for files).
What a bound stops is reported (kind `capped`), never dropped silently.

Exploration (sites with `explore = true`): the start URLs are hubs; each hub's leads (plain and
script-made links toward 信息公开 homes, department directories, department homes and report columns)
are followed best first, at most EXPLORE_DEPTH hops and the site's explore budget (EXPLORE_BUDGET hub
pages) a run; a hub whose links only a browser can see is rendered (EXPLORE_RENDERS_MAX a site).
Hubs and the columns they lead to go into the archive's site_map, with the department's name, which
the column's reports get as their agency when their own pages do not name it; a later run goes
straight to the known columns and explores again once the start page is older than EXPLORE_INTERVAL.
With DISCOVER_ONLY the spider explores and lists columns but fetches no report page (`govarchive
discover`): what it found is in `spider.discovered`.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import scrapy
from parsel import Selector
from scrapy.exceptions import IgnoreRequest, UsageError

from archive.db import ArchiveError, open_archive
from archive.failures import open_failures
from archive.sitemap import columns as known_columns, explored_within
from archive.store import latest_body
from crawler import cms, explore
from crawler.cms import hanweb, trs
from crawler.failures import Refused, classify, report_failure
from crawler.incremental import FreshInArchive
from crawler.items import AttachmentItem, NotModifiedItem, PageItem, SiteMapItem
from crawler.links import Links, attachments, discover, report_images
from crawler.script_links import unreadable_templates
from crawler.suffixes import use_bundled_suffix_list
from crawler.throttle import polite_delay
from crawler.sites import Site, load_sites
from extract.decode import decode_body
from extract.report import looks_like_report_title

CHALLENGE_STATUSES = (202, 412, 521)


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
        self._column_pages: Counter = Counter()
        self._site_listings: Counter = Counter()
        self._site_requests: Counter = Counter()
        self._capped: set = set()  # (site, what) reported once per run
        self._hubs: Counter = Counter()  # hub pages asked for, per site
        self._counted: set[bytes] = set()  # fingerprints of the requests the bounds counted
        self._refused: set[bytes] = set()  # fingerprints a bound said no to
        self._hub_renders: Counter = Counter()
        self._archive = None
        self.current_listing: dict[str, str] = {}  # site → the listing page read last (crawler.progress)
        # DISCOVER_ONLY: column URL → {"agency", "cms", "reports": {url: title}}
        self.discovered: dict[str, dict] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        use_bundled_suffix_list()
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        # One download slot per site, so per-site delay and concurrency hold even when several
        # sites share a host (many agencies sit on one city portal).
        slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
        for site in spider.sites:
            slot = {}
            if site.download_delay is not None:
                slot["delay"] = polite_delay(site.download_delay, settings.getfloat("SITE_DELAY_MARGIN", 0.1))
            if site.concurrency is not None:
                slot["concurrency"] = site.concurrency
            if slot:
                slots[_slot(site)] = slot
        settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
        spider.listing_pages_max = settings.getint("LISTING_PAGES_MAX", 200)
        spider.site_listings_max = settings.getint("SITE_LISTINGS_MAX", 1000)
        spider.site_requests_max = settings.getint("SITE_REQUESTS_MAX", 20000)
        spider.attachments_max = settings.getint("ATTACHMENTS_PER_PAGE_MAX", 20)
        spider.page_maxsize = settings.getint("PAGE_MAXSIZE", 16 * 1024 * 1024)
        spider.render_retries = settings.getint("RETRY_TIMES", 2)
        spider.explore_depth = settings.getint("EXPLORE_DEPTH", 5)
        spider.explore_budget = settings.getint("EXPLORE_BUDGET", 300)
        spider.explore_interval = settings.getfloat("EXPLORE_INTERVAL", 7 * 86400)
        spider.explore_renders_max = settings.getint("EXPLORE_RENDERS_MAX", 10)
        spider.discover_only = settings.getbool("DISCOVER_ONLY", False)
        return spider

    def archive(self):
        """The archive, read-only (None before the first crawl): what it holds decides what to fetch."""
        if self._archive is None:
            try:
                self._archive = open_archive(self.settings.get("ARCHIVE_DB"), readonly=True)
            except ArchiveError:
                return None
        return self._archive

    def closed(self, reason):
        if self._archive is not None:
            self._archive.close()

    async def start(self):
        for failure in self._open_failures():  # what earlier runs could not get, first
            site = self.sites_by_name[failure.site]
            role = failure.role if failure.role in ("listing", "proxy", "detail", "attachment", "hub") else "detail"
            kwargs = {}
            if failure.method != "GET":
                kwargs = dict(method=failure.method, body=failure.request_body,
                              headers={**hanweb.HEADERS, "Referer": failure.referer or failure.url})
            for request in self._request(site, failure.url, role, column=failure.url, priority=10,
                                         meta={"source_page": failure.referer}, **kwargs):
                yield request
        for site in self.sites:
            if site.explore:
                for request in self._explore_start(site):
                    yield request
                continue
            for url in site.start_urls:
                for request in self._request(site, url, "listing", column=url):
                    yield request

    # What the archive holds that decides the start (crawler.distributed reads the same from Redis).
    def _open_failures(self) -> list:
        db = self.archive()
        return open_failures(db, list(self.sites_by_name)) if db is not None else []

    def _known_columns(self, site: Site) -> list:
        db = self.archive()
        return known_columns(db, site.name) if db is not None else []

    def _explored_lately(self, site: Site, url: str) -> bool:
        db = self.archive()
        return db is not None and explored_within(db, site.name, url, self.explore_interval)

    def _explore_start(self, site: Site):
        """The columns the site map knows, then the start URLs as hubs unless explored lately."""
        for column in self._known_columns(site):
            yield from self._request(site, column.url, "listing", column=column.url, render=column.cms == "rendered",
                                     meta={"agency": column.agency})
        for url in site.start_urls:
            if self._explored_lately(site, url):
                self.crawler.stats.inc_value(f"govarchive/hubs_fresh/{site.name}")
                continue
            yield from self._request(site, url, "hub", meta={"explore_depth": 0})

    # -- requests ------------------------------------------------------------------------------
    def _request(self, site: Site, url: str, role: str, *, column: str | None = None, render: bool | None = None,
                 count: bool = True, **kwargs):
        """The request for `url`, or nothing when a bound says no (reported once). Bounds count
        distinct requests: a page linked from every page of a listing is one page."""
        if self.discover_only and role in ("detail", "attachment"):
            return  # discovering columns: their reports are counted, not fetched
        render = site.render and role == "listing" if render is None else render
        meta = {"site": site.name, "role": role, "column": column, "download_slot": _slot(site),
                **kwargs.pop("meta", {})}
        # A listing's reports (6) go before its next page (5), so the pending requests stay about
        # one listing page of reports per column, not every report of the site (100,000 pending
        # requests held ~330 MiB); exploration's columns and hubs (scores 40-100) still come first.
        kwargs.setdefault("priority", {"listing": 5, "proxy": 5, "hub": 0}.get(role, 6))
        if role != "attachment":
            meta["download_maxsize"] = self.page_maxsize
        if render:
            from scrapy_playwright.page import PageMethod

            meta.update(playwright=True, rendered=True, scope=site.scope,
                        playwright_page_init_callback="crawler.rendering.watch_page",
                        playwright_page_methods=[PageMethod("wait_for_load_state", "networkidle")])
        callback = self.parse_attachment if role == "attachment" else self.parse
        request = scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, **kwargs)
        if count and not self._within_bounds(site, request, role, column):
            return
        yield request

    def _within_bounds(self, site: Site, request, role: str, column: str | None) -> bool:
        fingerprint = self.crawler.request_fingerprinter.fingerprint(request)
        if fingerprint in self._counted:
            return True  # asked for already: the duplicate filter drops it, no bound spent
        if fingerprint in self._refused:
            return False  # refused once: refused again, no bound spent either
        if not self._spend_bounds(site, request.url, role, column):
            self._refused.add(fingerprint)
            return False
        self._counted.add(fingerprint)
        return True

    def _spend_bounds(self, site: Site, url: str, role: str, column: str | None) -> bool:
        """Counts the request against every bound it falls under, or none when one says no."""
        listing, hub = role in ("listing", "proxy"), role == "hub"
        budget = site.explore_budget or self.explore_budget
        if self._site_requests[site.name] >= self.site_requests_max:
            self._cap(site, "requests", url, f"SITE_REQUESTS_MAX={self.site_requests_max} requests this run")
            return False
        if listing and self._site_listings[site.name] >= self.site_listings_max:
            self._cap(site, "listings", url, f"SITE_LISTINGS_MAX={self.site_listings_max} listing pages this run")
            return False
        if listing and self._column_pages[column or url] >= self.listing_pages_max:
            self._cap(site, ("column", column), url,
                      f"LISTING_PAGES_MAX={self.listing_pages_max} pages of listing {column}")
            return False
        if hub and self._hubs[site.name] >= budget:
            self._cap(site, "hubs", url, f"explore budget of {budget} hub pages this run")
            return False
        self._site_requests[site.name] += 1
        if listing:
            self._site_listings[site.name] += 1
            self._column_pages[column or url] += 1
        if hub:
            self._hubs[site.name] += 1
        return True

    def _cap(self, site: Site, what, url: str, detail: str) -> None:
        if (site.name, what) in self._capped:
            return
        self._capped.add((site.name, what))
        report_failure(self.crawler, scrapy.Request(url, meta={"site": site.name, "role": "listing"}), "capped",
                       detail=f"not followed: {detail}")

    # -- callbacks -----------------------------------------------------------------------------
    def parse(self, response):
        site = self.sites_by_name[response.meta["site"]]
        role = response.meta["role"]
        if response.status == 304:
            yield self._not_modified(site, response)
            return
        if response.meta.get("rendered") and response.meta.get("render_failures"):
            yield from self._failed_render(site, response)
            if response.meta.get("render_retry") is not None:
                return  # rendered again; this DOM is not what the page shows
        item = self._page_item(site, response)
        item.failed = bool(response.meta.get("render_failures"))
        text = isinstance(response, scrapy.http.TextResponse)
        if role == "detail" and text:  # the archive moves files a new version still links to it
            item.file_links = (attachments(response.selector, response.url, site)[:self.attachments_max]
                               + report_images(response.selector, response.url, site)[:self.attachments_max])
        yield item
        if not text:
            return
        if role == "detail":
            yield from self._attachments(site, response.selector, response.url)
        elif role == "listing":
            yield from self._listing(site, response)
        elif role == "hub":
            yield from self._hub(site, response)
        elif role == "proxy":
            yield from self._records(site, hanweb.records(response.text), response.url, response.meta.get("column"),
                                     response.meta.get("agency"))

    def _page_item(self, site: Site, response) -> PageItem:
        self.crawler.stats.inc_value(f"govarchive/pages/{site.name}")
        if response.meta.get("rendered"):
            self.crawler.stats.inc_value(f"govarchive/renders/{site.name}")
        return PageItem(
            site=site.name,
            url=response.request.meta.get("redirect_urls", [response.request.url])[0],
            final_url=response.url,
            status=response.status,
            headers=_headers(response),
            body=response.body,
            fetched_at=_now(),
            role=response.meta["role"],
            method=response.request.method,
            rendered=bool(response.meta.get("rendered")),
            request_body=response.request.body or None,
            agency_hint=response.meta.get("agency"),
        )

    def _failed_render(self, site: Site, response):
        """A rendering whose data requests failed: render again (up to RETRY_TIMES), then name the
        failures — a failed listing, never an empty one."""
        failures = response.meta["render_failures"]
        attempt = response.meta.get("render_attempt", 0)
        if attempt < self.render_retries:
            response.meta["render_retry"] = attempt + 1
            yield self._render_again(site, response.request, attempt + 1)
            return
        for f in failures:
            report_failure(self.crawler, response.request, f["kind"], status=f["status"], detail=f["detail"],
                           url=f["url"], role="subrequest", referer=response.request.url, attempts=attempt + 1)
        report_failure(self.crawler, response.request, "browser", attempts=attempt + 1, detail="data requests failed: "
                       + "; ".join(f"{f['url']} ({f['detail']})" for f in failures)[:1000])

    _CARRIED = ("agency", "explore_depth", "hub_parent", "source_page")  # what a re-rendering keeps of its request

    def _render_again(self, site: Site, request, attempt: int):
        meta = {k: request.meta[k] for k in self._CARRIED if k in request.meta}
        return next(self._request(site, request.url, request.meta["role"], render=True, count=False, dont_filter=True,
                                  column=request.meta.get("column"), meta={**meta, "render_attempt": attempt}))

    def _listing(self, site: Site, response):
        text = response.text
        column = response.meta.get("column") or response.url
        self.current_listing[site.name] = response.url
        kind = site.cms if site.cms != "auto" else cms.detect(text)
        if not response.meta.get("agency"):
            response.meta["agency"] = explore.breadcrumb_agency(response.selector)
        if site.explore and response.request.url == column:
            yield SiteMapItem(site.name, column, "column", response.meta.get("agency"),
                              cms="rendered" if response.meta.get("rendered") else kind)
        if self.discover_only and response.request.url == column:
            entry = self.discovered.setdefault(column, {"agency": None, "reports": {}})
            entry["cms"] = "rendered" if response.meta.get("rendered") else kind
            entry["agency"] = (entry["agency"] or response.meta.get("agency")
                               or response.xpath("//meta[@name='SiteName']/@content").get())
        found = 0
        if kind == "hanweb":
            found += (yield from self._records(site, hanweb.records(text), response.url, column,
                                               response.meta.get("agency")))
            hcolumn = hanweb.parse_column(text, response.url)
            if hcolumn is not None:
                proxy = hcolumn.proxy_url or hanweb.default_proxy(response.url)
                for url, body in hanweb.proxy_calls(hcolumn, proxy):
                    found += 1
                    yield from self._request(site, url, "proxy", column=column, method="POST", body=body,
                                             headers={**hanweb.HEADERS, "Referer": response.url},
                                             meta={"hanweb_form": body, "hanweb_page": response.url,
                                                   "agency": response.meta.get("agency")})
        links = discover(response.selector, response.url, site)
        found += len(links.pages) + len(links.columns) + len(links.details) + len(links.files)
        yield from self._follow(site, links, response.url, column, response.meta.get("agency"))
        if kind == "trs" and (links.details or links.pages or links.columns or found):
            next_url = trs.next_page(text, response.url)
            if next_url:
                yield from self._request(site, next_url, "listing", column=column,
                                         meta={"agency": response.meta.get("agency")})
        if not found and not response.meta.get("rendered") and cms.fills_itself(text):
            # Nothing to follow, but scripts that would load it: only a browser sees this list.
            yield from self._request(site, response.url, "listing", render=True, column=column, count=False,
                                     dont_filter=True, meta={"agency": response.meta.get("agency")})

    def _records(self, site: Site, records: list[str], base_url: str, column: str | None, agency: str | None):
        """Follow the links of Hanweb datastore records; returns how many there were."""
        if not records:
            return 0
        selector = Selector(text="<ul>" + "".join(records) + "</ul>")
        yield from self._follow(site, discover(selector, base_url, site), base_url, column, agency)
        return len(records)

    def _follow(self, site: Site, links: Links, base_url: str, column: str | None, agency: str | None = None):
        for url in links.pages:
            yield from self._request(site, url, "listing", column=column or base_url, meta={"agency": agency})
        for url in links.columns:
            yield from self._request(site, url, "listing", column=url)
        if self.discover_only and column:
            entry = self.discovered.setdefault(column, {"agency": agency, "reports": {}})
            candidates = {url: links.labels.get(url, "") for url in links.details + links.files}
            entry.setdefault("candidates", {}).update(candidates)
            entry["reports"].update({u: t for u, t in candidates.items() if looks_like_report_title(t)})
            entry.setdefault("listings", []).append(base_url)
        for url in links.details:
            yield from self._request(site, url, "detail", meta={"agency": agency})
        for url in links.files:
            yield from self._request(site, url, "attachment", meta={"source_page": base_url, "agency": agency})

    def _hub(self, site: Site, response):
        """A page on the way to report columns: follow its leads, best first, within depth and budget."""
        depth = response.meta.get("explore_depth", 0)
        agency = response.meta.get("agency") or explore.breadcrumb_agency(response.selector)
        yield SiteMapItem(site.name, response.request.url, "hub", agency, response.meta.get("hub_parent"))
        leads = explore.leads(response.selector, response.url, site)
        # Leads that take exploration somewhere new: a column, a report or a department not asked for
        # yet (the chrome every page repeats — 政务公开, the government's own 年报 — leads nowhere new).
        new = [lead for lead in leads if (lead.kind != explore.HUB or lead.agency)
               and self.crawler.request_fingerprinter.fingerprint(scrapy.Request(lead.url)) not in self._counted]
        # A department home that shows its report column needs none of its own sections explored
        # (法定主动公开内容 …): hubs below this page are left, hubs elsewhere (other departments) followed.
        below = response.url.rsplit("/", 1)[0] + "/"
        if agency and any(lead.kind == explore.COLUMN and lead.url.startswith(below) for lead in leads):
            leads = [lead for lead in leads if lead.kind != explore.HUB or not lead.url.startswith(below)]
        for lead in leads:
            lead_agency = lead.agency or agency
            if lead.kind == explore.COLUMN:
                # a column no department is named for belongs to the site's own body (its sites-file name)
                yield SiteMapItem(site.name, lead.url, "column", lead_agency or site.name, response.request.url)
                yield from self._request(site, lead.url, "listing", column=lead.url, priority=lead.score,
                                         meta={"agency": lead_agency})
            elif lead.kind == explore.DETAIL:
                yield from self._request(site, lead.url, "detail", meta={"agency": lead_agency})
            elif lead.kind == explore.FILE:
                yield from self._request(site, lead.url, "attachment",
                                         meta={"source_page": response.url, "agency": lead_agency})
            elif depth < self.explore_depth:
                yield from self._request(site, lead.url, "hub", priority=lead.score - 10 * depth,
                                         meta={"explore_depth": depth + 1, "agency": lead.agency or agency,
                                               "hub_parent": response.request.url})
        if (not new and not response.meta.get("rendered")
                and (unreadable_templates(response.selector, response.url) or cms.fills_itself(response.text))):
            # Its links are drawn by scripts this page's data cannot work out: a browser sees them.
            if self._hub_renders[site.name] < self.explore_renders_max:
                self._hub_renders[site.name] += 1
                self.crawler.stats.inc_value(f"govarchive/explore_renders/{site.name}")
                yield from self._request(site, response.request.url, "hub", render=True, count=False, dont_filter=True,
                                         meta={"explore_depth": depth, "agency": agency,
                                               "hub_parent": response.meta.get("hub_parent")})
            else:
                self._cap(site, "hub_renders", response.request.url,
                          f"EXPLORE_RENDERS_MAX={self.explore_renders_max} hub renders this run")

    def _attachments(self, site: Site, selector: Selector, page_url: str):
        files = attachments(selector, page_url, site)
        if len(files) > self.attachments_max:
            report_failure(self.crawler, scrapy.Request(page_url, meta={"site": site.name, "role": "detail"}), "capped",
                           detail=f"{len(files)} attachment links; the first ATTACHMENTS_PER_PAGE_MAX="
                                  f"{self.attachments_max} fetched")
        for url in files[:self.attachments_max]:
            yield from self._request(site, url, "attachment", meta={"source_page": page_url})
        # A report printed as images （图片版）: its images, in order, archived and read as one document.
        images = report_images(selector, page_url, site)[:self.attachments_max]
        for n, url in enumerate(images):
            yield from self._request(site, url, "attachment", meta={"source_page": page_url, "image_index": n,
                                                                    "image_count": len(images)})

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
            url=response.request.meta.get("redirect_urls", [response.request.url])[0],
            final_url=response.url,
            source_page=response.meta.get("source_page"),
            status=response.status,
            headers=_headers(response),
            body=response.body,
            fetched_at=_now(),
            image_index=response.meta.get("image_index"),
            image_count=response.meta.get("image_count"),
        )

    def on_error(self, failure):
        request = failure.request
        site = self.sites_by_name.get(request.meta.get("site"))
        if failure.check(FreshInArchive):
            if request.meta.get("role") == "detail" and site is not None:
                yield from self._attachments_of_stored(site, request.url)
            return  # counted by the middleware: archived recently, not asked for again
        if failure.check(Refused):
            return  # reported where it was refused
        response = getattr(failure.value, "response", None)
        if failure.check(IgnoreRequest) and response is None and "robots.txt" in str(failure.value):
            self.crawler.stats.inc_value(f"govarchive/not_fetched/{request.meta.get('site')}")
            report_failure(self.crawler, request, "robots", detail="disallowed by robots.txt: not requested")
            return
        if (response is not None and response.status == 404 and request.meta.get("role") == "proxy"
                and site is not None and not request.meta.get("hanweb_fallback")):
            # Older Hanweb sites answer on /module/jpage/dataproxy.jsp; the newer path 404s there.
            older = hanweb.default_proxy(request.url, older=True)
            query = request.url.split("?", 1)[1]
            if not request.url.startswith(older):
                yield from self._request(site, f"{older}?{query}", "proxy", column=request.meta.get("column"),
                                         count=False, method="POST", body=request.body,
                                         headers=request.headers.to_unicode_dict(), meta={"hanweb_fallback": True})
                return
        if request.meta.get("rendered") and response is None and site is not None:
            attempt = request.meta.get("render_attempt", 0)
            if attempt < self.render_retries:  # a browser error (navigation timeout …): render again
                yield self._render_again(site, request, attempt + 1)
                return
        kind, status, detail = classify(failure.value)
        if response is not None and response.status in CHALLENGE_STATUSES and request.meta.get("challenge_seen"):
            kind, detail = "challenge", f"anti-bot challenge not passed (HTTP {response.status})"
        report_failure(self.crawler, request, kind, status=status, detail=detail)
        self.logger.warning("%s: %s (%s)", request.url, detail, request.meta.get("site"))

    def _attachments_of_stored(self, site: Site, url: str):
        """The files a stored page links: asked for again (the archive skips those it holds)."""
        db = self.archive()
        stored = latest_body(db, url) if db is not None else None
        if stored is None:
            return
        body, final_url, content_type = stored
        text, _ = decode_body(body, content_type)
        yield from self._attachments(site, Selector(text=text), final_url or url)


def _slot(site: Site) -> str:
    return f"site:{site.name}"

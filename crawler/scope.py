"""Keeping every request inside its site: no request — redirect target, robots.txt — leaves the
allowed domains, and redirect loops end at the first repeat.

Scrapy's RedirectMiddleware hands a redirect's target back as a new request, which passes through
every downloader middleware again from the start; sitting before RobotsTxtMiddleware (100), this
one refuses an offsite target before even its robots.txt is asked for. A request that carries no
site (robots.txt) belongs to the site whose scope holds it.
"""
from __future__ import annotations

from urllib.parse import urljoin

from w3lib.url import safe_url_string

from crawler.failures import Refused, report_failure


class SiteScopeMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _sites(self):
        return getattr(self.crawler.spider, "sites", None) or ()

    def process_request(self, request, spider=None):
        redirects = request.meta.get("redirect_urls") or []
        name = request.meta.get("site")
        if not name:  # robots.txt: the site of the URL it was asked for
            origin = redirects[0] if redirects else request.url
            owner = next((s for s in self._sites() if s.allows(origin)), None)
            if owner is not None:
                name = request.meta["site"] = owner.name
                request.meta.setdefault("role", "robots" if origin.endswith("/robots.txt") else "other")
                # the site's own download slot: its delay holds for robots.txt too
                request.meta.setdefault("download_slot", f"site:{owner.name}")
        sites = [s for s in self._sites() if s.name == name]
        if (self._sites() and not sites) or (sites and not sites[0].allows(request.url)):
            if redirects:
                report_failure(self.crawler, request, "offsite", detail=f"redirected to {request.url}")
            self.crawler.stats.inc_value(f"govarchive/offsite/{name}")
            raise Refused(f"offsite: {request.url}")
        if request.url in redirects:
            report_failure(self.crawler, request, "redirect_loop",
                           detail=" → ".join(redirects + [request.url])[:1000])
            raise Refused(f"redirect loop: {request.url}")
        return None


class RedirectGuardMiddleware:
    """Before RedirectMiddleware (600) sees a redirect: a Location that goes back to a URL of the
    same chain is a loop, and one outside the site is offsite — both named and not followed.
    (Followed, the loop's target would be dropped unnamed by the duplicate filter.)"""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        location = response.headers.get(b"Location")
        if not (300 <= response.status < 400 and location) or request.meta.get("dont_redirect"):
            return response
        target = safe_url_string(urljoin(response.url, location.decode("latin-1")))
        chain = (request.meta.get("redirect_urls") or []) + [request.url]
        if target in chain:
            report_failure(self.crawler, request, "redirect_loop", detail=" → ".join(chain + [target])[:1000])
            raise Refused(f"redirect loop: {target}")
        site = next((s for s in getattr(self.crawler.spider, "sites", None) or () if s.name == request.meta.get("site")),
                    None)
        if site is not None and not site.allows(target):
            report_failure(self.crawler, request, "offsite", detail=f"redirected to {target}")
            raise Refused(f"offsite redirect: {target}")
        return response

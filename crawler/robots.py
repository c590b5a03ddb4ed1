"""robots.txt as Scrapy obeys it, with its own failures named.

Scrapy fetches a host's robots.txt before the first request to it; when that fetch fails it only
counts the error in its stats and then allows everything. Here a robots.txt that could not be
fetched (5xx, 429, timeout, reset …) is reported like any other failure (role `robots`), and a
later good fetch resolves it. Crawling then goes on as Scrapy does (allowed), so one broken
robots.txt does not lose a site for the night.
"""
from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached

from crawler.failures import classify, fetch_resolved, report_failure


class ReportingRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler):
        super().__init__(crawler)
        self._asked: dict[str, Request] = {}  # netloc → the request robots.txt was fetched for

    async def robot_parser(self, request):
        self._asked.setdefault(urlparse_cached(request).netloc, request)
        return await super().robot_parser(request)

    def _robots_url(self, netloc: str) -> str:
        asked = self._asked.get(netloc)
        scheme = urlparse_cached(asked).scheme if asked is not None else "http"
        return f"{scheme}://{netloc}/robots.txt"

    async def _parse_robots(self, response, netloc, request):
        if response.status >= 500 or response.status == 429:
            report_failure(self.crawler, request, "http", status=response.status, url=self._robots_url(netloc),
                           role="robots", detail=f"robots.txt answered HTTP {response.status}; crawled as allowed",
                           attempts=_attempts(response))
        else:
            self.crawler.signals.send_catch_log(fetch_resolved, url=self._robots_url(netloc))
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc, netloc):
        request = self._asked.get(netloc)
        if request is not None:
            kind, status, detail = classify(exc)
            report_failure(self.crawler, request, kind, status=status, url=self._robots_url(netloc), role="robots",
                           detail=f"{detail}; crawled as allowed",
                           attempts=self.crawler.settings.getint("RETRY_TIMES") + 1)
        super()._robots_error(exc, netloc)


def _attempts(response) -> int:
    try:
        return response.request.meta.get("retry_times", 0) + 1
    except AttributeError:  # no request attached
        return 1

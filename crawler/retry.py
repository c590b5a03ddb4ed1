"""Retries with backoff: Scrapy's RetryMiddleware, waiting before each retry instead of at once.

A server that answered 5xx, 429, timed out or reset the connection is usually overloaded or
rate-limiting; asking again at once is what gets crawlers banned. The wait grows per attempt
(RETRY_BACKOFF_BASE × 2^(n-1), at most RETRY_BACKOFF_MAX, with jitter) and is at least what a
`Retry-After` header asks for (seconds or an HTTP date). A Retry-After longer than RETRY_AFTER_MAX
is not waited for in this run: the request fails (kind http 429/503) and the next run retries it.

The wait happens in this middleware's coroutine: it holds one of the crawl's CONCURRENT_REQUESTS,
not the site's download slot, so the site's other requests keep their own pace.
"""
from __future__ import annotations

import asyncio
import email.utils
import random
import time

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 120.0)

    def _backoff(self, retry: Request) -> float:
        n = retry.meta.get("retry_times", 1)
        return min(self.cap, self.base * 2 ** (n - 1)) * random.uniform(0.75, 1.0)  # noqa: S311 - jitter

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is not None and asked > self.retry_after_max:
            self.crawler.stats.inc_value("retry/retry_after_too_long")
            return response  # fails now; the next run asks again
        retry = super().process_response(request, response)
        if isinstance(retry, Request):
            await asyncio.sleep(max(self._backoff(retry), asked or 0.0))
        return retry

    async def process_exception(self, request, exception, spider=None):
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            await asyncio.sleep(self._backoff(retry))
        return retry

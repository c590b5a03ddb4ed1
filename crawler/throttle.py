"""AutoThrottle whose floor is each site's own `download_delay`.

Scrapy's AutoThrottle lowers a slot's delay toward the global DOWNLOAD_DELAY when the server
answers fast, so a site configured at 4 s got requests 1–2 s apart. Here the delay a site's slot
was configured with (DOWNLOAD_SLOTS, from the sites file) is the least it ever waits; AutoThrottle
may still raise it when the site slows down.

What counts is the gap the site sees between two requests, and Scrapy spaces the moments it hands
them to the downloader: a request held up on its way (a new connection, a reactor busy with a
pipeline) arrives late and the next one, on time, closer to it than the delay (1.40 s for 1.5 s on
a loaded machine). So the floor is the site's delay plus SITE_DELAY_MARGIN of it (at least
0.1 s when the delay is not 0).
"""
from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle


def polite_delay(delay: float, margin: float) -> float:
    """A site's delay with the margin that keeps it between arrivals, not just between sends."""
    return delay + max(0.1, delay * margin) if delay > 0 else 0.0


class PoliteAutoThrottle(AutoThrottle):
    def _response_downloaded(self, response, request, spider=None) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if slot is not None:
            configured = self.crawler.settings.getdict("DOWNLOAD_SLOTS").get(key, {})
            # DOWNLOAD_SLOTS delays carry their margin already (crawler/spiders/reports.py)
            floor = configured.get("delay")
            if floor is None:
                floor = polite_delay(self.mindelay, self.crawler.settings.getfloat("SITE_DELAY_MARGIN", 0.1))
            slot.delay = max(slot.delay, float(floor))

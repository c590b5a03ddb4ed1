"""AutoThrottle whose floor is each site's own `download_delay`.

Scrapy's AutoThrottle lowers a slot's delay toward the global DOWNLOAD_DELAY when the server
answers fast, so a site configured at 4 s got requests 1–2 s apart. Here the delay a site's slot
was configured with (DOWNLOAD_SLOTS, from the sites file) is the least it ever waits; AutoThrottle
may still raise it when the site slows down.
"""
from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle


class PoliteAutoThrottle(AutoThrottle):
    def _response_downloaded(self, response, request, spider=None) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if slot is not None:
            configured = self.crawler.settings.getdict("DOWNLOAD_SLOTS").get(key, {})
            slot.delay = max(slot.delay, float(configured.get("delay", self.mindelay)))

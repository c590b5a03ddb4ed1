"""Duplicate filtering within one run, never across runs.

Scrapy's RFPDupeFilter writes its seen-set into JOBDIR, where it outlives a killed run while the
queue it describes does not: the resumed run then filtered the start URLs as seen and fetched
nothing. What is left to fetch is decided by the archive (crawler.incremental), so this filter
keeps its fingerprints in memory only, even with a JOBDIR.
"""
from __future__ import annotations

from scrapy.dupefilters import RFPDupeFilter


class RunDupeFilter(RFPDupeFilter):
    @classmethod
    def from_crawler(cls, crawler):
        return cls(None, crawler.settings.getbool("DUPEFILTER_DEBUG"), fingerprinter=crawler.request_fingerprinter)

"""A live view of a crawl, per site: pages, reports, failures and the listing being read.

On a terminal the block of lines is redrawn in place every PROGRESS_INTERVAL_TTY seconds; otherwise
(cron, a log file) a plain line per site whose counts moved is written every PROGRESS_INTERVAL
seconds, so a night's log shows progress without drowning in it. Enabled by the `govarchive` CLI
(PROGRESS = True); written to stderr, the summary goes to stdout.
"""
from __future__ import annotations

import sys

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class ProgressReporter:
    def __init__(self, crawler, stream=None):
        if not crawler.settings.getbool("PROGRESS", False):
            raise NotConfigured
        self.crawler = crawler
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = crawler.settings.getfloat("PROGRESS_INTERVAL_TTY" if self.tty else "PROGRESS_INTERVAL",
                                                  1.0 if self.tty else 30.0)
        self.drawn = 0  # lines of the last block drawn (terminal)
        self.last: dict[str, tuple] = {}
        self.loop = None
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def opened(self, spider):
        self.spider = spider
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.tty and self.drawn:
            self.report(final=True)

    def lines(self) -> list[tuple[str, tuple]]:
        stats = self.crawler.stats.get_stats()
        out = []
        for site in getattr(self.spider, "sites", ()):
            name = site.name
            errors = sum(v for k, v in stats.items() if k.startswith(f"govarchive/errors/{name}/")
                         and not k.endswith("/robots"))
            counts = (stats.get(f"govarchive/pages/{name}", 0), stats.get(f"govarchive/reports/{name}", 0), errors)
            listing = getattr(self.spider, "current_listing", {}).get(name, "")
            text = f"{name}: {counts[0]} pages, {counts[1]} reports, {counts[2]} failed" + (f" — {listing}" if listing else "")
            out.append((text, counts))
        return out

    def report(self, final: bool = False):
        lines = self.lines()
        if self.tty:
            width = 160
            if self.drawn:
                self.stream.write(f"\x1b[{self.drawn}F")  # back to the block's first line
            for text, _ in lines:
                self.stream.write("\x1b[2K" + text[:width] + "\n")
            self.drawn = len(lines)
        else:
            for (text, counts), site in zip(lines, getattr(self.spider, "sites", ())):
                if counts != self.last.get(site.name, (0, 0, 0)):
                    self.stream.write(text + "\n")
                    self.last[site.name] = counts
        self.stream.flush()

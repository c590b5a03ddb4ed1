"""Scrapy settings of the `reports` crawl. Politeness first: agency portals throttle and block bursts."""

BOT_NAME = "govarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "govarchive/0.1 (annual-report archiver; +https://github.com/govarchive/govarchive)"
ROBOTSTXT_OBEY = True

# 1–2 s between requests per site is what works on gov.cn portals (reference/portals.md).
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024  # reports as PDF can be large; anything bigger is not a report
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
DEPTH_LIMIT = 6
RETRY_TIMES = 2

ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}
ARCHIVE_DB = "archive.db"

# Re-crawls: detail pages seen less than REFETCH_AFTER seconds ago are not asked for again; older
# ones are asked for conditionally (304 when unchanged). Listings are always fetched.
INCREMENTAL_ENABLED = True
REFETCH_AFTER = 7 * 24 * 3600

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# A browser only where nothing else works (JS-only listings, anti-bot challenges): requests with
# meta["playwright"] go through Chromium, every other request through Scrapy's own HTTP client.
DOWNLOAD_HANDLERS = {
    "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
    "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# playwright cannot download its browsers here: Debian's Chromium, with its network chatter off.
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": "/usr/bin/chromium",
    "headless": True,
    "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--no-first-run", "--disable-sync"],
}
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
PLAYWRIGHT_MAX_CONTEXTS = 2
EXTRACT_WORKERS = None  # extraction processes beside the crawl; None = one per core; 0 = inline
# False: archive raw pages only and extract later with `govarchive reextract --jobs N` (big crawls).
EXTRACT_DURING_CRAWL = True

# Anti-bot challenges (瑞数 412/202 `$_ts`, 加速乐 521 `__jsl`): passed once in Chromium, then plain
# HTTP again with the cookies the browser earned (crawler/challenge.py). 580: its process_response
# sees the decoded body (after HttpCompression 590) and the challenge's cookies already in the jar
# (after Cookies 700), before Retry (550) could retry a 521; its process_request runs before
# CookiesMiddleware, which puts the handed-over cookies into the jar.
DOWNLOADER_MIDDLEWARES = {"crawler.challenge.ChallengeMiddleware": 580}
CHALLENGE_ENABLED = True
CHALLENGE_MAX_ATTEMPTS = 3  # browser passes per request before giving up on it
CHALLENGE_TIMEOUT = 30  # seconds for one browser pass

# Before everything else: a request the archive makes unnecessary is never sent.
DOWNLOADER_MIDDLEWARES = {"crawler.incremental.IncrementalMiddleware": 50, **DOWNLOADER_MIDDLEWARES}

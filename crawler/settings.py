"""Scrapy settings of the `reports` crawl. Politeness first: agency portals throttle and block bursts."""

BOT_NAME = "govarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "govarchive/0.1 (annual-report archiver; +https://github.com/govarchive/govarchive)"
ROBOTSTXT_OBEY = True

# 1–2 s between requests per site is what works on gov.cn portals (reference/portals.md).
DOWNLOAD_DELAY = 1.0
# A site's delay is a floor: no random jitter below it (Scrapy's default varies it by ±50 %), and
# AutoThrottle may raise a slot's delay but never take it under the site's own (crawler/throttle.py).
DOWNLOAD_DELAY_JITTER = 0
SITE_DELAY_MARGIN = 0.1  # added to a site's delay so that it holds between arrivals (crawler/throttle.py)
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
EXTENSIONS = {"scrapy.extensions.throttle.AutoThrottle": None, "crawler.throttle.PoliteAutoThrottle": 0,
              "crawler.progress.ProgressReporter": 500}
PROGRESS = False  # the govarchive CLI turns on its per-site progress lines (crawler/progress.py)
DOWNLOAD_TIMEOUT = 60
# Size caps: a page over PAGE_MAXSIZE or a file over DOWNLOAD_MAXSIZE (also after decompression:
# Scrapy's HttpCompressionMiddleware stops a gzip bomb there) is a failure of kind too_large /
# decompression, never stored.
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024  # reports as PDF can be large; anything bigger is not a report
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
PAGE_MAXSIZE = 16 * 1024 * 1024
# Scrapy's depth limit drops requests silently; the bounds below report what they stop.
DEPTH_LIMIT = 0
LISTING_PAGES_MAX = 200  # pages of one listing: its pagination and data-proxy calls
SITE_LISTINGS_MAX = 1000  # listing pages per site and run
SITE_REQUESTS_MAX = 20000  # requests per site and run
ATTACHMENTS_PER_PAGE_MAX = 20
REDIRECT_MAX_TIMES = 10
# Retries with backoff (crawler/retry.py): 5xx, 429 (Retry-After honoured), timeouts, resets.
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 520, 522, 523, 524, 408, 429]
RETRY_BACKOFF_BASE = 1.0  # seconds before the first retry, doubling per attempt
RETRY_BACKOFF_MAX = 60.0
RETRY_AFTER_MAX = 120.0  # a longer Retry-After is not waited for: the next run asks again
DOWNLOAD_FAIL_ON_DATALOSS = True  # a body shorter than its Content-Length is a failure, not a page

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
# Per run only (crawler/dupefilter.py): the archive, not a persisted seen-set, decides what is left.
DUPEFILTER_CLASS = "crawler.dupefilter.RunDupeFilter"
# Exploration (sites with explore = true; crawler/explore.py): hops from the start page, hub pages a
# run, how long an explored start page stays fresh, hubs rendered in the browser a run.
EXPLORE_DEPTH = 5
EXPLORE_BUDGET = 300
EXPLORE_INTERVAL = 7 * 24 * 3600
EXPLORE_RENDERS_MAX = 10
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

# Before everything else: a request outside its site is refused (40, before robots.txt is asked
# for at 100), and one the archive makes unnecessary is never sent (50).
DOWNLOADER_MIDDLEWARES = {
    "crawler.scope.SiteScopeMiddleware": 40,
    "crawler.scope.RedirectGuardMiddleware": 610,  # sees a redirect before RedirectMiddleware (600)
    "crawler.incremental.IncrementalMiddleware": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.ReportingRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.BackoffRetryMiddleware": 550,
    **DOWNLOADER_MIDDLEWARES,
}

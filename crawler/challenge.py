"""Passing anti-bot challenges (瑞数 412/202 `$_ts`, 加速乐 521 `__jsl`) once in a real browser.

`ChallengeMiddleware` is a downloader middleware. Every request goes out as plain Scrapy HTTP; only
when a response is a recognised challenge does the middleware load the challenged URL in
scrapy-playwright's browser (the one browser of the crawl, in a fresh context of its own: a request
with meta["playwright"] sent straight to the downloader), let the page's script compute its cookie
and reload, wait until the reload lands on a response that is no challenge, take the cookies the
context earned and re-issue the original request through plain HTTP with them.
Scrapy's CookiesMiddleware stores them in its jar, so every later request to that host carries them
until the site expires them; the next challenge then triggers the next browser pass.

Position (DOWNLOADER_MIDDLEWARES, see crawler/settings.py): 580, i.e.
- process_response runs after HttpCompressionMiddleware (590: it sees the decoded body) and after
  CookiesMiddleware (700: Set-Cookie of the challenge is already in the jar, and the Cookie header
  the challenged request carried is on `request`), and before RetryMiddleware (550: a 521 listed in
  RETRY_HTTP_CODES would otherwise be retried blindly);
- process_request runs before CookiesMiddleware, so cookies this middleware hands over on a request
  reach the jar.

One fresh browser context per pass (no stale cookies), closed right after. In the pass the browser
asks for the challenged URL and what the challenge page needs (scripts, XHR, its reload), nothing
else; the page it lands on is read to its end but handed to the renderer empty (the page's own
routing fetches each main-frame document itself), so the site's page loads no css, images, iframes
or favicon in the browser.
One pass at a time per origin: requests challenged while a pass runs, or sent before the last pass
landed, wait and are re-issued with the cookies it earned instead of rendering again, so there is
one pass per cookie lifetime. At most CHALLENGE_MAX_ATTEMPTS passes per request; then it gives up
with an error logged, stat `govarchive/challenge_failures/<site>`, and the challenge answer goes on
(HttpError in the spider). A challenge met by a POST (the Hanweb data proxy) is passed on the page
that posted it (its Referer).

Pages scrapy-playwright renders (meta["playwright"], the JS listings) take cookies from their own
browser context: a page init callback gives that context the cookies earned here, records a
challenge the page meets (its document, or its own XHR) and keeps the page from passing it itself
(its reload is aborted); the request is then handled like any other challenged one.

Settings: CHALLENGE_ENABLED (True), CHALLENGE_MAX_ATTEMPTS (3), CHALLENGE_TIMEOUT (seconds per
browser pass, 30); the browser is scrapy-playwright's (PLAYWRIGHT_LAUNCH_OPTIONS).
Stats, per site (meta["site"]; robots.txt: the site of the host): govarchive/challenges/<site>
(challenged answers seen), govarchive/challenge_renders/<site> (browser passes that landed;
govarchive/renders/<site> counts the listings the spider renders),
govarchive/render_ms/<site> (their total time), govarchive/render_errors/<site> (passes that
failed), govarchive/challenge_failures/<site> (requests given up).
"""
from __future__ import annotations

import asyncio
import logging
import time
import weakref
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached
from scrapy_playwright.page import PageMethod

logger = logging.getLogger(__name__)

RUISHU, JSL = "瑞数", "加速乐"
CHALLENGE_STATUSES = (202, 412, 521)
_MAX_HOPS = 5  # challenge pages one browser pass may go through before it counts as failed
_SUBRESOURCES_ALLOWED = ("document", "script", "xhr", "fetch")  # what a challenge page may need
# What the renderer gets instead of the site's page once a pass lands: nothing to load, not even the
# /favicon.ico Chromium would fetch by itself (that request escapes the page's routing).
_EMPTY_PAGE = b'<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head></html>'


def detect(status: int, body: bytes, set_cookies=()) -> str | None:
    """Which anti-bot challenge an answer is, if any: 瑞数 (412/202 with an inline `$_ts` script),
    加速乐 (521 with a `__jsl…` script or a `__jsluid` cookie)."""
    if status in (412, 202) and b"$_ts" in body:
        return RUISHU
    if status == 521:
        cookies = b" ".join(c if isinstance(c, bytes) else c.encode("latin-1") for c in set_cookies)
        if b"__jsl" in body or b"__jsluid" in cookies:
            return JSL
    return None


class ChallengeError(Exception):
    """A browser pass that did not land on the site's page."""


@dataclass
class _Origin:
    """What the browser earned for one origin (scheme://host:port), and the lock of its passes."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    cookies: list[dict] = field(default_factory=list)  # Scrapy cookie dicts from the last pass
    browser_cookies: list[dict] = field(default_factory=list)  # the same, as playwright gave them
    generation: int = 0  # passes that landed


class ChallengeMiddleware:
    def __init__(self, crawler):
        settings = crawler.settings
        if not settings.getbool("CHALLENGE_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_attempts = max(1, settings.getint("CHALLENGE_MAX_ATTEMPTS", 3))
        self.timeout = settings.getfloat("CHALLENGE_TIMEOUT", 30.0)
        self.cookies_enabled = settings.getbool("COOKIES_ENABLED", True)
        self._origins: dict[str, _Origin] = {}
        self._sites_by_netloc: dict[str, str] | None = None
        self._passes = 0  # browser passes started: each gets a context of its own
        self._broken: str | None = None  # the browser cannot start: no further attempts
        _INSTANCES.add(self)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    # -- the middleware ----------------------------------------------------------------------------

    def process_request(self, request: Request):
        # A page scrapy-playwright renders (meta["playwright"]) takes cookies from its own browser
        # context, not from Scrapy's jar: _page_init hands it the earned ones as it opens the page.
        if request.meta.get("playwright") and not request.meta.get("_challenge_page_hook"):
            request.meta["_challenge_page_hook"] = True
            request.meta["_challenge_page_init"] = request.meta.get("playwright_page_init_callback")
            request.meta["playwright_page_init_callback"] = "crawler.challenge.page_init"  # by name: JOBDIR
        state = self._origins.get(_origin(request))
        if state is None or not state.generation:
            return None
        # A request that carries cookies of an older pass (re-sent, e.g. by RetryMiddleware) gets
        # the latest ones instead, so it does not put spent cookies back into the jar.
        generation = request.meta.get("_challenge_generation")
        if generation is not None and generation != state.generation:
            request.cookies = _merge(request.meta.get("_challenge_own_cookies") or [], state.cookies)
            request.meta["_challenge_generation"] = state.generation
        return None

    async def _page_init(self, page, request: Request):
        """scrapy-playwright's page init callback, for rendered requests: the page's context gets
        the cookies earned here; a challenge the page meets is recorded (also on a request the page
        makes itself, e.g. the XHR that fills a JS listing) and not passed in that browser — its
        reload is aborted — but here, once, like any other."""
        state = self._origins.get(_origin(request))
        request.meta["_challenge_page_generation"] = state.generation if state is not None else 0
        if state is not None and state.browser_cookies:
            await page.context.add_cookies([
                {k: c[k] for k in ("name", "value", "domain", "path", "expires", "httpOnly", "secure", "sameSite")
                 if k in c} for c in state.browser_cookies])

        def on_response(response):
            preq = response.request
            if preq.frame == page.main_frame and preq.is_navigation_request():
                if response.status in CHALLENGE_STATUSES:
                    request.meta.setdefault("_challenge_in_page", JSL if response.status == 521 else RUISHU)
            elif response.status in (412, 521):
                request.meta.setdefault("_challenge_in_page", JSL if response.status == 521 else RUISHU)

        page.on("response", on_response)
        if state is not None:  # a site that has challenged before: keep the page from passing it itself
            documents: list = []

            async def route(route):
                preq = route.request
                if preq.is_navigation_request():
                    if documents:
                        answer = await documents[-1].response()
                        if answer is not None and answer.status in CHALLENGE_STATUSES:
                            return await route.abort()  # the challenge's reload
                    documents.append(preq)
                await route.fallback()

            await page.route("**/*", route)
        callback = request.meta.get("_challenge_page_init")
        if callback:
            from scrapy.utils.misc import load_object

            await load_object(callback)(page, request)

    async def process_response(self, request: Request, response: Response):
        if request.meta.get("challenge_pass"):
            return response  # a browser pass of this middleware's own
        kind = detect(response.status, response.body, response.headers.getlist(b"Set-Cookie"))
        if kind is None and request.meta.get("playwright"):
            # A page rendered by scrapy-playwright: its body is the DOM after scripts ran, not what
            # the server sent. The challenge may be in its status (a browser that passed it on its
            # own: the site's page, with cookies Scrapy's jar never saw) or only in what _page_init
            # saw (the page's own navigation, or a request the page made, e.g. the XHR of a JS list).
            kind = request.meta.get("_challenge_in_page")
            if kind is None and response.status in (412, 521):
                kind = JSL if response.status == 521 else RUISHU
        if kind is None:
            return response
        site = self._site(request)
        self.stats.inc_value(f"govarchive/challenges/{site}")
        passes = request.meta.get("challenge_passes", 0)
        seen = request.meta.get("challenge_seen", 0) + 1
        if seen > 3 * self.max_attempts:  # re-issued again and again without a pass of its own
            return self._give_up(request, response, site, kind, f"challenged {seen} times")
        state = self._origins.setdefault(_origin(request), _Origin())
        if state.generation and not _current(request, state):
            # Sent before the last pass landed: the cookies it needs exist already.
            return self._reissue(request, state, passes, seen)
        async with state.lock:
            if state.generation and not _current(request, state):
                return self._reissue(request, state, passes, seen)  # a pass landed while we waited
            if self._broken:
                return self._give_up(request, response, site, kind, self._broken)
            if passes >= self.max_attempts:
                return self._give_up(request, response, site, kind,
                                     f"still challenged after {passes} browser passes")
            passes += 1
            try:
                browser_cookies, ms = await self._pass(request, kind)
            except ChallengeError as exc:
                self.stats.inc_value(f"govarchive/render_errors/{site}")
                logger.warning("%s: browser pass %d of %d failed on the %s challenge: %s",
                               request.url, passes, self.max_attempts, kind, exc)
                if self._broken or passes >= self.max_attempts:
                    return self._give_up(request, response, site, kind, str(exc))
                return self._reissue(request, state, passes, seen)  # challenged again: next pass
            state.cookies = [_scrapy_cookie(c) for c in browser_cookies]
            state.browser_cookies = browser_cookies
            state.generation += 1
        # Apart from renders/<site>, which counts the listings the spider renders.
        self.stats.inc_value(f"govarchive/challenge_renders/{site}")
        self.stats.inc_value(f"govarchive/render_ms/{site}", ms)
        logger.info("%s: passed the %s challenge in the browser in %d ms (%s)", request.url, kind, ms,
                    ", ".join(c["name"] for c in browser_cookies) or "no cookies")
        return self._reissue(request, state, passes, seen)

    def _reissue(self, request: Request, state: _Origin, passes: int, seen: int) -> Request:
        own = request.meta.get("_challenge_own_cookies")
        if own is None:
            own = _verbose(request.cookies)
        new = request.replace(cookies=_merge(own, state.cookies), dont_filter=True)
        new.meta.update(challenge_passes=passes, challenge_seen=seen, _challenge_own_cookies=own,
                        _challenge_generation=state.generation, _challenge_page_generation=None)
        for key in ("playwright_page", "_challenge_in_page"):
            new.meta.pop(key, None)
        if not self.cookies_enabled:  # no jar: this request at least carries them
            new.headers["Cookie"] = "; ".join(f"{c['name']}={c['value']}" for c in _merge(own, state.cookies))
        return new

    def _give_up(self, request: Request, response: Response, site: str, kind: str, why: str) -> Response:
        self.stats.inc_value(f"govarchive/challenge_failures/{site}")
        logger.error("%s: could not pass the %s anti-bot challenge (HTTP %d): %s; giving up on this request",
                     request.url, kind, response.status, why)
        return response

    def _site(self, request: Request) -> str:
        site = request.meta.get("site")
        if site:
            return site
        if self._sites_by_netloc is None:  # robots.txt and the like: the site of the start URL's host
            self._sites_by_netloc = {}
            for s in getattr(self.crawler.spider, "sites", None) or ():
                for url in getattr(s, "start_urls", ()):
                    self._sites_by_netloc.setdefault(urlsplit(url).netloc.lower(), s.name)
        netloc = urlparse_cached(request).netloc.lower()
        return self._sites_by_netloc.get(netloc, netloc)

    # -- the browser -------------------------------------------------------------------------------

    async def _pass(self, request: Request, kind: str) -> tuple[list[dict], int]:
        """Load the challenged URL in a fresh context of scrapy-playwright's browser until a
        non-challenge answer lands; the cookies the context then holds for the URL (as playwright
        gives them), and the time it took in ms.

        The pass is a Scrapy request handled by scrapy-playwright (its browser, its contexts, a page
        method that waits for the landing), sent straight to the downloader like robots.txt is."""
        url = request.url if request.method in ("GET", "HEAD") else _page_for(request)
        self._passes += 1
        watch = _PassWatch(url)
        pass_request = Request(url, dont_filter=True, callback=NO_CALLBACK, meta={
            "playwright": True, "playwright_context": f"challenge-{self._passes}", "playwright_context_kwargs": {},
            "playwright_include_page": True, "playwright_page_init_callback": watch.page_init,
            "playwright_page_goto_kwargs": {"wait_until": "commit"},
            "playwright_page_methods": [PageMethod(watch.wait)],
            "challenge_pass": True, "dont_obey_robotstxt": True, "dont_retry": True, "dont_redirect": True,
            "handle_httpstatus_all": True, "site": request.meta.get("site"),
            "download_slot": request.meta.get("download_slot"), "download_timeout": self.timeout})
        started = time.monotonic()
        try:
            await asyncio.wait_for(self.crawler.engine.download_async(pass_request), self.timeout)
            if not watch.landed.done():
                raise ChallengeError("the browser returned before a page landed")
            landed_url = watch.landed.result()
            page = pass_request.meta["playwright_page"]
            cookies = await page.context.cookies([url, landed_url])
        except asyncio.TimeoutError:
            raise ChallengeError(f"no page landed within {self.timeout:g} s{watch.failed_text()}") from None
        except ChallengeError:
            raise
        except Exception as exc:  # playwright.async_api.Error and friends
            if "launch" in str(exc).lower() or "executable" in str(exc).lower():
                self._broken = f"cannot start the browser: {type(exc).__name__}: {exc}"
                logger.error("anti-bot challenges: %s", self._broken)
            raise ChallengeError(f"{type(exc).__name__}: {exc}{watch.failed_text()}") from exc
        finally:
            page = pass_request.meta.get("playwright_page")
            if page is not None:
                try:
                    await page.context.close()  # scrapy-playwright forgets the context as it closes
                except Exception:  # noqa: BLE001 - the browser may be gone already
                    pass
        return cookies, round((time.monotonic() - started) * 1000)


class _PassWatch:
    """One browser pass, seen through the page's routing (registered after scrapy-playwright's,
    so it runs first): documents of the main frame are fetched here, so their answers are seen —
    challenge pages and redirects go on to the browser, the page that lands is read to its end and
    handed to the renderer as an empty document, so the site's page loads nothing. While on the
    challenge, the page gets the documents, scripts and XHR it asks for and nothing else (no css,
    images, favicon); after it landed, nothing."""

    def __init__(self, url: str):
        self.url = url
        self.landed: asyncio.Future = asyncio.get_running_loop().create_future()
        self.hops = 0
        self.failed: list[str] = []  # what the challenge page asked for and did not get

    def failed_text(self) -> str:
        return f" (failed: {'; '.join(self.failed)[:500]})" if self.failed else ""

    async def page_init(self, page, request) -> None:
        async def route(route):
            preq = route.request
            main = preq.is_navigation_request() and preq.frame == page.main_frame
            try:
                if main:
                    return await self._document(route)
                if not self.landed.done() and preq.resource_type in _SUBRESOURCES_ALLOWED:
                    return await route.fallback()
                await route.abort("blockedbyclient")
            except Exception as exc:  # noqa: BLE001 - a reset, a truncated body, the page closing under us
                self.failed.append(f"{preq.url}: {type(exc).__name__}: {str(exc)[:200]}")
                if main and not self.landed.done():
                    self.landed.set_exception(ChallengeError(f"network error on {preq.url}: {exc}"))
                try:
                    await route.abort("failed")  # never leave the browser waiting on this request
                except Exception:  # noqa: BLE001 - already handled, or the page is gone
                    pass

        page.on("requestfailed", lambda preq: self.failed.append(f"{preq.url}: {preq.failure}")
                if preq.failure and "BLOCKED_BY_CLIENT" not in preq.failure else None)
        await page.route("**/*", route)

    async def _document(self, route) -> None:
        if self.landed.done():
            return await route.abort("blockedbyclient")
        answer = await route.fetch(max_redirects=0)  # cookies of the context, as the browser's own request
        if answer.status in CHALLENGE_STATUSES or 300 <= answer.status < 400:
            if answer.status in CHALLENGE_STATUSES:
                self.hops += 1
                if self.hops > _MAX_HOPS:
                    self.landed.set_exception(ChallengeError(f"still challenged after {_MAX_HOPS} pages in the browser"))
                    return await route.abort("blockedbyclient")
            return await route.fulfill(response=answer)  # a challenge page, a redirect: the browser goes on
        await answer.body()  # to its end, as a browser would
        headers = {k: v for k, v in answer.headers.items()
                   if k.lower() not in ("content-length", "content-encoding", "transfer-encoding")}
        await route.fulfill(status=answer.status, headers=headers, body=_EMPTY_PAGE)
        self.landed.set_result(route.request.url)

    async def wait(self, page) -> None:
        """scrapy-playwright's page method: return once the pass landed (or failed)."""
        await asyncio.wait({self.landed})


_INSTANCES: "weakref.WeakSet[ChallengeMiddleware]" = weakref.WeakSet()


async def page_init(page, request: Request):
    """scrapy-playwright's page init callback for rendered requests, named in their meta (a bound
    method would make them unserializable for a JOBDIR's disk queues): the middleware of the crawl
    (the one that knows the request's origin, if several crawls share the process) does the work."""
    live = list(_INSTANCES)
    origin = _origin(request)
    middleware = next((m for m in live if origin in m._origins), live[-1] if live else None)
    if middleware is not None:
        await middleware._page_init(page, request)
    elif request.meta.get("_challenge_page_init"):
        from scrapy.utils.misc import load_object

        await load_object(request.meta["_challenge_page_init"])(page, request)


# -- cookies ---------------------------------------------------------------------------------------


def _origin(request: Request) -> str:
    parts = urlparse_cached(request)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _page_for(request: Request) -> str:
    """Where the browser passes a challenge met by a POST (a data proxy): the page that posted it
    (Referer, same origin), else the site's home page."""
    origin = _origin(request)
    referer = request.headers.get(b"Referer")
    if referer:
        referer = referer.decode("latin-1")
        if referer.lower().startswith(origin + "/"):
            return referer
    return origin + "/"


def _scrapy_cookie(c: dict) -> dict:
    """A playwright cookie as Scrapy's Request(cookies=[...]) takes it. A host-only cookie gets no
    domain (the jar then keeps it host-only); path as the page set it."""
    out = {"name": c["name"], "value": c["value"], "path": c.get("path") or "/"}
    if (c.get("domain") or "").startswith("."):
        out["domain"] = c["domain"]
    if c.get("secure"):
        out["secure"] = True
    return out


def _verbose(cookies) -> list[dict]:
    if not cookies:
        return []
    if isinstance(cookies, dict):
        return [{"name": k, "value": v} for k, v in cookies.items()]
    return [dict(c) for c in cookies]


def _merge(own: list[dict], earned: list[dict]) -> list[dict]:
    names = {c["name"] for c in earned}
    return [c for c in own if c.get("name") not in names] + [dict(c) for c in earned]


def _sent_cookies(request: Request) -> dict[str, str]:
    sent: dict[str, str] = {}
    for header in request.headers.getlist(b"Cookie"):
        for part in header.decode("latin-1").split(";"):
            name, sep, value = part.strip().partition("=")
            if sep:
                sent[name] = value
    return sent


def _current(request: Request, state: _Origin) -> bool:
    """Whether the request went out with the cookies of the last pass (so those are what expired)."""
    if request.meta.get("playwright"):  # rendered: what _page_init gave the page
        return request.meta.get("_challenge_page_generation") == state.generation
    return _carries(request, state.cookies)


def _carries(request: Request, cookies: list[dict]) -> bool:
    """Whether the request went out with every cookie of the last pass (so those are what expired)."""
    sent = _sent_cookies(request)
    return all(sent.get(c["name"]) == str(c["value"]) for c in cookies)

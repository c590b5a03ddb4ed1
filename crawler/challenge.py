"""Passing anti-bot challenges (瑞数 412/202 `$_ts`, 加速乐 521 `__jsl`) once in a real browser.

`ChallengeMiddleware` is a downloader middleware. Every request goes out as plain Scrapy HTTP; only
when a response is a recognised challenge does the middleware open Debian's Chromium (through the
playwright async API, on the asyncio reactor's loop), load the challenged URL, let the page's script
compute its cookie and reload, wait until the reload lands on a response that is no challenge, take
the cookies the browser earned and re-issue the original request through plain HTTP with them.
Scrapy's CookiesMiddleware stores them in its jar, so every later request to that host carries them
until the site expires them; the next challenge then triggers the next browser pass.

Position (DOWNLOADER_MIDDLEWARES, see crawler/settings.py): 580, i.e.
- process_response runs after HttpCompressionMiddleware (590: it sees the decoded body) and after
  CookiesMiddleware (700: Set-Cookie of the challenge is already in the jar, and the Cookie header
  the challenged request carried is on `request`), and before RetryMiddleware (550: a 521 listed in
  RETRY_HTTP_CODES would otherwise be retried blindly);
- process_request runs before CookiesMiddleware, so cookies this middleware hands over on a request
  reach the jar.

One browser per crawl, launched at the first challenge and closed at spider_closed; one fresh
browser context per pass (no stale cookies), closed right after. In the pass the browser asks for
the challenged URL and what the challenge page needs (scripts, XHR, its reload), nothing else; the
page it lands on is read to its end but handed to the renderer empty (DevTools Fetch domain:
Chromium only), so the site's page loads no css, images, iframes or favicon in the browser.
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
browser pass, 30), CHALLENGE_LAUNCH_OPTIONS (default: PLAYWRIGHT_LAUNCH_OPTIONS).
Stats, per site (meta["site"]; robots.txt: the site of the host): govarchive/challenges/<site>
(challenged answers seen), govarchive/challenge_renders/<site> (browser passes that landed;
govarchive/renders/<site> counts the listings the spider renders),
govarchive/render_ms/<site> (their total time), govarchive/render_errors/<site> (passes that
failed), govarchive/challenge_failures/<site> (requests given up).
"""
from __future__ import annotations

import asyncio
import base64
import logging
import time
import weakref
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)

RUISHU, JSL = "瑞数", "加速乐"
CHALLENGE_STATUSES = (202, 412, 521)
_MAX_HOPS = 5  # challenge pages one browser pass may go through before it counts as failed
_SUBRESOURCES_ALLOWED = ("Document", "Script", "XHR", "Fetch")  # what a challenge page may need (CDP names)
# What the renderer gets instead of the site's page once a pass lands (base64): nothing to load, not
# even the /favicon.ico Chromium would fetch by itself (that request escapes the Fetch domain).
_EMPTY_PAGE = base64.b64encode(b'<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head></html>').decode()


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
        self.launch_options = dict(settings.getdict("CHALLENGE_LAUNCH_OPTIONS")
                                   or settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
        self.browser_type = settings.get("PLAYWRIGHT_BROWSER_TYPE") or "chromium"
        self.cookies_enabled = settings.getbool("COOKIES_ENABLED", True)
        self._origins: dict[str, _Origin] = {}
        self._sites_by_netloc: dict[str, str] | None = None
        self._playwright = None
        self._browser = None
        self._launch_lock = asyncio.Lock()
        self._broken: str | None = None  # the browser cannot start: no further attempts
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
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
        """Load the challenged URL in a fresh browser context until a non-challenge answer lands;
        the cookies the browser then holds for the URL (as playwright gives them), and the time it
        took in ms."""
        browser = await self._get_browser()
        url = request.url if request.method in ("GET", "HEAD") else _page_for(request)
        started = time.monotonic()
        context = await browser.new_context()
        try:
            cookies = await asyncio.wait_for(self._navigate(context, url), self.timeout)
        except asyncio.TimeoutError:
            raise ChallengeError(f"no page landed within {self.timeout:g} s") from None
        except ChallengeError:
            raise
        except Exception as exc:  # playwright.async_api.Error and friends
            raise ChallengeError(f"{type(exc).__name__}: {exc}") from exc
        finally:
            try:
                await context.close()
            except Exception:  # noqa: BLE001 - the browser may be gone already
                pass
        ms = round((time.monotonic() - started) * 1000)
        return cookies, ms

    async def _navigate(self, context, url: str) -> list[dict]:
        """Let the page pass the challenge, with the browser's own network stack, seeing every
        request through the DevTools Fetch domain (Playwright's routing misses some, e.g. an iframe's
        first request): the challenge pages get the documents, scripts and XHR they ask for, nothing
        else (no css, images, favicon); the page that lands is read to its end and handed to the
        renderer as an empty document, so the site's page loads nothing in the browser."""
        page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        landed: asyncio.Future = asyncio.get_running_loop().create_future()
        seen = {"main": None, "on_challenge": True, "hops": 0}

        async def paused(event):
            rid, kind, frame = event["requestId"], event.get("resourceType"), event.get("frameId")
            try:
                if "responseStatusCode" not in event and "responseErrorReason" not in event:  # request stage
                    if seen["main"] is None and kind == "Document":
                        seen["main"] = frame  # the challenged URL, in the main frame
                        allowed = True
                    else:
                        allowed = seen["on_challenge"] and kind in _SUBRESOURCES_ALLOWED
                    if allowed:
                        await cdp.send("Fetch.continueRequest", {"requestId": rid})
                    else:
                        await cdp.send("Fetch.failRequest", {"requestId": rid, "errorReason": "BlockedByClient"})
                    return
                status = event.get("responseStatusCode") or 0
                if frame == seen["main"] and event.get("responseErrorReason") and not landed.done():
                    landed.set_exception(ChallengeError(f"network error: {event['responseErrorReason']}"))
                if frame != seen["main"] or status in CHALLENGE_STATUSES or 300 <= status < 400 or not status:
                    if frame == seen["main"] and status in CHALLENGE_STATUSES:
                        seen["hops"] += 1
                        if seen["hops"] > _MAX_HOPS and not landed.done():
                            landed.set_exception(ChallengeError(f"still challenged after {_MAX_HOPS} pages in the browser"))
                    await cdp.send("Fetch.continueRequest", {"requestId": rid})  # a challenge page, a redirect
                    return
                seen["on_challenge"] = False  # the site's page: from here on the browser asks for nothing
                await cdp.send("Fetch.getResponseBody", {"requestId": rid})  # to its end, as a browser would
                headers = [h for h in event.get("responseHeaders") or ()
                           if h["name"].lower() not in ("content-length", "content-encoding", "transfer-encoding")]
                await cdp.send("Fetch.fulfillRequest", {"requestId": rid, "responseCode": status,
                                                        "responseHeaders": headers, "body": _EMPTY_PAGE})
                if not landed.done():
                    landed.set_result(event["request"]["url"])
            except Exception as exc:  # noqa: BLE001 - the context may be closing
                logger.debug("challenge browser: %s on %s", exc, event.get("request", {}).get("url"))

        cdp.on("Fetch.requestPaused", lambda event: asyncio.ensure_future(paused(event)))
        await cdp.send("Fetch.enable", {"patterns": [
            {"urlPattern": "*", "requestStage": "Request"},
            {"urlPattern": "*", "resourceType": "Document", "requestStage": "Response"},
        ]})
        await page.goto(url, wait_until="commit")
        landed_url = await landed
        return await context.cookies([url, landed_url])

    async def _get_browser(self):
        async with self._launch_lock:
            if self._broken:
                raise ChallengeError(self._broken)
            if self._browser is None or not self._browser.is_connected():
                try:
                    from playwright.async_api import async_playwright

                    if self._playwright is None:
                        self._playwright = await async_playwright().start()
                    started = time.monotonic()
                    browser_type = getattr(self._playwright, self.browser_type)
                    self._browser = await browser_type.launch(**self.launch_options)
                except Exception as exc:
                    self._broken = f"cannot start the browser: {type(exc).__name__}: {exc}"
                    logger.error("anti-bot challenges: %s", self._broken)
                    raise ChallengeError(self._broken) from exc
                self.stats.inc_value("govarchive/challenge_browser_launches")
                logger.info("anti-bot challenges: %s %s launched in %d ms", self.browser_type,
                            self._browser.version, round((time.monotonic() - started) * 1000))
            return self._browser

    async def spider_closed(self, spider=None, reason=None):
        browser, self._browser = self._browser, None
        playwright, self._playwright = self._playwright, None
        try:
            if browser is not None:
                await browser.close()
        except Exception:  # noqa: BLE001
            logger.debug("closing the challenge browser failed", exc_info=True)
        try:
            if playwright is not None:
                await playwright.stop()
        except Exception:  # noqa: BLE001
            logger.debug("stopping playwright failed", exc_info=True)


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

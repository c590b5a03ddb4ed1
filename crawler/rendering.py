"""What a browser rendering of a listing did, for the spider to judge it.

A JS-only listing is only as good as the data requests its scripts make: a stalled or failed XHR
leaves an empty list that looks like an empty column. `watch_page` (scrapy-playwright's page init
callback, named in the request's meta) records every failed script/XHR/fetch/frame request of the
page in `meta["render_failures"]`, so the spider can render again or name the failure. It also
keeps the browser inside the site (offsite requests are aborted: not one request leaves the allowed
domains) and away from what the archived DOM does not need (images, media, fonts, stylesheets).
"""
from __future__ import annotations

from crawler.sites import in_scope

_WATCHED = frozenset({"xhr", "fetch", "script", "document", "eventsource", "websocket"})
_DATA = frozenset({"xhr", "fetch", "eventsource"})  # a 4xx here is a failed data request too
_NOT_NEEDED = frozenset({"image", "media", "font", "stylesheet", "manifest", "texttrack"})
_CHALLENGE_STATUSES = frozenset({202, 412, 521})  # crawler.challenge handles those
_NET_ERRORS = {  # Chromium net:: errors → failure kinds of fetch_errors
    "ERR_TIMED_OUT": "timeout", "ERR_CONNECTION_TIMED_OUT": "timeout",
    "ERR_CONNECTION_RESET": "reset", "ERR_EMPTY_RESPONSE": "reset", "ERR_CONNECTION_CLOSED": "reset",
    "ERR_CONNECTION_ABORTED": "reset", "ERR_SOCKET_NOT_CONNECTED": "reset",
    "ERR_CONTENT_LENGTH_MISMATCH": "truncated", "ERR_INCOMPLETE_CHUNKED_ENCODING": "truncated",
    "ERR_NAME_NOT_RESOLVED": "dns", "ERR_CONNECTION_REFUSED": "refused",
}


# Cancelled by the browser itself (a navigation replaced the page, our own routing): not the site failing.
_NOT_FAILURES = ("ERR_ABORTED", "ERR_BLOCKED_BY_CLIENT")


def net_error_kind(error: str | None) -> str:
    code = (error or "").replace("net::", "").strip()
    return _NET_ERRORS.get(code, "browser")


async def watch_page(page, request) -> None:
    failures = request.meta.setdefault("render_failures", [])
    scope = request.meta.get("scope")
    aborted: set[str] = set()

    async def route(route):
        preq = route.request
        if (scope and not in_scope(preq.url, scope)) or preq.resource_type in _NOT_NEEDED:
            aborted.add(preq.url)
            return await route.abort("blockedbyclient")
        await route.fallback()

    def failed(preq):
        if preq.url in aborted or preq.resource_type not in _WATCHED or preq.url == request.url:
            return
        error = preq.failure
        if any(code in (error or "") for code in _NOT_FAILURES):
            return
        failures.append({"url": preq.url, "kind": net_error_kind(error), "status": None, "detail": error})

    def answered(response):
        preq = response.request
        bad = response.status >= 500 or response.status == 429 or (preq.resource_type in _DATA
                                                                    and response.status >= 400)
        # a broken <script src> (404) is common on real pages and harmless; a failed data call is not
        if (bad and preq.resource_type in _WATCHED and preq.url != request.url
                and response.status not in _CHALLENGE_STATUSES):
            failures.append({"url": preq.url, "kind": "http", "status": response.status,
                             "detail": f"HTTP {response.status}"})

    page.on("requestfailed", failed)
    page.on("response", answered)
    await page.route("**/*", route)

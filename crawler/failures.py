"""Naming what failed: a Scrapy signal that carries every request that failed for good to the
archive pipeline (which stores it in `fetch_errors`), and the kind of each failure.

Spider errbacks, downloader middlewares (robots.txt, scope, challenges) and the browser watcher
all report through `report_failure`, so there is one place where failures become rows.
"""
from __future__ import annotations

from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
                               DownloadFailedError, DownloadTimeoutError, IgnoreRequest, ResponseDataLossError)
from twisted.internet import error as tx_error
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from archive.failures import FetchFailure

# Signals, connected by crawler.pipelines.ArchivePipeline: failure=FetchFailure; url= (a fetch that
# succeeded without storing a page, e.g. robots.txt).
fetch_failed = object()
fetch_resolved = object()


class Refused(IgnoreRequest):
    """A request this crawler refused itself (offsite, redirect loop, a cap): already reported."""


def report_failure(crawler, request, kind: str, *, status: int | None = None, detail: str | None = None,
                   url: str | None = None, role: str | None = None, referer: str | None = None,
                   attempts: int | None = None) -> None:
    """Report that `request` (or `url`, a request made on its behalf: robots.txt, a browser's
    subrequest) failed for good."""
    meta = request.meta
    original = url or (meta.get("redirect_urls") or [request.url])[0]
    crawler.stats.inc_value(f"govarchive/errors/{meta.get('site')}/{kind}")
    crawler.signals.send_catch_log(fetch_failed, failure=FetchFailure(
        url=original, kind=kind, site=meta.get("site"), role=role or meta.get("role"),
        method=request.method if url is None else "GET",
        request_body=(request.body or None) if url is None else None,
        referer=referer or meta.get("source_page") or meta.get("referer_url"), status=status, detail=detail,
        attempts=attempts if attempts is not None else meta.get("retry_times", 0) + 1))


def classify(exc: BaseException) -> tuple[str, int | None, str]:
    """(kind, HTTP status, detail) of a download failure."""
    response = getattr(exc, "response", None)
    if response is not None:
        return "http", response.status, f"HTTP {response.status}"
    text = f"{type(exc).__name__}: {exc}"[:500]
    if isinstance(exc, (DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError)):
        return "timeout", None, text
    if isinstance(exc, (CannotResolveHostError, tx_error.DNSLookupError)):
        return "dns", None, text
    if isinstance(exc, (DownloadConnectionRefusedError, tx_error.ConnectionRefusedError)):
        return "refused", None, text
    if isinstance(exc, ResponseDataLossError) or _has_data_loss(exc):
        return "truncated", None, text
    if isinstance(exc, DownloadCancelledError):
        # Scrapy cancels a download only for its size cap: on the Content-Length (with a message),
        # or once the streamed body passed it (without one).
        return "too_large", None, text if str(exc) else "the body passed the size cap while it streamed"
    if isinstance(exc, IgnoreRequest) and "decompression" in str(exc):
        return "decompression", None, text
    if isinstance(exc, IgnoreRequest) and "max redirections" in str(exc):
        return "redirect_loop", None, text
    if isinstance(exc, (tx_error.ConnectionLost, tx_error.ConnectionDone, ConnectionResetError, ResponseNeverReceived,
                        ResponseFailed, DownloadFailedError, tx_error.ConnectError)):
        return "reset", None, text
    if type(exc).__module__.startswith("playwright"):
        return "browser", None, text
    return "other", None, text


def _has_data_loss(exc: BaseException) -> bool:
    from twisted.web.http import _DataLoss

    reasons = getattr(exc, "reasons", None) or ()
    return any(getattr(r, "check", lambda *_: False)(_DataLoss) for r in reasons)

"""A seeded fault plan for the demo sites: the failures an unattended crawl meets on real portals.

Real gov.cn portals answer 502 from an overloaded gateway, 503 during maintenance, 429 to a burst,
and sometimes accept a connection and never answer, reset it, or cut a page short. A crawl must
retry those and name the ones that never recover; the plan lets a test cause them on purpose and
then check, URL by URL, what the crawler did about them.

Which requests fail depends only on the seed and the request itself, never on timing or order:
a request is identified by a `Target` (site key, method, path with query, body — so the Hanweb
proxy POSTs and the JSON API of a rendered listing are URLs like any other; robots.txt too). About
`rate` of all targets are faulty; a faulty one fails its first `failures_per_url` requests, each
with a kind drawn from `kinds` (by seed, target and attempt number), and is answered normally after.

Kinds, as they reach the wire:
  "500" "502" "503"  that status with an nginx error page
  "429"              429 with `Retry-After: 1`
  "stall"            the request is read, nothing is sent for `stall_seconds`, then the connection is
                     closed (set the crawler's DOWNLOAD_TIMEOUT below it: it then times out)
  "reset"            the connection is closed with a TCP RST (SO_LINGER on, timeout 0)
  "truncated"        the page's real status and headers, its full Content-Length, half its body, close

Faults sit behind a site's anti-bot guard, as an origin's failures sit behind its WAF: a challenge
answered by the guard is not a fault and does not count as an attempt.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

from demo_portal.answer import Answer

KINDS = ("500", "502", "503", "429", "stall", "reset", "truncated")

_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Temporarily Unavailable",
            429: "Too Many Requests"}


@dataclass(frozen=True)
class Target:
    """One distinct URL as the fault plan counts it."""

    site: str
    method: str
    path: str  # as requested: path and query, percent-encoded as sent
    body: bytes = b""


@dataclass(frozen=True)
class FaultRecord:
    """What the plan did to one faulty target so far."""

    kinds: tuple[str, ...]  # the faults injected, in order
    requests: int  # every request for the target, answered normally or not

    @property
    def failures(self) -> int:
        return len(self.kinds)

    @property
    def recovered(self) -> bool:
        """Answered normally at least once (after its failures)."""
        return self.requests > len(self.kinds)


class FaultPlan:
    def __init__(self, rate: float = 0.2, failures_per_url: int = 2, seed: int = 7, kinds: tuple[str, ...] = KINDS,
                 stall_seconds: float = 4.0, include: Callable[[Target], bool] | None = None):
        if not 0 <= rate <= 1:
            raise ValueError(f"rate must be between 0 and 1, not {rate}")
        if failures_per_url < 1:
            raise ValueError(f"failures_per_url must be at least 1, not {failures_per_url}")
        unknown = set(kinds) - set(KINDS)
        if unknown or not kinds:
            raise ValueError(f"kinds must be a non-empty subset of {KINDS}; unknown: {sorted(unknown)}")
        if stall_seconds <= 0:
            raise ValueError("stall_seconds must be positive")
        self.rate = rate
        self.failures_per_url = failures_per_url
        self.seed = seed
        self.kinds = tuple(kinds)
        self.stall_seconds = stall_seconds
        self.include = include  # which targets may be faulty at all (default: every one)
        self._lock = threading.Lock()
        self._requests: dict[Target, int] = {}
        self._injected: dict[Target, list[str]] = {}

    def _unit(self, target: Target, *extra) -> float:
        """A number in [0, 1) fixed by the seed and the target (and `extra`): the plan's only randomness."""
        key = repr((self.seed, target.site, target.method, target.path, target.body, *extra)).encode()
        return int.from_bytes(hashlib.sha256(key).digest()[:8], "big") / 2**64

    def is_faulty(self, target: Target) -> bool:
        if self.include is not None and not self.include(target):
            return False
        return self._unit(target) < self.rate

    def kind(self, target: Target, attempt: int) -> str:
        """The fault of a faulty target's `attempt`-th request (0-based, below failures_per_url)."""
        return self.kinds[int(self._unit(target, attempt) * len(self.kinds))]

    def next_fault(self, target: Target) -> str | None:
        """Count one request for `target`: the fault to inject into it, or None to answer it normally."""
        faulty = self.is_faulty(target)
        with self._lock:
            self._requests[target] = n = self._requests.get(target, 0) + 1
            if not faulty or n > self.failures_per_url:
                return None
            kind = self.kind(target, n - 1)
            self._injected.setdefault(target, []).append(kind)
            return kind

    def records(self) -> dict[Target, FaultRecord]:
        """Every faulty target requested so far, with the faults it got and its request count."""
        with self._lock:
            return {t: FaultRecord(tuple(kinds), self._requests[t]) for t, kinds in self._injected.items()}

    def requests(self, target: Target) -> int:
        with self._lock:
            return self._requests.get(target, 0)


def error_answer(kind: str) -> Answer:
    """The answer of an HTTP-status fault: an nginx error page (and Retry-After for 429)."""
    status = int(kind)
    title = f"{status} {_REASONS[status]}"
    body = (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
            f"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n").encode()
    headers = [("Content-Type", "text/html")]
    if status == 429:
        headers.append(("Retry-After", "1"))
    return Answer(status, headers, body)

"""Serving the demo sites on 127.0.0.1, one origin (port) per site, in background threads.

Answers like a real portal's web server: Content-Type with charset, ETag and Last-Modified,
304 for a matching conditional request, 404 for anything else. Every request is logged, with the
time it arrived, so tests can see what the crawler asked for and how fast.

A site may have an anti-bot guard in front of it (demo_portal/waf.py) and a fault plan behind the
guard (demo_portal/faults.py); without a fault plan nothing about a site's answers changes.
"""
from __future__ import annotations

import bisect
import email.utils
import hashlib
import socket
import struct
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from demo_portal.answer import Answer
from demo_portal.faults import FaultPlan, Target, error_answer
from demo_portal.sites import DemoSite, all_sites

_LAST_MODIFIED = email.utils.formatdate(1706000000, usegmt=True)
_NOT_FOUND = b"<html><body><h1>404 Not Found</h1></body></html>"
_LOG_LOCK = threading.Lock()  # several servers may share one log


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server saw it, logged once answered, in the order requests arrived."""

    site: str
    method: str
    path: str
    status: int  # 0: no status line was sent (a stall or reset fault)
    headers: dict
    body: bytes = b""
    time: float = 0.0  # time.time() when the request arrived
    fault: str | None = None  # the fault plan's kind, when one was injected
    sent: int = 0  # body bytes written before the answer ended (or the client went away)


class SiteServer:
    """One demo site on its own port.

    `guard`, when set, sees every request first (method, path, headers) and may answer it instead of
    the site: an anti-bot challenge returns (status, [(header, value)], body); None lets it through.
    `faults`, a FaultPlan, then decides whether the site answers or a fault does.
    """

    def __init__(self, site: DemoSite, port: int = 0, log: list | None = None, guard=None,
                 faults: FaultPlan | None = None):
        self.site = site
        self.guard = guard
        self.faults = faults
        self.pages = site.build()
        self.log = log if log is not None else []
        self._lock = threading.Lock()
        self.stopping = threading.Event()  # ends stalls, drip-feeds and streams when the server stops
        self._busy = threading.Condition()
        self._in_flight = 0  # requests being answered: their log entries are still to come
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        # A short poll interval: stop() returns within 0.1 s rather than 0.5 s per site.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                       name=f"demo-{site.key}", daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no request is being answered, so the log is complete (a client can have read a
        whole answer before its entry is appended; a stalled request ends seconds after the crawl)."""
        with self._busy:
            return self._busy.wait_for(lambda: self._in_flight == 0, timeout)

    def lookup(self, raw_path: str):
        """A static resource: exact path first; like any static server, an unknown query is ignored."""
        path = unquote(raw_path)
        found = self.pages.get(path)
        if found is None and "?" in path:
            found = self.pages.get(path.split("?", 1)[0])
        return found

    def set_page(self, path: str, body: bytes, content_type: str | None = None) -> None:
        """Change or add a page while serving (tests of re-crawls)."""
        with self._lock:
            self.pages[path] = (body, content_type or self.site.content_type)

    def answer(self, method: str, path: str, headers, body: bytes, conditional: bool = True) -> Answer:
        """What the site itself answers, guard and faults aside."""
        dynamic = self.site.handle(method, path, headers, body)
        if isinstance(dynamic, Answer):
            return dynamic
        if dynamic is not None:
            status, ctype, content = dynamic
            return Answer(status, [("Content-Type", ctype)], content)
        found = self.lookup(path) if method in ("GET", "HEAD") else None
        if found is None:
            return Answer(404, [("Content-Type", "text/html; charset=utf-8")], _NOT_FOUND)
        content, ctype = found
        etag = '"' + hashlib.sha1(content).hexdigest()[:16] + '"'
        validators = [("ETag", etag), ("Last-Modified", _LAST_MODIFIED)]
        if conditional and headers.get("If-None-Match") == etag:
            return Answer(304, validators)
        return Answer(200, [("Content-Type", ctype), *validators], content)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "nginx"
            sys_version = ""
            timeout = 60  # a client that stops reading cannot hold a thread forever

            def do_GET(self):  # noqa: N802 - http.server's naming
                with server._busy:
                    server._in_flight += 1
                try:
                    self._answer()
                finally:
                    with server._busy:
                        server._in_flight -= 1
                        server._busy.notify_all()

            do_HEAD = do_POST = do_GET  # noqa: N815 - one dispatcher; the site decides by method

            def _answer(self):
                arrived = time.time()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                fault, status, sent = None, 0, 0
                challenge = server.guard(self.command, self.path, self.headers) if server.guard else None
                if challenge is not None:
                    status, sent = self._write(Answer(challenge[0], challenge[1], challenge[2]))
                else:
                    if server.faults is not None:
                        fault = server.faults.next_fault(Target(server.site.key, self.command, self.path, body))
                    if fault == "stall":
                        server.stopping.wait(server.faults.stall_seconds)
                        self.close_connection = True
                    elif fault == "reset":
                        self._reset()
                    elif fault == "truncated":
                        status, sent = self._write(server.answer(self.command, self.path, self.headers, body,
                                                                 conditional=False).cut())
                    elif fault is not None:
                        status, sent = self._write(error_answer(fault))
                    else:
                        status, sent = self._write(server.answer(self.command, self.path, self.headers, body))
                entry = LoggedRequest(server.site.key, self.command, self.path, status, dict(self.headers),
                                      body, arrived, fault, sent)
                with _LOG_LOCK:  # by arrival: a slow answer (a stall) is not logged after quicker later ones
                    bisect.insort(server.log, entry, key=lambda r: r.time)

            def _write(self, answer: Answer) -> tuple[int, int]:
                """Send `answer`; (status, body bytes sent). A client that goes away ends it quietly."""
                sent = 0
                try:
                    if not answer.raw:
                        self.send_response(answer.status)
                        for name, value in answer.headers:
                            self.send_header(name, value)
                        if answer.content_length is not None:
                            self.send_header("Content-Length", str(answer.content_length))
                        self.end_headers()
                    if self.command == "HEAD" and not answer.raw:
                        return answer.status, 0
                    for chunk in answer.chunks():
                        if server.stopping.is_set() or (answer.pace and server.stopping.wait(answer.pace)):
                            break
                        self.wfile.write(chunk)
                        sent += len(chunk)
                    if answer.raw or answer.content_length is None or sent < answer.content_length:
                        self.close_connection = True  # the end of the body is the end of the connection
                except (BrokenPipeError, ConnectionResetError, TimeoutError):
                    self.close_connection = True
                return answer.status, sent

            def _reset(self):
                """Abort the connection: with SO_LINGER on and a zero timeout, close() sends a RST."""
                self.close_connection = True
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.rfile.close()  # the last reference besides the socket's own: close() closes now
                self.connection.close()

            def log_message(self, format, *args):  # quiet: the log list is the record
                pass

        return Handler


def make_guard(spec: tuple[str, int] | None):
    from demo_portal.waf import JslGuard, RuishuGuard

    if spec is None:
        return None
    kind, expire_after = spec
    return {"ruishu": RuishuGuard, "jsl": JslGuard}[kind](expire_after=expire_after)


class DemoPortal:
    """All demo sites, started together: `with DemoPortal() as portal: portal.write_sites_file(path)`.

    `faults`, a FaultPlan, is shared by every site (a target names its site, so each URL is decided
    on its own)."""

    def __init__(self, sites: tuple[DemoSite, ...] | None = None, faults: FaultPlan | None = None,
                 base_port: int = 0):
        """`base_port`: 0 = free ports (tests); else site i listens on base_port + i, so its URLs stay
        the same from run to run (`govarchive demo` twice into one archive is an incremental crawl)."""
        self.log: list[LoggedRequest] = []
        self.faults = faults
        self.servers = {s.key: SiteServer(s, port=base_port + i if base_port else 0, log=self.log,
                                          guard=make_guard(s.guard), faults=faults)
                        for i, s in enumerate(sites or all_sites())}

    def start(self) -> "DemoPortal":
        for server in self.servers.values():
            server.start()
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.stopping.set()  # every site's slow answers end at once, not one server after another
        for server in self.servers.values():
            server.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def url(self, key: str, path: str) -> str:
        return self.servers[key].origin + path

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once no site is answering a request: the log then holds every request made so far."""
        deadline = time.monotonic() + timeout
        return all(s.wait_idle(max(0.0, deadline - time.monotonic())) for s in self.servers.values())

    def url_of(self, target: Target) -> str:
        """The full URL of a fault plan's target (its body, for a POST, aside)."""
        return self.url(target.site, target.path)

    def sites_toml(self, keys: tuple[str, ...] | None = None) -> str:
        lines = ["# Demo portal sites (generated: ports change every run)", ""]
        for key in keys or tuple(self.servers):
            server = self.servers[key]
            site = server.site
            lines += ["[[site]]", f'name = "{site.name}"', f'start_urls = ["{server.origin}{site.start_path}"]']
            if site.render:
                lines.append("render = true")
            lines.append("")
        return "\n".join(lines)

    def write_sites_file(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.sites_toml(), encoding="utf-8")
        return path

    def expected_report_urls(self) -> set[str]:
        return {self.url(key, d.path) for key, s in self.servers.items() for d in s.site.expected_reports()}

"""Serving the demo sites on 127.0.0.1, one origin (port) per site, in background threads.

Answers like a real portal's web server: Content-Type with charset, ETag and Last-Modified,
304 for a matching conditional request, 404 for anything else. Every request is logged so tests
can see what the crawler asked for.
"""
from __future__ import annotations

import email.utils
import hashlib
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from demo_portal.sites import DemoSite, all_sites

_LAST_MODIFIED = email.utils.formatdate(1706000000, usegmt=True)


@dataclass(frozen=True)
class LoggedRequest:
    site: str
    method: str
    path: str
    status: int
    headers: dict
    body: bytes = b""


class SiteServer:
    """One demo site on its own port.

    `guard`, when set, sees every request first (method, path, headers) and may answer it instead of
    the site: an anti-bot challenge returns (status, [(header, value)], body); None lets it through.
    """

    def __init__(self, site: DemoSite, port: int = 0, log: list | None = None, guard=None):
        self.site = site
        self.guard = guard
        self.pages = site.build()
        self.log = log if log is not None else []
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name=f"demo-{site.key}", daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

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

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "nginx"
            sys_version = ""

            def do_GET(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                self.request_body = self.rfile.read(length) if length else b""
                if server.guard is not None:
                    answer = server.guard(self.command, self.path, self.headers)
                    if answer is not None:
                        status, headers, body = answer
                        return self._send(status, body, None, extra=headers)
                dynamic = server.site.handle(self.command, self.path, self.headers, self.request_body)
                if dynamic is not None:
                    status, ctype, body = dynamic
                    return self._send(status, body, ctype)
                found = server.lookup(self.path) if self.command in ("GET", "HEAD") else None
                if found is None:
                    return self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html; charset=utf-8")
                body, ctype = found
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, b"", None, etag=etag)
                return self._send(200, body, ctype, etag=etag)

            do_HEAD = do_POST = do_GET  # noqa: N815 - one dispatcher; the site decides by method

            def _send(self, status: int, body: bytes, ctype: str | None, etag: str | None = None, extra=()):
                self.send_response(status)
                for name, value in extra:
                    self.send_header(name, value)
                if ctype:
                    self.send_header("Content-Type", ctype)
                if etag:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", _LAST_MODIFIED)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
                server.log.append(LoggedRequest(server.site.key, self.command, self.path, status, dict(self.headers),
                                                getattr(self, "request_body", b"")))

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
    """All demo sites, started together: `with DemoPortal() as portal: portal.write_sites_file(path)`."""

    def __init__(self, sites: tuple[DemoSite, ...] | None = None):
        self.log: list[LoggedRequest] = []
        self.servers = {s.key: SiteServer(s, log=self.log, guard=make_guard(s.guard)) for s in (sites or all_sites())}

    def start(self) -> "DemoPortal":
        for server in self.servers.values():
            server.thread.start()
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.httpd.shutdown()
            server.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def url(self, key: str, path: str) -> str:
        return self.servers[key].origin + path

    def sites_toml(self) -> str:
        lines = ["# Demo portal sites (generated: ports change every run)", ""]
        for key, server in self.servers.items():
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

"""A demo portal scaled up for benchmarks: generic sites, N report pages under paged listings.

`python -m bench.portal --pages 5000 --port 0 [--sites K]` prints the start URL of each of its K
sites (one port each, N pages shared out among them; default 1) and the number of resources, then
serves until killed. The report pages are the demo sites' real report pages (tables and all), each
under its own URL and title.
"""
from __future__ import annotations

import argparse
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from demo_portal import pages
from demo_portal.sites import all_sites

PER_LISTING = 20


PAGINATION_WINDOW = 5


def build(n_pages: int) -> dict[str, tuple[bytes, str]]:
    """path → (body, Content-Type)."""
    reports = []
    files: dict[str, tuple[bytes, str]] = {}
    for site in all_sites():
        if site.encoding != "utf-8":
            continue
        built = site.build()
        reports += [built[d.path][0] for d in site.expected_reports()]
        # The files those report pages link (their PDF and Word copies): served, not 404s.
        files.update({path: got for path, got in built.items() if not got[1].startswith("text/")})
    out: dict[str, tuple[bytes, str]] = dict(files)
    html = "text/html; charset=utf-8"
    n_listings = -(-n_pages // PER_LISTING)
    for k in range(n_listings):
        items = []
        for i in range(k * PER_LISTING, min(n_pages, (k + 1) * PER_LISTING)):
            path = f"/art/{i}.html"
            title = f"第{i}号单位{2015 + i % 10}年政府信息公开工作年度报告"
            out[path] = (reports[i % len(reports)], html)
            items.append((path, title, "2021-01-18"))
        href = lambda n: "/list/index.html" if n == 1 else f"/list/index_{n - 1}.html"  # noqa: E731
        # A window of page numbers, as long CMS listings print them: every listing page linking to all
        # the others made a 5,000-listing portal (100,000 reports) a quadratic crawl of 25 M links.
        body = pages.listing(items, pages.pagination_links(k + 1, n_listings, href, window=PAGINATION_WINDOW))
        out[href(k + 1)] = (pages.chrome("基准门户", "年度报告", "年度报告", body).encode("utf-8"), html)
    out["/robots.txt"] = (b"User-agent: *\n", "text/plain")
    return out


def serve(n_pages: int, port: int, sites: int = 1) -> None:
    import threading

    servers = [_server(build(n_pages // sites + (i < n_pages % sites)), port + i if port else 0) for i in range(sites)]
    for httpd, _ in servers[1:]:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
    urls = [f"http://127.0.0.1:{httpd.server_address[1]}/list/index.html" for httpd, _ in servers]
    print(*urls, sum(n for _, n in servers), flush=True)
    servers[0][0].serve_forever()


def _server(site: dict[str, tuple[bytes, str]], port: int):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802
            body, ctype = site.get(unquote(self.path), (None, "text/html; charset=utf-8"))  # 政府…统计表.docx
            status = 200 if body is not None else 404
            body = body if body is not None else b"not found"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    httpd.daemon_threads = True
    return httpd, len(site)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--sites", type=int, default=1)
    args = parser.parse_args()
    serve(args.pages, args.port, args.sites)
    sys.exit(0)

"""The hostile demo site's traps answer as demo_portal/hostile.py documents, seen with plain HTTP
clients (the crawl tests rely on them being exactly this hostile)."""
from __future__ import annotations

import gzip
import http.client
import re
import socket
import struct
import threading
import tomllib
import zlib
from contextlib import closing
from urllib.parse import unquote

import pytest
from parsel import Selector

from demo_portal.bombs import MIB, gzip_bomb
from demo_portal.hostile import (ATTACHMENT_LINKS, BIG, BIG_PDF, BOMB_MIB, HOSTILE_FILENAMES, R2019, R2020,
                                 HostilePortal)
from demo_portal.server import DemoPortal
from demo_portal.sites import all_sites

TRAPS = {
    "/xxgk/ndbg/loop/a.html", "/xxgk/ndbg/loop/next.html?n=1", "/xxgk/ndbg/away/2016.html",
    "/xxgk/ndbg/away/2015.html", "/xxgk/ndbg/away/2014.html", "/xxgk/ndbg/away/2013.html", "/xxgk/gknb/index.html",
    "/xxgk/ndbg/big/t20110120_1010.html", "/xxgk/ndbg/big/t20100120_1009.html", "/xxgk/ndbg/big/t20090120_1008.html",
    "/xxgk/ndbg/bad/t20190125_1007.html", "/xxgk/ndbg/bad/t20180125_1006.html", "/xxgk/ndbg/bad/t20170125_1005.html",
    "/xxgk/ndbg/bad/t20160125_1004.html",
}


@pytest.fixture(scope="module")
def hostile():
    with HostilePortal() as portal:
        yield portal


def request(portal, path: str, method: str = "GET", timeout: float = 10, host: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", portal.servers["hostile"].port, timeout=timeout)
    conn.request(method, path, headers={"Host": host} if host else {})
    return conn, conn.getresponse()


def get(portal, path: str):
    conn, resp = request(portal, path)
    with closing(conn):
        return resp, resp.read()


def raw_head(port: int, path: str, limit: int = 4 * MIB) -> bytes:
    """The response's bytes up to the end of its head, as sent (no client parsing in between)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data and len(data) < limit:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        return data.split(b"\r\n\r\n", 1)[0]


def links(html: bytes) -> dict[str, str]:
    sel = Selector(text=html.decode("utf-8"))
    return {a.attrib["href"]: "".join(a.xpath(".//text()").getall()) for a in sel.xpath("//a[@href]")}


def test_not_in_the_normal_demo():
    assert "hostile" not in {s.key for s in all_sites()}
    assert "hostile" not in DemoPortal().servers


def test_sites_file_names_the_hostile_site_only(hostile, tmp_path):
    sites = tomllib.loads(hostile.write_sites_file(tmp_path / "hostile.toml").read_text(encoding="utf-8"))["site"]
    assert sites == [{"name": "青石县应急管理局",
                      "start_urls": [hostile.servers["hostile"].origin + "/xxgk/ndbg/index.html"]}]
    assert hostile.servers["offsite"].port != hostile.servers["hostile"].port


def test_column_links_every_trap_by_a_report_title(hostile):
    offsite = hostile.servers["offsite"].port
    found = {}
    for page in ("/xxgk/ndbg/index.html", "/xxgk/ndbg/index_1.html"):
        resp, body = get(hostile, page)
        assert resp.status == 200
        found.update({h: t for h, t in links(body).items() if "/xxgk/ndbg/" in h or "/xxgk/gknb/" in h})
    found = {h: t for h, t in found.items() if not h.startswith("/xxgk/ndbg/index")}
    assert set(found) == TRAPS | {R2020, R2019, f"http://127.0.0.1:{offsite}/xxgk/ndbg/2012.html",
                                  f"http://localhost:{offsite}/xxgk/ndbg/2011.html"}
    assert all("年度报告" in t or "年报" in t for t in found.values())
    # Dated titles (candidate reports) everywhere but the endless listing's, which reads as a column.
    assert [h for h, t in found.items() if not re.search(r"20\d\d", t)] == ["/xxgk/gknb/index.html"]


def test_genuine_reports_are_ordinary_pages(hostile):
    for path, year in ((R2020, 2020), (R2019, 2019)):
        resp, body = get(hostile, path)
        html = body.decode("utf-8")
        assert resp.status == 200 and resp.getheader("Content-Type") == "text/html; charset=utf-8"
        assert f"<title>青石县应急管理局{year}年政府信息公开工作年度报告_青石县人民政府</title>" in html
        assert html.count("<table") == 3


def test_redirect_loop(hostile):
    for path, location in (("/xxgk/ndbg/loop/a.html", "/xxgk/ndbg/loop/b.html"),
                           ("/xxgk/ndbg/loop/b.html", "/xxgk/ndbg/loop/a.html"),
                           ("/xxgk/ndbg/loop/next.html?n=1", "/xxgk/ndbg/loop/next.html?n=2"),
                           ("/xxgk/ndbg/loop/next.html?n=999", "/xxgk/ndbg/loop/next.html?n=1000")):
        resp, _ = get(hostile, path)
        assert (resp.status, resp.getheader("Location")) == (302, location)


def test_offsite_redirects_point_elsewhere_and_offsite_is_not_touched(hostile):
    offsite, own = hostile.servers["offsite"].port, hostile.servers["hostile"].port
    expected = {
        "/xxgk/ndbg/away/2016.html": (302, f"http://127.0.0.1:{offsite}/xxgk/ndbg/2016.html"),
        "/xxgk/ndbg/away/2015.html": (301, f"http://localhost:{offsite}/xxgk/ndbg/2015.html"),
        "/xxgk/ndbg/away/2014.html": (302, f"http://localhost:{own}{R2020}"),
    }
    for path, answer in expected.items():
        resp, _ = get(hostile, path)
        assert (resp.status, resp.getheader("Location")) == answer
    resp, body = get(hostile, "/xxgk/ndbg/away/2013.html")
    assert resp.status == 200
    assert f'<meta http-equiv="refresh" content="0;url=http://127.0.0.1:{offsite}/xxgk/ndbg/2013.html">' in body.decode()
    assert hostile.wait_idle() and hostile.offsite_requests() == []


def test_offsite_server_logs_what_it_gets():
    """So that "0 requests offsite" in a crawl test can fail: the offsite server does log, robots.txt included."""
    with HostilePortal() as portal:
        port = portal.servers["offsite"].port
        for path in ("/robots.txt", "/xxgk/ndbg/2016.html", "/xxgk/ndbg/2011.html"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            assert conn.getresponse().status == 200
            conn.close()
        assert portal.wait_idle()
        assert [(r.site, r.path) for r in portal.offsite_requests()] == [
            ("offsite", "/robots.txt"), ("offsite", "/xxgk/ndbg/2016.html"), ("offsite", "/xxgk/ndbg/2011.html")]


def test_another_host_name_is_logged(hostile):
    """A request that followed the localhost redirect is visible in the log by its Host header."""
    own = hostile.servers["hostile"].port
    conn, resp = request(hostile, R2020, host=f"localhost:{own}")
    with closing(conn):
        assert resp.status == 200
    assert hostile.wait_idle()
    assert [r.path for r in hostile.log if r.headers.get("Host") == f"localhost:{own}"] == [R2020]


def test_endless_listing_goes_on_at_depth_1000(hostile):
    resp, body = get(hostile, "/xxgk/gknb/index_1000.html")
    assert resp.status == 200
    page = links(body)
    assert page["/xxgk/gknb/index_1001.html"] == "下一页"
    assert page["/xxgk/gknb/index_999.html"] in ("上一页", "1000")
    assert [h for h, t in page.items() if t == "尾页"] == ["/xxgk/gknb/index_2000.html"]
    reports = {h: t for h, t in page.items() if h.startswith("/xxgk/gknb/") and re.search(r"/t\d{8}_\d+\.html$", h)}
    assert len(reports) == 10 and all(re.fullmatch(r"青石县.+20\d\d年政府信息公开工作年度报告", t) for t in reports.values())
    _, before = get(hostile, "/xxgk/gknb/index_999.html")
    assert not set(reports) & set(links(before))  # fresh reports on every page
    # A report of the listing leads to more reports and to another endless listing.
    resp, detail = get(hostile, next(iter(reports)))
    assert resp.status == 200
    more = links(detail)
    deeper = [h for h, t in more.items() if t == "更多年报"]
    assert len(deeper) == 1 and re.fullmatch(r"/xxgk/gknb/s\d+/index\.html", deeper[0])
    assert len([h for h in more if re.search(r"/t\d{8}_\d+\.html$", h)]) == 3
    resp, sub = get(hostile, deeper[0].replace("index.html", "index_1000.html"))
    assert resp.status == 200 and "下一页" in links(sub).values()


def rss() -> int:
    status = open("/proc/self/status").read()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024


@pytest.mark.parametrize("path,length", [("/xxgk/ndbg/big/t20110120_1010.html", BIG),
                                         ("/xxgk/ndbg/big/t20100120_1009.html", None)])
def test_100_mb_page_is_streamed(hostile, path, length):
    conn, resp = request(hostile, path, timeout=30)
    with closing(conn):
        assert resp.status == 200
        assert resp.getheader("Content-Length") == (str(length) if length else None)
        start, peak, total = rss(), 0, 0
        first = resp.read(MIB)
        assert first.startswith(b"<!DOCTYPE html>") and "年政府信息公开工作年度报告（全文）".encode() in first
        total = len(first)
        while chunk := resp.read(MIB):
            total += len(chunk)
            last = chunk
            peak = max(peak, rss())
    assert total == BIG and last.endswith(b"</div></body></html>\n")
    # Server and client share this process: neither held the page.
    assert peak - start < 30 * MIB


def test_big_attachment_declares_100_mb(hostile):
    conn, resp = request(hostile, BIG_PDF)
    with closing(conn):
        assert (resp.status, resp.getheader("Content-Type"), resp.getheader("Content-Length")) == (
            200, "application/pdf", str(BIG))
        assert resp.read(64).startswith(b"%PDF-1.4")


def test_gzip_bomb_is_small_and_says_gzip(hostile):
    conn, resp = request(hostile, "/xxgk/ndbg/big/t20090120_1008.html", timeout=60)
    with closing(conn):
        assert resp.getheader("Content-Encoding") == "gzip"
        body = resp.read()
    assert int(resp.getheader("Content-Length")) == len(body) < 4 * MIB
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    head = inflate.decompress(body, 64 * MIB)
    assert head.startswith(b"<!DOCTYPE html>") and "青石县应急管理局2008年".encode() in head
    assert len(head) == 64 * MIB and head.rstrip(b" ").endswith("年度报告</h1>\n".encode())  # then spaces, as far as we look
    crc, size = struct.unpack("<II", body[-8:])
    assert size == (len(head.rstrip(b" ")) + BOMB_MIB * MIB + len(b"</div></body></html>\n")) % 2**32


def test_gzip_bomb_construction_is_a_valid_stream():
    """The served bomb is too big to inflate in a test; the same construction, smaller, inflates exactly."""
    bomb = gzip_bomb(b"<html><body>", 40, b"</body></html>")
    assert gzip.decompress(bomb) == b"<html><body>" + b" " * (40 * MIB) + b"</body></html>"  # CRC checked too
    assert len(bomb) < 50_000


def content_disposition(port: int, path: str) -> bytes:
    head = raw_head(port, path)
    (line,) = [h for h in head.split(b"\r\n") if h.lower().startswith(b"content-disposition:")]
    return line.split(b":", 1)[1].strip()


def test_hostile_attachment_names(hostile):
    port = hostile.servers["hostile"].port
    _, page = get(hostile, R2020)
    assert set(HOSTILE_FILENAMES) | {BIG_PDF} <= set(links(page))
    assert content_disposition(port, "/uploadfiles/2021/01/P020210118_1.pdf") == b'attachment; filename="../../etc/passwd"'
    assert content_disposition(port, "/uploadfiles/2021/01/P020210118_2.pdf") == b'attachment; filename="..\\\\..\\\\x.pdf"'
    assert content_disposition(port, "/uploadfiles/2021/01/P020210118_3.pdf") == b'attachment; filename="/etc/cron.d/govarchive"'
    assert content_disposition(port, "/uploadfiles/2021/01/P020210118_4.pdf") == (
        b'attachment; filename="\x01\x07\x08\x1b[2J\x1b]0;owned\x07\x7freport\t.pdf"')
    long = content_disposition(port, "/uploadfiles/2021/01/P020210118_5.pdf").decode()
    assert long.startswith("attachment; filename*=UTF-8''")
    name = unquote(long.split("''", 1)[1])
    assert len(name) == 300 and name.endswith(".pdf") and len(name.encode()) > 255
    for path in HOSTILE_FILENAMES:
        resp, body = get(hostile, path)
        assert resp.getheader("Content-Type") == "application/pdf" and body.startswith(b"%PDF-1.4")
        assert body.rstrip().endswith(b"%%EOF")


def test_report_with_a_thousand_attachments(hostile):
    _, page = get(hostile, R2019)
    pdfs = [h for h in links(page) if h.endswith(".pdf")]
    assert len(pdfs) == ATTACHMENT_LINKS == len(set(pdfs))
    for path in (pdfs[0], pdfs[-1]):
        resp, body = get(hostile, path)
        assert resp.status == 200 and body.startswith(b"%PDF-1.4")
    resp, _ = get(hostile, "/uploadfiles/2020/01/P020200116_1001.pdf")
    assert resp.status == 404


def test_enormous_header(hostile):
    head = raw_head(hostile.servers["hostile"].port, "/xxgk/ndbg/bad/t20190125_1007.html")
    assert b"X-Trace: " + b"a" * MIB in head.split(b"\r\n")
    with pytest.raises(http.client.LineTooLong):
        request(hostile, "/xxgk/ndbg/bad/t20190125_1007.html")


def test_malformed_headers(hostile):
    port = hostile.servers["hostile"].port
    no_colon = raw_head(port, "/xxgk/ndbg/bad/t20180125_1006.html").split(b"\r\n")
    assert no_colon[0] == b"HTTP/1.1 200 OK" and b"Content-Type text/html; charset=utf-8" in no_colon
    assert not [h for h in no_colon[1:] if h.lower().startswith(b"content-type:")]
    two = raw_head(port, "/xxgk/ndbg/bad/t20170125_1005.html").split(b"\r\n")
    assert b"Content-Length: 1024, 2048" in two


def test_drip_feed_sends_a_byte_a_second_and_ends_when_the_portal_stops():
    with HostilePortal() as portal:
        port = portal.servers["hostile"].port
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(f"GET /xxgk/ndbg/bad/t20160125_1004.html HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(4096)
        head, body = data.split(b"\r\n\r\n", 1)
        declared = int(re.search(rb"Content-Length: (\d+)", head).group(1))
        sock.settimeout(3)
        while len(body) < 2:  # a byte a second: the second byte comes about two seconds in
            body += sock.recv(4096)
        assert len(body) < 4 and declared > 1000
        stopper = threading.Thread(target=portal.stop)
        stopper.start()
        sock.settimeout(5)
        rest = b""
        while chunk := sock.recv(4096):  # EOF soon after the stop, long before DRIP_BYTES seconds
            rest += chunk
        stopper.join(10)
        assert len(body + rest) < 10
        sock.close()
        assert portal.wait_idle(5)
        (drip,) = [r for r in portal.log if r.path.endswith("t20160125_1004.html")]
        assert drip.status == 200 and drip.sent == len(body + rest)

"""A hostile demo site: a report column whose links lead into every trap an unattended crawler meets.

Not in `all_sites()`: the normal demo crawl does not change. `HostilePortal` serves it together with
an "offsite" server (another origin, its own port) that the traps redirect and link to, and writes a
sites file naming the hostile site only (its allowed domain is 127.0.0.1:PORT, the default).
One log holds the requests of both servers; `portal.offsite_requests()` must stay empty.

The column `/xxgk/ndbg/index.html` (and `index_1.html`: generic 首页/下一页 paging) is an ordinary
listing of 青石县应急管理局's reports: every trap is a link whose text names a report, so
a report crawler follows it. Expected crawler behaviour, trap by trap (paths on the hostile site;
OFFSITE = the offsite server, 127.0.0.1 on another port; "a failure" = a fetch_errors row of that
kind and nothing archived for the URL):

Genuine reports (must be archived, with their tables: seeds 000 and 004):
  /xxgk/ndbg/202101/t20210118_1001.html  青石县应急管理局2020年…年度报告: links the hostile attachments
  /xxgk/ndbg/202001/t20200116_1002.html  青石县应急管理局2019年…年度报告: 1,000 attachment links

Redirects (plain Scrapy today, for comparison: it drops the loop and the localhost redirects
silently — the dupe filter, OffsiteMiddleware — and follows the 127.0.0.1:OFFSITE ones, because
`allowed_domains` ignores ports):
  /xxgk/ndbg/loop/a.html        302 → loop/b.html → 302 → loop/a.html …  A loop: a failure (kind
                                redirect), not silently dropped by the dupe filter.
  /xxgk/ndbg/loop/next.html?n=1 302 → next.html?n=2 → … a new URL every hop, forever (the openresty
                                302-to-self of portals.md gone wrong): a failure after REDIRECT_MAX_TIMES.
  /xxgk/ndbg/away/2016.html     302 → http://127.0.0.1:OFFSITE/xxgk/ndbg/2016.html   not followed: offsite
  /xxgk/ndbg/away/2015.html     301 → http://localhost:OFFSITE/xxgk/ndbg/2015.html   not followed: offsite
  /xxgk/ndbg/away/2014.html     302 → http://localhost:PORT/… (this very server, another host name):
                                not followed: offsite (no request here may carry `Host: localhost:…`)
  /xxgk/ndbg/away/2013.html     200 with <meta http-equiv="refresh" content="0;url=http://127.0.0.1:OFFSITE/…">:
                                the refresh is not followed (offsite); the page itself may be archived
  The four are named failures (kind offsite), not silent drops. The listing also links straight to
  http://127.0.0.1:OFFSITE/xxgk/ndbg/2012.html and http://localhost:OFFSITE/xxgk/ndbg/2011.html:
  never requested. OFFSITE gets 0 requests in all, robots.txt included.

An endless listing (linked as 历年政府信息公开年报, undated, so a listing):
  /xxgk/gknb/index.html, index_1.html, index_2.html … any N, generated on request: 首页/上一页/numbers/
  下一页/尾页 (尾页 always 1,000 pages further on), 10 dated report links a page to
  /xxgk/gknb/YYYYMM/tYYYYMMDD_ID.html, each of which links 3 more dated reports and 更多年报 →
  /xxgk/gknb/sID/index.html, another endless listing. Bounded by the pagination-depth and
  pages-per-listing caps (and DEPTH_LIMIT); the crawl ends by itself.

Bodies too big (the cap, DOWNLOAD_MAXSIZE, is smaller than 100 MiB):
  /xxgk/ndbg/big/t20110120_1010.html  100 MiB of HTML, Content-Length given, streamed: too_large
                                      (refused on the header, before the body)
  /xxgk/ndbg/big/t20100120_1009.html  100 MiB, no Content-Length (ended by close): too_large
                                      (cut when the cap is passed)
  /xxgk/ndbg/big/t20090120_1008.html  gzip bomb: Content-Encoding: gzip, ~3 MB that inflate to
                                      3 GiB of spaces: decompression (a decompressed-size cap)
  /uploadfiles/2021/01/P020210118_big.pdf  a 100 MiB PDF attachment of the 2020 report: too_large

Attachments of the 2020 report (valid small PDFs) whose Content-Disposition names are hostile
(`HOSTILE_FILENAMES`): ../../etc/passwd, ..\\..\\x.pdf, /etc/cron.d/govarchive, control
characters, 300 characters (RFC 5987 filename*). Archived as bytes; a stored filename is
sanitised (no separators, no control characters, bounded length) and never used as a path.
The 2019 report links /uploadfiles/2020/01/P020200116_0001.pdf … _1000.pdf: an attachments-per-page
cap bounds how many are fetched.

Broken answers:
  /xxgk/ndbg/bad/t20190125_1007.html  a 1 MiB header line: a failure (Twisted drops the connection:
                                      ConnectionDone)
  /xxgk/ndbg/bad/t20180125_1006.html  a header line without a colon ("Content-Type text/html…"):
                                      Twisted drops the line, so the page arrives without a
                                      Content-Type; archived, decoded by its <meta> (utf-8)
  /xxgk/ndbg/bad/t20170125_1005.html  Content-Length "1024, 2048": a failure (Twisted: conflicting
                                      Content-Length headers)
  /xxgk/ndbg/bad/t20160125_1004.html  200, then the body one byte a second, never finished (it stops
                                      after DRIP_BYTES and closes): timeout (DOWNLOAD_TIMEOUT)

Everything slow (the drip, the streams) ends as soon as the portal stops.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs, quote, urlsplit

from demo_portal import pages
from demo_portal.answer import Answer
from demo_portal.bombs import MIB, gzip_bomb, padded
from demo_portal.cms import Generic
from demo_portal.files import PDF, make_pdf
from demo_portal.reports import report_body
from demo_portal.server import DemoPortal, SiteServer
from demo_portal.sites import DemoSite, Document

AGENCY = "青石县应急管理局"
SITE_NAME = "青石县人民政府"
BIG = 100 * MIB
BOMB_MIB = 3 * 1024  # 3 GiB of spaces once inflated
DRIP_BYTES = 120  # the drip-feed gives up after two minutes, so a stray connection cannot live on
ATTACHMENT_LINKS = 1000
ENDLESS_PER_PAGE = 10
ENDLESS_LAST_AHEAD = 1000  # 尾页 points this many pages past the current one

R2020 = "/xxgk/ndbg/202101/t20210118_1001.html"
R2019 = "/xxgk/ndbg/202001/t20200116_1002.html"
BIG_PDF = "/uploadfiles/2021/01/P020210118_big.pdf"

# Attachment path → the filename its Content-Disposition gives.
HOSTILE_FILENAMES = {
    "/uploadfiles/2021/01/P020210118_1.pdf": "../../etc/passwd",
    "/uploadfiles/2021/01/P020210118_2.pdf": "..\\..\\x.pdf",
    "/uploadfiles/2021/01/P020210118_3.pdf": "/etc/cron.d/govarchive",
    "/uploadfiles/2021/01/P020210118_4.pdf": "\x01\x07\x08\x1b[2J\x1b]0;owned\x07\x7freport\t.pdf",  # sent raw
    "/uploadfiles/2021/01/P020210118_5.pdf": "政府信息公开工作年度报告" * 24 + "附件一统计表汇总.pdf",  # 300 characters
}

_DEPARTMENTS = ("应急管理局", "财政局", "教育局", "卫生健康局", "自然资源局", "交通运输局", "民政局", "水利局",
                "住房和城乡建设局", "市场监督管理局", "人力资源和社会保障局", "司法局", "农业农村局")


def _prose(year: int) -> tuple[list[str], list[str]]:
    return (
        [f"根据《中华人民共和国政府信息公开条例》规定，由{AGENCY}编制本报告，本年度报告中所列数据的统计期限自{year}年1月1日起至12月31日止。",
         "一、总体情况",
         f"{year}年，我局认真贯彻落实政府信息公开工作部署，及时公开安全生产、防灾减灾等领域政府信息。"],
        ["五、存在的主要问题及改进情况",
         "公开内容的及时性有待提高。下一步，我局将进一步规范发布流程。",
         "六、其他需要报告的事项",
         "本年度未收取政府信息公开信息处理费。"],
    )


def _attachment_link(path: str, text: str) -> str:
    return f'<p>附件：<a href="{escape(path)}" target="_blank">{escape(text)}</a></p>'


def _pdf(label: str) -> bytes:
    return make_pdf(["Qingshi County Emergency Management Bureau", label])


class HostileCms(Generic):
    """Generic index_N paging for the column; every trap answered dynamically."""

    def __init__(self, offsite_port: int):
        super().__init__("index_n")
        self.offsite_port = offsite_port

    def offsite(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.offsite_port}{path}"

    def handle(self, site, method, path, headers, body):
        parts = urlsplit(path)
        if trap := _TRAPS.get(parts.path):
            return trap.answer(self, parts, headers, trap.title)
        if m := _ENDLESS_LISTING.match(parts.path):
            return _html(endless_listing(int(m["series"] or 0), int(m["page"] or 0)))
        if m := _ENDLESS_DETAIL.match(parts.path):
            return _html(endless_detail(int(m["id"])))
        if (m := _MANY.match(parts.path)) and 1 <= int(m[1]) <= ATTACHMENT_LINKS:
            return Answer(200, [("Content-Type", PDF)], _pdf(f"attachment {int(m[1])} of {ATTACHMENT_LINKS}"))
        if parts.path in HOSTILE_FILENAMES:
            return Answer(200, [("Content-Type", PDF),
                                ("Content-Disposition", content_disposition(HOSTILE_FILENAMES[parts.path]))],
                          _pdf("attachment with a hostile file name"))
        return None


def content_disposition(name: str) -> str:
    """ASCII names as filename="…" (quotes and backslashes escaped as RFC 6266 says; control
    characters left in, as a hostile server sends them); others as RFC 5987 filename*."""
    if name.isascii():
        return 'attachment; filename="' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "attachment; filename*=UTF-8''" + quote(name, safe="")


def _html(text: str) -> Answer:
    return Answer(200, [("Content-Type", "text/html; charset=utf-8")], text.encode("utf-8"))


def _redirect(status: int, location: str) -> Answer:
    body = f'<html><body><a href="{escape(location)}">moved</a></body></html>'.encode()
    return Answer(status, [("Location", location), ("Content-Type", "text/html; charset=utf-8")], body)


def _own_port(headers) -> str:
    return (headers.get("Host") or "").rpartition(":")[2] or "80"


def _report_head(title: str) -> bytes:
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}_{SITE_NAME}</title>'
            f'<meta name="ArticleTitle" content="{title}"></head>\n<body><div class="TRS_Editor">'
            f"<h1>{title}</h1>\n").encode("utf-8")


_TAIL = b"</div></body></html>\n"
_YEAR = re.compile(r"(20\d\d)年")


def _big_page(title: str, with_length: bool) -> Answer:
    """100 MiB of HTML, generated while it is sent."""
    return Answer(200, [("Content-Type", "text/html; charset=utf-8")], padded(_report_head(title), BIG, _TAIL),
                  length=BIG if with_length else None)


def _bomb(title: str) -> Answer:
    return Answer(200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
                  gzip_bomb(_report_head(title), BOMB_MIB, _TAIL))


def _big_pdf() -> Answer:
    return Answer(200, [("Content-Type", PDF)], padded(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", BIG, b"\n%%EOF\n", b"% \n"),
                  length=BIG)


def _page(title: str) -> bytes:
    """A short report page, for the traps whose page is fine and whose answer is not (published the
    January after the year its title names, as its path says)."""
    published = f"{int(_YEAR.search(title)[1]) + 1}-01-25"
    return pages.chrome(SITE_NAME, title, "政府信息公开年报",
                        pages.article(title, published, pages.paragraphs(["（全文略）"]), container="trs")).encode("utf-8")


def _raw(head: str, body: bytes) -> Answer:
    return Answer(200, body=head.replace("\n", "\r\n").encode("latin-1") + body, raw=True)


def _enormous_header(title: str) -> Answer:
    return Answer(200, [("Content-Type", "text/html; charset=utf-8"), ("X-Trace", "a" * MIB)], _page(title))


def _no_colon(title: str) -> Answer:
    page = _page(title)
    return _raw(f"HTTP/1.1 200 OK\nServer: nginx\nContent-Type text/html; charset=utf-8\n"
                f"Content-Length: {len(page)}\nConnection: close\n\n", page)


def _two_lengths(title: str) -> Answer:
    return _raw("HTTP/1.1 200 OK\nServer: nginx\nContent-Type: text/html; charset=utf-8\n"
                "Content-Length: 1024, 2048\nConnection: close\n\n", _page(title))


def _drip(title: str) -> Answer:
    page = _page(title)
    return Answer(200, [("Content-Type", "text/html; charset=utf-8")],
                  (page[i:i + 1] for i in range(min(DRIP_BYTES, len(page)))), length=len(page), pace=1.0)


def _meta_refresh(target: str, title: str) -> Answer:
    return _html(f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={target}">'
                 f"<title>{title}</title></head><body><p>页面已迁移，正在跳转……</p></body></html>\n")


def _report(year: int, suffix: str = "") -> str:
    return f"{AGENCY}{year}年政府信息公开工作年度报告{suffix}"


def _next_hop(cms, parts, headers, title) -> Answer:
    n = parse_qs(parts.query).get("n", ["1"])[0]
    return _redirect(302, f"/xxgk/ndbg/loop/next.html?n={int(n) + 1 if n.isdigit() else 2}")


@dataclass(frozen=True)
class Trap:
    title: str  # the text of the link that leads to it: it names a report
    answer: Callable  # (cms, parts of the request URL, request headers, title) → Answer
    query: str = ""  # the column links path + query
    linked: bool = True  # False: reached only through another trap


# Trap path on the hostile site → how it is linked and answered.
_TRAPS = {
    "/xxgk/ndbg/loop/a.html": Trap(_report(2018), lambda cms, u, h, t: _redirect(302, "/xxgk/ndbg/loop/b.html")),
    "/xxgk/ndbg/loop/b.html": Trap(_report(2018), lambda cms, u, h, t: _redirect(302, "/xxgk/ndbg/loop/a.html"),
                                   linked=False),
    "/xxgk/ndbg/loop/next.html": Trap(_report(2017), _next_hop, query="?n=1"),
    "/xxgk/ndbg/away/2016.html": Trap(_report(2016), lambda cms, u, h, t: _redirect(
        302, cms.offsite("/xxgk/ndbg/2016.html"))),
    "/xxgk/ndbg/away/2015.html": Trap(_report(2015), lambda cms, u, h, t: _redirect(
        301, cms.offsite("/xxgk/ndbg/2015.html", host="localhost"))),
    "/xxgk/ndbg/away/2014.html": Trap(_report(2014, "（转载）"), lambda cms, u, h, t: _redirect(
        302, f"http://localhost:{_own_port(h)}{R2020}")),
    "/xxgk/ndbg/away/2013.html": Trap(_report(2013), lambda cms, u, h, t: _meta_refresh(
        cms.offsite("/xxgk/ndbg/2013.html"), t)),
    "/xxgk/ndbg/big/t20110120_1010.html": Trap(_report(2010, "（全文）"), lambda cms, u, h, t: _big_page(t, True)),
    "/xxgk/ndbg/big/t20100120_1009.html": Trap(_report(2009, "（全文）"), lambda cms, u, h, t: _big_page(t, False)),
    "/xxgk/ndbg/big/t20090120_1008.html": Trap(_report(2008), lambda cms, u, h, t: _bomb(t)),
    "/xxgk/ndbg/bad/t20190125_1007.html": Trap(_report(2018, "（修订版）"), lambda cms, u, h, t: _enormous_header(t)),
    "/xxgk/ndbg/bad/t20180125_1006.html": Trap(_report(2017, "（修订版）"), lambda cms, u, h, t: _no_colon(t)),
    "/xxgk/ndbg/bad/t20170125_1005.html": Trap(_report(2016, "（修订版）"), lambda cms, u, h, t: _two_lengths(t)),
    "/xxgk/ndbg/bad/t20160125_1004.html": Trap(_report(2015, "（修订版）"), lambda cms, u, h, t: _drip(t)),
    BIG_PDF: Trap(_report(2020, "（全文）.pdf"), lambda cms, u, h, t: _big_pdf(), linked=False),  # from the 2020 report
}


_ENDLESS_LISTING = re.compile(r"^/xxgk/gknb/(?:s(?P<series>\d+)/)?index(?:_(?P<page>\d+))?\.html$")
_ENDLESS_DETAIL = re.compile(r"^/xxgk/gknb/\d{6}/t\d{8}_(?P<id>\d+)\.html$")
_MANY = re.compile(r"^/uploadfiles/2020/01/P020200116_(\d{4})\.pdf$")


def _listing_dir(series: int) -> str:
    return f"/xxgk/gknb/s{series}/" if series else "/xxgk/gknb/"


def _endless_item(series: int, page: int, i: int) -> tuple[str, str, str]:
    """The `i`-th report on page `page` of listing `series`: every one has its own id."""
    return _endless_report(series * 10_000_000 + page * ENDLESS_PER_PAGE + i + 1)


def _endless_report(ident: int) -> tuple[str, str, str]:
    """(href, title, date) of a report of the endless listings, all derived from its id."""
    year, month, day = 2008 + ident % 14, 1 + ident % 12, 1 + ident % 28
    title = f"青石县{_DEPARTMENTS[ident % len(_DEPARTMENTS)]}{year}年政府信息公开工作年度报告"
    date = f"{year + 1}{month:02d}{day:02d}"
    return f"/xxgk/gknb/{date[:6]}/t{date}_{ident}.html", title, f"{date[:4]}-{date[4:6]}-{date[6:]}"


def endless_listing(series: int, page: int) -> str:
    """Page `page` (0 = index.html) of an endless listing: it always has a next page."""
    base = _listing_dir(series)

    def href(n: int) -> str:  # 1-based page numbers, as the pagination prints them
        return f"{base}index.html" if n == 1 else f"{base}index_{n - 1}.html"

    current, total = page + 1, page + 1 + ENDLESS_LAST_AHEAD
    links = [f'<a href="{href(1)}">首页</a>']
    if current > 1:
        links.append(f'<a href="{href(current - 1)}">上一页</a>')
    for n in range(max(1, current - 2), current + 3):
        links.append(f'<span class="current">{n}</span>' if n == current else f'<a href="{href(n)}">{n}</a>')
    links += [f'<a href="{href(current + 1)}">下一页</a>', f'<a href="{href(total)}">尾页</a>', f"<span>共{total}页</span>"]
    items = [_endless_item(series, page, i) for i in range(ENDLESS_PER_PAGE)]
    body = pages.listing(items, '<div class="pagination">' + " ".join(links) + "</div>")
    return pages.chrome(SITE_NAME, f"历年政府信息公开年报_{SITE_NAME}", "历年政府信息公开年报", body)


def endless_detail(ident: int) -> str:
    """A report of the endless listing, linking three more reports and a listing of its own."""
    _, title, date = _endless_report(ident)
    related = "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>'
                      for h, t, _ in (_endless_item(ident, 0, i) for i in range(3)))
    content = (pages.paragraphs(["（全文略）"]) + f'\n<div class="related"><h3>相关年报</h3><ul>{related}</ul>'
               f'<a href="{_listing_dir(ident)}index.html">更多年报</a></div>')
    return pages.chrome(SITE_NAME, f"{title}_{SITE_NAME}", "历年政府信息公开年报",
                        pages.article(title, date, content, container="trs"))


def hostile_site(offsite_port: int) -> DemoSite:
    r2020 = Document(R2020, _report(2020), "2021-01-18",
                     report_body("000", "2019", style="word", prose=_prose(2020))
                     + "\n".join(_attachment_link(p, f"政府信息公开情况统计表{n}.pdf")
                                 for n, p in enumerate(HOSTILE_FILENAMES, 1))
                     + _attachment_link(BIG_PDF, _TRAPS[BIG_PDF].title),
                     is_report=True, agency=AGENCY, year=2020)
    r2019 = Document(R2019, _report(2019), "2020-01-16",
                     report_body("004", "2019", style="plain", prose=_prose(2019))
                     + "\n".join(_attachment_link(f"/uploadfiles/2020/01/P020200116_{n:04d}.pdf", f"附件{n}.pdf")
                                 for n in range(1, ATTACHMENT_LINKS + 1)),
                     is_report=True, agency=AGENCY, year=2019)
    traps = [(path + trap.query, trap.title) for path, trap in _TRAPS.items() if trap.linked] + [
        (f"http://127.0.0.1:{offsite_port}/xxgk/ndbg/2012.html", _report(2012)),
        (f"http://localhost:{offsite_port}/xxgk/ndbg/2011.html", _report(2011)),
        ("/xxgk/gknb/index.html", "历年政府信息公开年报"),
    ]
    return DemoSite("hostile", AGENCY, SITE_NAME, "政府信息公开年报", "/xxgk/ndbg/", [r2020, r2019], per_page=10,
                    cms=HostileCms(offsite_port), disallow=["/private/"], extra_links=traps)


OFFSITE_PATHS = ("/xxgk/ndbg/2016.html", "/xxgk/ndbg/2015.html", "/xxgk/ndbg/2013.html", "/xxgk/ndbg/2012.html",
                 "/xxgk/ndbg/2011.html")


def offsite_site() -> DemoSite:
    """Another origin carrying copies of the reports the traps point at: anything archived from it is a bug."""
    docs = [Document(p, _report(int(p[-9:-5])), f"{int(p[-9:-5]) + 1}-01-20",
                     pages.paragraphs(["（转载，全文略）"])) for p in OFFSITE_PATHS]
    return DemoSite("offsite", "其他网站", "其他网站", "转载", "/xxgk/ndbg/", docs)


class HostilePortal(DemoPortal):
    """The hostile site and the offsite server: `with HostilePortal() as p: p.write_sites_file(path)`."""

    def __init__(self):
        offsite = SiteServer(offsite_site())
        super().__init__(sites=(hostile_site(offsite.port),))
        offsite.log = self.log  # one log: a test sees every request either server got
        self.servers["offsite"] = offsite

    def sites_toml(self, keys: tuple[str, ...] | None = ("hostile",)) -> str:
        return super().sites_toml(keys)

    def offsite_requests(self) -> list:
        return [r for r in self.log if r.site == "offsite"]

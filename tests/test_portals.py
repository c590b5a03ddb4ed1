"""CMS behaviour seen from the portal's side: what the crawler asked for, and how it decoded it."""
from __future__ import annotations

import json
import sqlite3
from urllib.parse import parse_qs, unquote

from archive import bodies
from archive.bodies import page_html
from conftest import crawl

SCRAPY_UA = "govarchive/0.1 (annual-report archiver; +https://github.com/govarchive/govarchive)"


def rows(db, sql, params=()):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def stats(db) -> dict:
    return json.loads(rows(db, "SELECT stats FROM crawls ORDER BY id DESC LIMIT 1")[0][0])


def test_hanweb_proxy_called_as_the_page_would(crawled):
    _, _, log = crawled
    for site, column, proxy in (("jiangbei", "1229138290", "/module/web/jpage/dataproxy.jsp"),
                                ("quzhou", "1229020318", "/module/jpage/dataproxy.jsp")):
        posts = [r for r in log if r.site == site and r.method == "POST"]
        assert len(posts) == 1 and posts[0].path.startswith(proxy + "?startrecord=") and posts[0].status == 200
        form = parse_qs(posts[0].body.decode())
        assert form["columnid"] == [column] and form["col"] == ["1"] and form["permissiontype"] == ["0"]
        assert posts[0].headers["X-Requested-With"] == "XMLHttpRequest"
        assert posts[0].headers["Content-Type"] == "application/x-www-form-urlencoded; charset=UTF-8"
        assert posts[0].headers["Referer"].endswith(f"/col/col{column}/index.html")


def test_no_browser_where_plain_http_works(crawled):
    db, _, log = crawled
    s = stats(db)
    for site in ("宁波市江北区应急管理局", "衢州市应急管理局", "宁夏回族自治区应急管理厅"):  # Hanweb ×2, TRS
        assert s.get(f"govarchive/renders/{site}", 0) == 0
    assert {r.headers.get("User-Agent") for r in log if r.site in ("jiangbei", "quzhou", "ningxia")} == {SCRAPY_UA}
    # The JS-only listing: page 1 and its 3 pager links rendered (and re-rendered where the 瑞数
    # challenge cut a render short), apart from the challenge passes.
    huancui = "威海市环翠区应急管理局"
    assert 4 <= s["govarchive/renders/" + huancui] <= 4 + s["govarchive/challenges/" + huancui]
    assert s["govarchive/challenge_renders/" + huancui] >= 1


def cookie_values(log, site: str, name: str) -> set[str]:
    values = set()
    for r in log:
        if r.site == site and r.status == 200:
            for part in (r.headers.get("Cookie") or "").split(";"):
                key, _, value = part.strip().partition("=")
                if key == name:
                    values.add(value)
    return values


def test_challenge_passed_once_per_cookie_lifetime(crawled):
    db, _, log = crawled
    s = stats(db)
    passes = s["govarchive/challenge_renders/西安市阎良区应急管理局"]
    lifetimes = cookie_values(log, "yanliang", "__jsl_clearance_s")
    assert passes >= 2 and passes == len(lifetimes)  # the cookie lasts 3 requests: it had to be earned again
    assert s["govarchive/challenges/西安市阎良区应急管理局"] >= passes
    # The JSON API behind the JS listing was called by the browser only.
    api = [r for r in log if r.site == "huancui" and r.path.startswith("/api/doc/list")]
    assert api and all(r.headers.get("User-Agent") != SCRAPY_UA for r in api)


def test_trs_pages_one_at_a_time_and_stops_at_the_stub(crawled):
    _, _, log = crawled
    listing = [r.path for r in log if r.site == "ningxia" and "/index" in r.path]
    assert listing == ["/xxgk/zfxxgknb/index.html", "/xxgk/zfxxgknb/index_1.html", "/xxgk/zfxxgknb/index_2.html",
                       "/xxgk/zfxxgknb/index_3.html"]


def test_gbk_declared_gb2312_decodes_without_replacement(portal, crawled):
    db, _, _ = crawled
    got = rows(db, "SELECT url, encoding, body, body_codec, content_type, text FROM pages"
                   " WHERE site = '宁夏回族自治区应急管理厅'")
    assert len(got) == 8
    for url, encoding, stored, codec, ctype, text in got:
        html = page_html(bodies.unpack(stored, codec), ctype)  # as the extractor decoded it
        assert encoding == "gb18030", url
        assert "\ufffd" not in html
    letter = portal.url("ningxia", "/xxgk/zfxxgknb/202101/t20210111_2560021.html")
    (text,) = rows(db, "SELECT text FROM pages WHERE url = ?", [letter])[0]
    assert "联系人：李喆、王堃" in text  # GBK-only characters, on the page with the malformed charset meta
    raw = portal.servers["ningxia"].pages["/xxgk/zfxxgknb/202101/t20210111_2560021.html"][0]
    assert b'<meta httpequiv="Content-Type" content="text/html; charset=gbk">' in raw


def test_no_crawl_errors(portal, crawled):
    """Nothing failed; the one row is the report link robots.txt disallows, named but not requested."""
    db, result, _ = crawled
    assert rows(db, "SELECT site, url, kind, role FROM fetch_errors") == [
        ("宁波市江北区应急管理局", portal.url("jiangbei", "/private/ndbg/2019.html"), "robots", "detail")]
    assert result.returncode == 0


def test_js_listing_detected_without_render_flag(portal, tmp_path):
    """With render = false the listing shows no records but a script that loads them: rendered anyway."""
    sites = tmp_path / "js.toml"
    sites.write_text(f'[[site]]\nname = "环翠"\nstart_urls = ["{portal.url("huancui", "/zwgk/ndbg/index.html")}"]\n',
                     encoding="utf-8")
    db = tmp_path / "js.db"
    crawl(sites, db)
    s = stats(db)
    # The plain fetch showed an empty list: then page 1 and its 3 pager links were rendered (a render
    # cut short by the 瑞数 challenge is done again).
    assert 4 <= s["govarchive/renders/环翠"] <= 4 + s["govarchive/challenges/环翠"]
    reports = rows(db, "SELECT p.url FROM reports r JOIN pages p ON p.id = r.page")
    assert [unquote(u) for (u,) in reports] == [portal.url("huancui", "/zwgk/ndbg/202101/t20210120_2531177.html")]
    # The first, plain fetch is archived as served; the rendered DOM of the same URL is a version of its own.
    start = portal.url("huancui", "/zwgk/ndbg/index.html")
    assert sorted(r for (r,) in rows(db, "SELECT rendered FROM pages WHERE url = ?", [start])) == [0, 1]

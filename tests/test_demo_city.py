"""The demo city portal (demo_portal.city) itself, over plain HTTP on 127.0.0.1: its hubs, how its
directories and navigations draw their links, its report columns, its report pages and their
cells, its news section — each against the ground truth of demo_portal.city_truth. One test runs
the pages' scripts in Chromium, to show they draw exactly the links the truth names.
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import urllib.robotparser
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from parsel import Selector

from crawler.cms import hanweb, trs
from crawler.sites import load_sites
from demo_portal import city_truth as T
from demo_portal.city import CityPortal
from demo_portal.city_chrome import DEPT_NEWS, DIRECTORIES, DIRECTORY_NAMES, HOME, NEWS_HOME, XXGK
from demo_portal.city_departments import sub_path
from demo_portal.city_js import ORG_TREE_API
from demo_portal.city_news import CHANNELS, NEWS_DECOYS, listing_path
from demo_portal.city_units import SEED_LAYOUTS, UNITS, UNITS_BY_KEY, documents
from demo_portal.seeds import seed_cells
from extract.page import extract_page

DEPARTMENTS = [u for u in UNITS if u.directory]


@pytest.fixture(scope="module")
def city():
    with CityPortal() as portal:
        yield portal


class Page:
    def __init__(self, url: str, status: int, headers, body: bytes):
        self.url, self.status, self.headers, self.body = url, status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def sel(self) -> Selector:
        return Selector(text=self.text)

    def crumbs(self) -> str:
        return re.sub(r"\s+", "", self.sel.css(".position").xpath("string()").get() or "")


def fetch(url: str, data: bytes | None = None, headers: dict | None = None) -> Page:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return Page(r.geturl(), r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Page(url, e.code, e.headers, e.read())


def url_of(city, key) -> str:
    return city.url(*key)


def cell_set(cells) -> set:
    return {(c.table, c.row, c.col, c.value, type(c.value).__name__, c.raw) for c in cells}


# -- the site as a crawler is given it ----------------------------------------------------------
def test_sites_file_names_one_site_starting_at_the_home_page(city, tmp_path):
    (site,) = load_sites(city.write_sites_file(tmp_path / "city.toml"))
    assert (site.name, site.start_urls, site.allowed_domains) == ("清源市人民政府", (city.home_url,), ("127.0.0.1",))
    assert all(site.allows(city.url(origin, "/")) for origin in ("city", "jtj", "scj"))  # every origin is inside
    home = fetch(city.home_url)
    assert home.status == 200 and home.headers["Content-Type"] == "text/html; charset=utf-8"
    nav = [(a.xpath("string()").get(), a.attrib["href"]) for a in home.sel.css(".nav a")]
    assert nav == [("首页", "/"), ("政务公开", "/zwgk/index.html"), ("政务服务", "/zwfw/index.html"),
                   ("互动交流", "/hdjl/index.html"), ("新闻中心", NEWS_HOME), ("走进清源", "/zjqy/index.html")]
    assert {listing_path(k, 1) for k, _, _ in CHANNELS} <= set(home.sel.css(".home-news a::attr(href)").getall())


def test_robots_txt_allows_every_page_of_the_truth(city):
    keys = set(T.HUBS) | set(T.COLUMNS) | set(T.REPORTS) | set(T.DECOYS) | T.NEWS_FIRST_PAGES
    for origin in ("city", "jtj", "scj"):
        robots = fetch(city.url(origin, "/robots.txt"))
        assert robots.status == 200 and robots.text.startswith("User-agent: *\nDisallow: ")
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(robots.text.splitlines())
        assert all(parser.can_fetch("govarchive", city.url(o, p)) for o, p in keys if o == origin)
        assert not parser.can_fetch("govarchive", city.url(origin, "/search/index.html" if origin == "city" else "/module/jslib/x.js"))


# -- hubs --------------------------------------------------------------------------------------
def test_every_hub_answers_with_the_portal_chrome_in_both_forms(city):
    assert len(T.HUBS) == 3 + 3 + len(DEPARTMENTS) + sum(u.under_section for u in UNITS)
    for key, kind in T.HUBS.items():
        bodies = set()
        for path in T.same_page(key[1]):
            page = fetch(city.url(key[0], path))
            assert page.status == 200 and page.headers["ETag"] and page.headers["Last-Modified"], (key, path)
            bodies.add(page.body)
        assert len(bodies) == 1, key  # a directory and its index.html are one page
        assert 'class="logo"><a href="' in page.text and "网站标识码：3399000001" in page.text, key
        again = fetch(city.url(*key), headers={"If-None-Match": page.headers["ETag"]})
        assert again.status == 304


def test_department_homes_carry_the_breadcrumb_and_their_column_navigation(city):
    for u in DEPARTMENTS:
        page = fetch(city.url(u.origin, u.home_path))
        assert page.crumbs() == f"当前位置：首页>政府信息公开>{DIRECTORY_NAMES[u.directory]}>{u.name}", u.key
        side = page.sel.css(".xxgk-side")
        assert side.css(".side-title::text").get() == u.name
        texts = side.css("a").xpath("string()").getall()
        assert (u.column_text in texts) != u.under_section, u.key  # under 法定主动公开内容: not in the nav
        assert side.css(f'a[href="{city.url("city", DEPT_NEWS) if u.origin != "city" else DEPT_NEWS}"]::text').get() == "工作动态"
        target = u.column if not u.under_section else sub_path(u, "fdzdgknr")
        text = u.column_text if not u.under_section else "法定主动公开内容"
        if u.nav == "avalon":  # the template, filled from the page's own URL
            (a,) = side.xpath(f'.//a[string()="{text}"]')
            assert "href" not in a.attrib and "avalon.define({$id: \"xxgknav\", paths: window.location.pathname.split(\"/\")})" in page.text
            paths = urlsplit(page.url).path.split("/")
            assert re.sub(r"\{\{paths\[(\d+)\]\}\}", lambda m: paths[int(m[1])], a.attrib["ms-attr-href"]) == target
        else:
            assert side.xpath(f'.//a[string()="{text}"]/@href').get() == target, u.key
        if u.under_section:
            section = fetch(city.url(u.origin, target))
            assert section.sel.xpath(f'//ul[@class="gkml"]//a[string()="{u.column_text}"]/@href').get() == u.column


def _hrefs(text: str) -> set[str]:
    """The values of plain href attributes (not ms-attr-href, :href, nor location.href= in scripts)."""
    return {unescape(h) for h in re.findall(r"""(?<=\s)href\s*=\s*["']([^"']*)["']""", text)}


def test_directories_draw_each_link_in_its_stated_shape(city):
    got = {}
    d1 = fetch(city.url("city", DIRECTORIES["bmxxgk"])).text
    paths = json.loads(re.search(r"var paths = (\[[^\]]*\]);", d1)[1])
    vue = json.loads(re.search(r"data: \{links: (\{[^}]*\})\}", d1)[1])
    site = re.search(r'\$scope\.site = "([^"]*)"', d1)[1]
    for u in (u for u in DEPARTMENTS if u.directory == "bmxxgk"):
        url = city.url(u.origin, u.home_path) if u.origin != "city" else u.home_path
        name = re.escape(u.name)
        if u.link == "plain":
            got[u.name] = re.search(rf'<a href="([^"]+)" target="_blank">{name}</a>', d1)[1]
        elif u.link in ("window.open", "location.href"):
            onclick = re.search(rf'onclick="([^"]*)"[^>]*>(?:<span>)?{name}<', d1)[1]
            assert (u.link + ("(" if u.link == "window.open" else "=")) in onclick, u.key
            got[u.name] = re.search(r"'([^']+)'", onclick)[1]
        elif u.link == "avalon":
            template = re.search(rf'<a ms-attr-href="([^"]+)" target="_blank">{name}</a>', d1)[1]
            got[u.name] = re.sub(r"\{\{paths\[(\d+)\]\}\}", lambda m: paths[int(m[1])], template)
        elif u.link == "vue":
            attr, expr = re.search(rf'<a (:href|v-bind:href)="links\.(\w+)" target="_blank">{name}</a>', d1).groups()
            got[u.name] = vue[expr]
        elif u.link == "angular":
            got[u.name] = re.search(rf'<a ng-href="\{{\{{site\}}\}}([^"]+)" target="_blank">{name}</a>', d1)[1]
            got[u.name] = site + got[u.name]
        assert got[u.name] == url, u.key
    assert {a for a in ('ms-attr-href=', ' :href=', 'v-bind:href=', 'ng-href=') if a in d1} == {
        'ms-attr-href=', ' :href=', 'v-bind:href=', 'ng-href='}
    # 部门平台: the gklist object is the whole directory; the HTML list is empty.
    d2 = fetch(city.url("city", DIRECTORIES["bmpt"])).text
    gklist = json.loads(re.search(r"var gklist = (\{.*\});\n", d2)[1])
    assert {k: v["orgname"] for k, v in gklist.items()} == {u.home_path: u.name for u in DEPARTMENTS if u.link == "gklist"}
    assert all(k.startswith("/zwgk/zfxxgk/bmpt/") and k.endswith("/") for k in gklist)
    assert '<ul id="gklist" class="bm-list"></ul>' in d2
    assert {u: s for u, s in T.LINK_SHAPES.items()} == {u.name: u.link for u in DEPARTMENTS}
    for shape in ("plain", "window.open", "location.href", "gklist", "render"):
        assert sum(1 for s in T.LINK_SHAPES.values() if s == shape) >= 2, shape
    assert sum(1 for s in T.LINK_SHAPES.values() if s in ("avalon", "vue", "angular")) >= 2
    assert len([u for u in DEPARTMENTS if u.directory != "xzjd"]) >= 12 and len([u for u in DEPARTMENTS if u.directory == "xzjd"]) >= 2


def test_render_only_hub_has_nothing_readable_without_a_browser(city):
    hub = fetch(city.url("city", DIRECTORIES["xzjd"])).text
    api = fetch(city.url("city", ORG_TREE_API + "?pid=21"))
    assert api.status == 200 and api.headers["Content-Type"].startswith("application/json")
    towns = [u for u in DEPARTMENTS if u.link == "render"]
    for text in (hub, api.text):
        for u in towns:
            assert u.name not in text and u.name.removeprefix("清源市") not in text and f"/{u.key}/" not in text
        assert "xzjd/" not in text.replace('href="/zwgk/zfxxgk/xzjd/index.html"', "")
    assert ORG_TREE_API not in hub and "orgtree" not in hub  # the endpoint too is only assembled at run time
    assert '<ul id="xzjd-list" class="bm-list"></ul>' in hub and "XMLHttpRequest" in hub


def test_units_linked_by_scripts_have_no_plain_link_anywhere_else(city):
    """A unit whose directory link is script-made is reached only that way: no page outside the
    unit's own links its home (either form, relative or absolute); nor any page its column."""
    pages = {(origin, path): body.decode("utf-8") for origin, server in city.servers.items()
             for path, (body, ctype) in server.pages.items() if ctype.startswith("text/html")}
    hrefs = {key: _hrefs(text) for key, text in pages.items()}
    for u in DEPARTMENTS:
        forms = {f for p in (u.home_path, u.column) for f in T.same_page(p)}
        absolute = {city.url(u.origin, f) for f in forms}
        for (origin, path), found in hrefs.items():
            if origin == u.origin and (origin != "city" or path.startswith(u.home_dir)):
                continue  # the unit's own pages (a department's own site is all its own)
            linked = (found & absolute) | (found & forms if origin == u.origin else set())
            if u.link == "plain" and origin == "city" and path in T.same_page(DIRECTORIES["bmxxgk"]):
                assert linked == {city.url(u.origin, u.home_path) if u.origin != "city" else u.home_path}
            else:
                assert not linked, (u.key, origin, path, linked)


# -- columns -----------------------------------------------------------------------------------
def _listed(page: Page) -> set[str]:
    return {urlsplit(urljoin(page.url, h)).path for h in page.sel.css(".main-right a[title]::attr(href)").getall()}


def column_documents(city, u) -> tuple[set[str], int]:
    """Every document a unit's column lists, paged as its CMS pages it; and how many listing pages."""
    start = city.url(u.origin, u.column)
    first = fetch(start)
    assert first.status == 200, start
    if u.cms.startswith("hanweb"):
        records = hanweb.records(first.text)
        column = hanweb.parse_column(first.text, start)
        calls = hanweb.proxy_calls(column, column.proxy_url)
        for url, body in calls:
            answer = fetch(url, body.encode(), {**hanweb.HEADERS, "Referer": start})
            assert answer.status == 200 and answer.headers["Content-Type"] == "text/xml; charset=utf-8"
            records += hanweb.records(answer.text)
        return {urlsplit(h).path for r in records for h in Selector(text=r).css("a::attr(href)").getall()}, 1 + len(calls)
    if u.cms == "js":
        assert not _listed(first) and 'fetch("/api/doc/list?column=' in first.text
        data = json.loads(fetch(city.url(u.origin, f"/api/doc/list?column={u.key}&page=1&size={u.per_page}")).text)
        assert data["pages"] == 1
        return {row["link"] for row in data["rows"]}, 1
    seen, found, queue = set(), set(), [first]
    while queue:
        page = queue.pop()
        seen.add(page.url)
        found |= _listed(page)
        if u.cms == "trs":
            nxt = trs.next_page(page.text, page.url)
            following = [nxt] if nxt else []
        else:
            following = [urljoin(page.url, h) for h in page.sel.xpath('//div[@class="pagination"]/a/@href').getall()]
        for url in following:
            if url not in seen and all(q.url != url for q in queue):
                queue.append(fetch(url))
    return found, len(seen)


@pytest.mark.parametrize("unit", [u.key for u in UNITS])
def test_column_lists_exactly_its_documents(city, unit):
    u = UNITS_BY_KEY[unit]
    found, listing_pages = column_documents(city, u)
    assert found == {d.path for d in documents(u)}
    assert {k for k in T.REPORTS if T.REPORT_DOCS[k].unit == unit} <= {(u.origin, p) for p in found}
    assert any(k in T.DECOYS for k in ((u.origin, p) for p in found))
    assert listing_pages >= (1 if u.cms in ("js",) else 2), unit  # every paged column has more than one page
    page = fetch(city.url(u.origin, u.column))
    if u.directory:
        crumbs = f"当前位置：首页>政府信息公开>{DIRECTORY_NAMES[u.directory]}>{u.name}>"
        assert page.crumbs() == crumbs + ("法定主动公开内容>" if u.under_section else "") + u.column_text


def test_columns_sit_at_conventional_paths_mostly_but_not_all(city):
    conventional = re.compile(r"/(zfxxgknb|xxgknb|ndbg|gknb)/|/col/col\d+/")
    odd = [u.key for u in UNITS if not conventional.search(u.column)]
    assert len(odd) >= 2 and len(odd) < len(UNITS) / 2
    assert {u.cms.split(":")[0] for u in UNITS} == {"generic", "trs", "hanweb", "js"}
    assert T.RENDERED_COLUMNS == {(u.origin, u.column) for u in UNITS if u.cms == "js"}
    assert {k[0] for k in T.COLUMNS} == {"city", "jtj", "scj"}  # two departments on origins of their own


# -- report pages ------------------------------------------------------------------------------
@pytest.mark.parametrize("key", sorted(T.REPORTS), ids=lambda k: f"{k[0]}{k[1]}")
def test_report_page_renders_its_tables_and_gives_the_seed_cells(city, key):
    doc = T.REPORT_DOCS[key]
    agency, year = T.REPORTS[key]
    u = UNITS_BY_KEY[doc.unit]
    page = fetch(url_of(city, key))
    assert page.status == 200
    e = extract_page(page.body, page.headers["Content-Type"])
    assert e.is_report and (e.title, e.year, e.layout) == (doc.title, year, SEED_LAYOUTS[doc.seed])
    assert e.layout == ("2019" if year <= 2020 else "2021")
    assert cell_set(e.cells) == cell_set(seed_cells(doc.seed)) and len(e.cells) == len(seed_cells(doc.seed))
    assert e.warnings == []
    assert page.text.count("<table") == 3 + ("xxgk_table" in page.text)
    assert f"demo data: synthetic report of the demo city portal, tables from seed {doc.seed}" in page.text
    assert "演示数据：本页是演示门户合成的报告" in page.text
    if doc.named:
        assert e.agency == agency
    else:  # the title and the body leave the agency to the directory link and the breadcrumb
        assert e.agency is None and key in T.UNNAMED_REPORTS
        assert u.name not in e.title + e.text and u.short not in e.text and "ContentSource" not in page.text
        assert page.crumbs().endswith(f">{u.name}>{u.column_text}>正文")


def test_report_titles_vary_and_some_lack_the_agency():
    docs = list(T.REPORT_DOCS.values())
    assert 30 <= sum(d.unit != "gov" for d in docs) <= 40 and any(d.unit == "gov" for d in docs)
    assert {d.year for d in docs} == {2019, 2020, 2021, 2022, 2023}
    assert len(T.UNNAMED_REPORTS) >= 3 and all(T.REPORT_DOCS[k].title[:4].isdigit() for k in T.UNNAMED_REPORTS)
    assert any(d.title.startswith("市") for d in docs)  # abbreviated: completed from the body
    per_unit = {}
    for d in docs:
        per_unit.setdefault(d.unit, set()).add(d.year)
    assert all(1 <= len(years) <= 4 for years in per_unit.values()) and set(per_unit) == {u.key for u in UNITS}


def test_decoys_are_pages_that_are_not_reports(city):
    kinds = {"工作要点": 0, "自查报告": 0, "的函": 0, "的解读": 0, "统计报表": 0, "的通知": 0}
    for key, title in {**T.DECOYS, **T.NEWS_DECOY_PAGES}.items():
        page = fetch(url_of(city, key))
        e = extract_page(page.body, page.headers["Content-Type"])
        assert page.status == 200 and e.title == title and not e.is_report, key
        for k in kinds:
            kinds[k] += k in title
    assert all(n >= 2 for n in kinds.values()), kinds
    assert len(T.NEWS_DECOY_PAGES) == sum(map(len, NEWS_DECOYS.values()))
    assert all(re.search("年度报告", t) for t in T.NEWS_DECOY_PAGES.values())


def test_exactly_the_stated_pages_are_reports(city):
    found = set()
    for origin, server in city.servers.items():
        for path, (body, ctype) in server.pages.items():
            if ctype.startswith("text/html") and extract_page(body, ctype).is_report:
                found.add((origin, path))
    assert found == set(T.REPORTS)


# -- the news section --------------------------------------------------------------------------
def test_news_section_is_as_deep_as_stated(city):
    assert T.NEWS_LISTING_PAGES["qyyw"] >= 50
    reportish = re.compile(r"年度报告|年报")
    articles = set()
    for key, name, _ in CHANNELS:
        url, pages = city.url("city", listing_path(key, 1)), 0
        while url:
            page = fetch(url)
            assert page.status == 200 and page.crumbs() == f"当前位置：首页>新闻中心>{name}"
            pages += 1
            for a in page.sel.css(".main-right a[title]"):
                articles.add(("city", urlsplit(urljoin(url, a.attrib["href"])).path))
                title = a.attrib["title"]
                assert not reportish.search(title) or ("city", urlsplit(a.attrib["href"]).path) in T.NEWS_DECOY_PAGES
            nxt = page.sel.xpath('//div[@class="pagination"]/a[string()="下一页"]/@href').get()
            url = urljoin(url, nxt) if nxt else None
        assert pages == T.NEWS_LISTING_PAGES[key], key
        assert len(page.sel.xpath('//div[@class="pagination"]/a[re:test(string(), "^[0-9]+$")]')) <= 4  # a window, not 50 numbers
    news = {k for k in T.NEWS_PAGES if not re.search(r"/index(_\d+)?\.html$", k[1])}
    assert articles == news and len(news) >= 1000 and len(T.NEWS_PAGES) >= 1000
    assert T.NEWS_FIRST_PAGES == {("city", NEWS_HOME)} | {("city", listing_path(k, 1)) for k, _, _ in CHANNELS}
    hub = fetch(city.url("city", NEWS_HOME))
    assert {listing_path(k, 1) for k, _, _ in CHANNELS} <= set(hub.sel.css("a::attr(href)").getall())
    # linked from the home page and from every department's navigation
    assert NEWS_HOME in fetch(city.home_url).sel.css(".nav a::attr(href)").getall()
    for u in DEPARTMENTS:
        side = fetch(city.url(u.origin, u.home_path)).sel.css(".xxgk-side a::attr(href)").getall()
        assert (DEPT_NEWS if u.origin == "city" else city.url("city", DEPT_NEWS)) in side


def test_portal_builds_all_its_pages(city):
    """The whole portal is built in memory when the servers start (measured: 0.26 s for 2,156 pages, 8.6 MB)."""
    pages = sum(len(s.pages) for s in city.servers.values())
    assert pages > 2000 and {k: len(s.pages) > 30 for k, s in city.servers.items()} == {"city": True, "jtj": True, "scj": True}
    assert city.expected_report_urls() == {url_of(city, k) for k in T.REPORTS}


# -- in a browser ------------------------------------------------------------------------------
def test_scripts_draw_exactly_the_stated_links_in_chromium(city):
    """The templates, the gklist object and the render-only hub, run in Debian's Chromium: each
    directory shows every unit it lists, by name, linking its platform home; avalon navigations
    link the unit's column; the JS-only columns list their documents."""
    from playwright.sync_api import sync_playwright

    launch = {"executable_path": "/usr/bin/chromium", "headless": True, "args": ["--no-sandbox", "--disable-gpu"]}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch)
        page = browser.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        for directory, path in DIRECTORIES.items():
            page.goto(city.url("city", path), wait_until="networkidle")
            drawn = page.eval_on_selector_all(".main-right a[href]", "els => els.filter(e => e.href.startsWith('http'))"
                                              ".map(e => [e.textContent.trim(), e.href])")
            want = [[u.name, city.url(u.origin, u.home_path)] for u in DEPARTMENTS
                    if u.directory == directory and u.link not in ("window.open", "location.href")]
            assert sorted(drawn) == sorted(want), directory
        for u in (u for u in DEPARTMENTS if u.nav == "avalon"):
            page.goto(city.url(u.origin, u.home_path), wait_until="networkidle")
            href = page.eval_on_selector(f'.xxgk-side a:text-is("{u.column_text}")', "e => e.href")
            assert href == city.url(u.origin, u.column)
        for key in sorted(T.RENDERED_COLUMNS):
            u = next(u for u in UNITS if (u.origin, u.column) == key)
            page.goto(url_of(city, key), wait_until="networkidle")
            listed = page.eval_on_selector_all("#doc-list a", "els => els.map(e => e.href)")
            assert sorted(listed) == sorted(city.url(u.origin, d.path) for d in documents(u))
        browser.close()
    assert errors == []

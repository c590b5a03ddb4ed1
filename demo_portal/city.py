"""The demo city portal (清源市人民政府, fictional): one portal whose departments' annual reports are
reached only through hubs — home → 政府信息公开 → a directory of departments and towns → a
department's platform home → its 年报 column (reference/portals.md, "Departments, directories and
links drawn by scripts"). Not in `all_sites()`: the five-site demo does not change.

`with CityPortal() as portal: portal.write_sites_file(path)` serves it and writes a sites file of
ONE site: the portal's home page as the only start URL, allowed domain 127.0.0.1. Three origins on
127.0.0.1: the portal ("city") and two departments' own 大汉 sites ("jtj", "scj"), as a department's
subdomain would be. Ground truth: demo_portal.city_truth. Pages: city_hubs (the portal's hubs),
city_departments (a unit's platform and column), city_news (新闻中心), city_js (scripts).
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from demo_portal import city_truth
from demo_portal.city_chrome import DEPT_NEWS, HOME, Frame, Links, items_list, text_page
from demo_portal.city_departments import UnitPages
from demo_portal.city_hubs import portal_pages, town_tree
from demo_portal.city_js import LIBRARIES, ORG_TREE_API, org_tree_answer
from demo_portal.city_news import all_items, news_pages
from demo_portal.city_units import GOVERNMENT, UNITS
from demo_portal.cms import Hanweb, JsList
from demo_portal.server import DemoPortal

ORIGINS = {"city": GOVERNMENT, "jtj": "清源市交通运输局", "scj": "清源市市场监督管理局"}
HTML = "text/html; charset=utf-8"
_ROBOTS = {"city": "User-agent: *\nDisallow: /search/\nDisallow: /admin/\n", "jtj": "User-agent: *\nDisallow: /module/jslib/\n",
           "scj": "User-agent: *\nDisallow: /module/jslib/\nDisallow: /private/\n"}


class CityOrigin:
    """One origin of the city portal, as a SiteServer serves it (a DemoSite's build/handle interface)."""

    guard = None
    render = False
    content_type = HTML

    def __init__(self, key: str, links: Links):
        self.key = key
        self.name = ORIGINS[key]
        self.links = links
        self.units = [u for u in UNITS if u.origin == key and u.directory is not None]
        self.columns: dict[str, object] = {}  # unit key → its CityColumn: what the dynamic answers list

    def build(self) -> dict[str, tuple[bytes, str]]:
        """Every page of this origin. Links cross origins, so pages exist only once every server
        has its port (CityPortal builds again then); before, there is nothing to serve."""
        if set(ORIGINS) - set(self.links.bases):
            return {}
        frame = Frame(self.links, self.key)
        html: dict[str, str] = {}

        def add(new: dict[str, str]) -> None:
            clash = set(new) & set(html)
            assert not clash, f"{self.key}: two pages at {sorted(clash)[:3]}"
            html.update(new)

        if self.key == "city":
            news = all_items()
            add(portal_pages(frame, news))
            add(news_pages(frame, news))
        else:
            add({HOME: self._site_home(frame)})
        for unit in self.units:
            pages = UnitPages(unit, frame)
            self.columns[unit.key] = pages.column()
            add(pages.build())
        for path in list(html):  # a directory and its index.html are one page, whichever is linked
            if path.endswith("/index.html"):
                html.setdefault(path[:-len("index.html")], html[path])
            elif path.endswith("/"):
                html.setdefault(path + "index.html", html[path])
        out = {path: (page.encode("utf-8"), HTML) for path, page in html.items()}
        out["/robots.txt"] = (_ROBOTS[self.key].encode(), "text/plain")
        for path, script in LIBRARIES.items():
            out[path] = (script.encode("utf-8"), "application/javascript; charset=utf-8")
        return out

    def _site_home(self, frame: Frame) -> str:
        """A department's own site home (its subdomain's /): links its 信息公开 platform."""
        unit = self.units[0]
        body = (f'<div class="dept-home"><h2>{self.name}</h2>'
                + text_page([f"欢迎访问{self.name}网站。"])
                + items_list([(unit.home_path, "政府信息公开", ""), (frame.portal(DEPT_NEWS), "工作动态", "")]) + "</div>")
        return frame.page(self.name, [(self.name, None)], body, header=self.name)

    def handle(self, method: str, path: str, headers, body: bytes):
        """The dynamic answers: the towns' org tree, the JS-only columns' JSON API, 大汉 data proxies."""
        parts = urlsplit(path)
        if self.key == "city" and parts.path == ORG_TREE_API:
            root, towns = town_tree()
            return 200, "application/json; charset=utf-8", org_tree_answer(root, towns)
        for column in self.columns.values():
            if isinstance(column.cms, JsList):
                if parts.path == column.cms.api and parse_qs(parts.query).get("column") == [column.key]:
                    return column.cms.handle(column, method, path, headers, body)
            elif isinstance(column.cms, Hanweb):  # one 大汉 column per department site
                answer = column.cms.handle(column, method, path, headers, body)
                if answer is not None:
                    return answer
        return None


class CityPortal(DemoPortal):
    """The city portal's three origins, started together."""

    def __init__(self, base_port: int = 0):
        self.links = Links()
        super().__init__(sites=tuple(CityOrigin(key, self.links) for key in ORIGINS), base_port=base_port)
        for key, server in self.servers.items():
            self.links.bases[key] = server.origin
        for server in self.servers.values():
            server.pages = server.site.build()

    @property
    def home_url(self) -> str:
        return self.url("city", HOME)

    def sites_toml(self, keys: tuple[str, ...] | None = None) -> str:
        return "\n".join(["# Demo city portal (generated: ports change every run)", "", "[[site]]",
                          f'name = "{GOVERNMENT}"', f'start_urls = ["{self.home_url}"]', 'allowed_domains = ["127.0.0.1"]',
                          "explore = true  # from the home page through 信息公开 hubs and directories to every 年报 column",
                          ""])

    def expected_report_urls(self) -> set[str]:
        return {self.url(origin, path) for origin, path in city_truth.REPORTS}

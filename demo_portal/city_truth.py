"""Ground truth of the demo city portal (demo_portal.city), for its tests and the crawler's.

Every page is named by (origin, path): origin "city" (the portal), "jtj" or "scj" (two departments'
own sites); `CityPortal.url(origin, path)` makes it a URL. Paths are the form the portal links;
a directory and its index.html are the same page and both are served (e.g. "/zwgk/zfxxgk/bmpt/czj/"
and "/zwgk/zfxxgk/bmpt/czj/index.html"): `same_page` gives both.
"""
from __future__ import annotations

from demo_portal.city_chrome import DIRECTORIES, HOME, NEWS_HOME, XXGK, ZWGK
from demo_portal.city_departments import sub_path
from demo_portal.city_news import CHANNELS, NEWS_DECOYS, PER_PAGE, all_items, listing_path
from demo_portal.city_units import UNITS, CityDoc, documents

Key = tuple[str, str]  # (origin, path)

_DOCS: dict[Key, CityDoc] = {(d.origin, d.path): d for u in UNITS for d in documents(u)}
_AGENCY = {u.key: u.name for u in UNITS}

# Every report: (origin, path) → (agency full name, year reported on).
REPORTS: dict[Key, tuple[str, int]] = {k: (_AGENCY[d.unit], d.year) for k, d in _DOCS.items() if d.kind == "report"}
REPORT_DOCS: dict[Key, CityDoc] = {k: d for k, d in _DOCS.items() if d.kind == "report"}  # seed, layout, title …
# Reports whose title and body do not name the agency: it comes from the directory link / breadcrumb.
UNNAMED_REPORTS: frozenset[Key] = frozenset(k for k, d in REPORT_DOCS.items() if not d.named)
# Pages in report columns that are not reports (…工作要点, 自查报告, …的函, …的解读, 统计报表, …的通知): key → title.
DECOYS: dict[Key, str] = {k: d.title for k, d in _DOCS.items() if d.kind == "decoy"}
# The other pages of report columns (budgets, work plans): listed, naming no report.
OTHER_DOCS: dict[Key, str] = {k: d.title for k, d in _DOCS.items() if d.kind == "other"}

# Every 年报 column's first page, as its unit links it: → (agency, CMS of the column).
COLUMNS: dict[Key, tuple[str, str]] = {(u.origin, u.column): (u.name, u.cms) for u in UNITS}
# Listings that only a browser fills (a JSON API no adapter knows).
RENDERED_COLUMNS: frozenset[Key] = frozenset((u.origin, u.column) for u in UNITS if u.cms == "js")

# Hub pages: → kind. portal (the home page), zwgk (政务公开), xxgk (政府信息公开 home), directory,
# department (a unit's platform home), section (法定主动公开内容 of a unit whose column is linked from there only).
HUBS: dict[Key, str] = {("city", HOME): "portal", ("city", ZWGK): "zwgk", ("city", XXGK): "xxgk",
                        **{("city", path): "directory" for path in DIRECTORIES.values()},
                        **{(u.origin, u.home_path): "department" for u in UNITS if u.directory},
                        **{(u.origin, sub_path(u, "fdzdgknr")): "section" for u in UNITS if u.under_section}}
# Hubs whose links exist only after a browser ran the page's scripts.
RENDER_HUBS: frozenset[Key] = frozenset({("city", DIRECTORIES["xzjd"])})
# Each unit: how the directory draws its link (city_units.LINK_SHAPES), and which directory.
LINK_SHAPES: dict[str, str] = {u.name: u.link for u in UNITS if u.link}
DIRECTORY_OF: dict[str, Key] = {u.name: ("city", DIRECTORIES[u.directory]) for u in UNITS if u.directory}

_NEWS = all_items()
# The news section: its hub and each channel's first listing page; then everything deeper.
NEWS_FIRST_PAGES: frozenset[Key] = frozenset({("city", NEWS_HOME)} | {("city", listing_path(k, 1)) for k, _, _ in CHANNELS})
NEWS_LISTING_PAGES: dict[str, int] = {k: -(-len(_NEWS[k]) // PER_PAGE) for k, _, _ in CHANNELS}  # channel → pages
NEWS_PAGES: frozenset[Key] = frozenset(
    {("city", listing_path(k, n)) for k, pages in NEWS_LISTING_PAGES.items() for n in range(2, pages + 1)}
    | {("city", it.path) for items in _NEWS.values() for it in items})
# News items that mention 年度报告 but are news, not reports: key → title.
NEWS_DECOY_PAGES: dict[Key, str] = {("city", it.path): it.title for items in _NEWS.values() for it in items
                                    if any(it.title == t for decoys in NEWS_DECOYS.values() for t, _ in decoys)}


def same_page(path: str) -> set[str]:
    """Both served forms of a page: the directory and its index.html."""
    if path.endswith("/"):
        return {path, path + "index.html"}
    if path.endswith("/index.html"):
        return {path, path[:-len("index.html")]}
    return {path}

"""The units of the demo city portal (清源市, fictional): the city government, its departments and
towns, how the portal's directories link each one, where its annual-report column is and which CMS
lists it, and the documents in that column. Hand-written data; the documents' paths, titles and
dates follow from it by fixed rules (`documents`), and so does the ground truth (demo_portal.city_truth).

Origins: "city" is the portal (http://127.0.0.1:PORT/); "jtj" and "scj" are two departments' own
大汉 sites on other ports of 127.0.0.1 (as jtj.…gov.cn, scj.…gov.cn would be).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

CITY = "清源市"
GOVERNMENT = "清源市人民政府"

# Which table layout each seed's cells are written for: 2019 for report years 2019–2020, 2021 after.
SEED_LAYOUTS = {"000": "2019", "001": "2019", "002": "2019", "004": "2019", "003": "2021", "demo-qz-2022": "2021"}

# How a directory draws a unit's link (reference/portals.md, "Departments, directories and links drawn by scripts"):
LINK_SHAPES = (
    "plain",            # <a href="…">name</a>
    "window.open",      # <a href="javascript:void(0)" onclick="window.open('…')">name</a>
    "location.href",    # onclick="location.href='…'" (on an <a> or an <li>)
    "avalon",           # <a ms-attr-href="/{{paths[0]}}/…">name</a>, paths from `var paths = [...]`
    "vue",              # <a :href="links.key"> / <a v-bind:href="links.key">, data in new Vue({data: …})
    "angular",          # <a ng-href="{{site}}/col/…">, $scope.site set in the controller
    "gklist",           # only in `var gklist = {"/…/": {"orgname": name, "chnllist": […]}}`, drawn by JS
    "render",           # built at run time from obfuscated parts fetched by XHR: needs a browser
)


@dataclass(frozen=True)
class Report:
    year: int
    seed: str
    style: str = "plain"  # plain | word: how its tables are marked up
    title: str = "full"  # a key of TITLE_FORMS; "bare…" forms name the agency neither in the title nor in the body


@dataclass(frozen=True)
class Unit:
    key: str
    name: str  # full name, as the directory link shows it: the agency of the unit's reports
    directory: str | None  # bmxxgk | bmpt | xzjd: the directory page that lists it (None: the government)
    link: str | None  # one of LINK_SHAPES (None: the government, linked from the 信息公开 home)
    column: str  # the 年报 column's first page, as the unit's own navigation links it
    column_text: str  # that link's text
    cms: str  # generic:index_n | generic:query | generic:list_n | trs | hanweb | hanweb:old | js
    reports: tuple[Report, ...]
    decoys: tuple[tuple[str, int], ...]  # (a key of DECOY_FORMS, the year it is about)
    fillers: int = 3  # ordinary column traffic (budgets, plans): listed, not about reports
    origin: str = "city"
    nav: str = "plain"  # plain | avalon: the unit's column navigation drawn from the page URL by a template
    under_section: bool = False  # the column is linked from 法定主动公开内容, not from the navigation
    per_page: int = 5
    home: str = ""  # its 信息公开 platform home, when not /zwgk/zfxxgk/{bmpt|xzjd}/{key}/

    @property
    def column_dir(self) -> str:
        return self.column.rsplit("/", 1)[0] + "/"

    @property
    def home_path(self) -> str:
        """As the directory links it: the directory form where a script makes the link (gklist keys,
        navigation templates), …/index.html elsewhere. Either form is served."""
        if self.home:
            return self.home
        base = f"/zwgk/zfxxgk/{'xzjd' if self.directory == 'xzjd' else 'bmpt'}/{self.key}/"
        return base if self.link == "gklist" or self.nav == "avalon" else base + "index.html"

    @property
    def home_dir(self) -> str:
        return self.home_path.rsplit("/", 1)[0] + "/"

    @property
    def short(self) -> str:
        """How the unit names itself in running text: 市财政局, 白沙镇."""
        name = self.name.removeprefix(CITY)
        return name if name.endswith(("镇人民政府", "街道办事处")) else "市" + name


# Departments (…局, …委员会, …办公室) and towns; directory `bmxxgk` is 部门信息公开, `bmpt` the
# 部门平台 list that exists only as the gklist object, `xzjd` 乡镇（街道）信息公开 (render-only).
UNITS: tuple[Unit, ...] = (
    Unit("gov", GOVERNMENT, None, None, "/zwgk/zfxxgk/zfxxgknb/index.html", "政府信息公开年报", "generic:index_n",
         (Report(2020, "000", "word"), Report(2021, "003"), Report(2022, "demo-qz-2022", "word"), Report(2023, "003")),
         (("notice", 2023), ("letter", 2022), ("plan", 2023)), fillers=2, per_page=6,
         home="/zwgk/zfxxgk/index.html"),
    Unit("bgs", "清源市人民政府办公室", "bmxxgk", "plain", "/zwgk/zfxxgk/bmpt/bgs/zfxxgknb/index.html", "政府信息公开年报",
         "generic:index_n", (Report(2020, "001", "word"), Report(2021, "demo-qz-2022"), Report(2022, "003", "word"),
                            Report(2023, "demo-qz-2022")),
         (("plan", 2023), ("selfcheck", 2022))),
    Unit("fgw", "清源市发展和改革委员会", "bmxxgk", "avalon", "/zwgk/zfxxgk/bmpt/fgw/xxgknb/", "信息公开年报", "trs",
         (Report(2022, "003", title="bare"), Report(2023, "demo-qz-2022", "word")),
         (("interpret", 2022), ("forms", 2023)), nav="avalon", per_page=4),
    Unit("jyj", "清源市教育局", "bmxxgk", "plain", "/zwgk/zfxxgk/bmpt/jyj/ndbg/index.html", "年度报告", "generic:query",
         (Report(2020, "001"), Report(2022, "003", title="annual")), (("letter", 2022), ("plan", 2022))),
    Unit("gaj", "清源市公安局", "bmxxgk", "window.open", "/zwgk/zfxxgk/bmpt/gaj/gknb/index.html", "政府信息公开年报",
         "generic:list_n", (Report(2022, "demo-qz-2022"), Report(2023, "003", "word")),
         (("forms", 2022), ("interpret", 2023)), per_page=4),
    Unit("mzj", "清源市民政局", "bmxxgk", "location.href", "/zwgk/zfxxgk/bmpt/mzj/zfxxgknb/index.html", "政府信息公开年报",
         "js", (Report(2021, "003"), Report(2022, "demo-qz-2022", title="short")),
         (("selfcheck", 2021), ("notice", 2022)), per_page=10),
    Unit("sfj", "清源市司法局", "bmxxgk", "avalon", "/zwgk/zfxxgk/bmpt/sfj/fdzdgknr/c103421/index.html",
         "政府信息公开年度报告", "generic:index_n", (Report(2020, "002", "word"), Report(2021, "003")),
         (("rule_of_law", 2021), ("letter", 2021)), under_section=True, per_page=4),
    Unit("czj", "清源市财政局", "bmpt", "gklist", "/zwgk/zfxxgk/bmpt/czj/zfxxgknb/", "政府信息公开年报", "trs",
         (Report(2019, "004"), Report(2021, "demo-qz-2022", title="bare_annual"), Report(2022, "003", "word")),
         (("plan", 2022), ("interpret", 2021), ("forms", 2019)), nav="avalon", per_page=4),
    Unit("rsj", "清源市人力资源和社会保障局", "bmxxgk", "location.href", "/zwgk/zfxxgk/bmpt/rsj/gzbg/index.html", "信息公开年报",
         "generic:index_n", (Report(2022, "003"), Report(2023, "demo-qz-2022", title="trailing")),
         (("notice", 2023), ("selfcheck", 2022))),
    Unit("zrzyj", "清源市自然资源和规划局", "bmxxgk", "window.open", "/zwgk/zfxxgk/bmpt/zrzyj/zfxxgknb/index.html",
         "政府信息公开年报", "generic:query", (Report(2021, "demo-qz-2022", "word"), Report(2023, "003")),
         (("plan", 2023), ("letter", 2021)), under_section=True, per_page=4),
    Unit("sthjj", "清源市生态环境局", "bmxxgk", "vue", "/zwgk/zfxxgk/bmpt/sthjj/ndbg/", "年度报告", "trs",
         (Report(2020, "004", "word", title="bare"), Report(2022, "demo-qz-2022")),
         (("forms", 2022), ("interpret", 2020)), nav="avalon", per_page=4),
    Unit("zjj", "清源市住房和城乡建设局", "bmxxgk", "vue", "/zwgk/zfxxgk/bmpt/zjj/xxgknb/index.html", "信息公开年报", "js",
         (Report(2022, "003", "word"), Report(2023, "demo-qz-2022")), (("letter", 2023), ("plan", 2023)),
         per_page=10),
    Unit("jtysj", "清源市交通运输局", "bmxxgk", "plain", "/col/col1229345012/index.html", "政府信息公开年报", "hanweb",
         (Report(2020, "000"), Report(2022, "003")), (("notice", 2022), ("forms", 2020)), fillers=6,
         origin="jtj", home="/col/col1229345000/index.html"),
    Unit("wjw", "清源市卫生健康委员会", "bmxxgk", "plain", "/zwgk/zfxxgk/bmpt/wjw/zfxxgknb/index.html", "政府信息公开年报",
         "generic:query", (Report(2021, "003", title="abbrev"), Report(2023, "demo-qz-2022", "word")),
         (("selfcheck", 2023), ("interpret", 2021)), under_section=True),
    Unit("scjgj", "清源市市场监督管理局", "bmxxgk", "angular", "/col/col1229501066/index.html", "年度报告", "hanweb:old",
         (Report(2021, "demo-qz-2022"), Report(2022, "003", "word", title="bare")), (("letter", 2022), ("plan", 2021)),
         fillers=5, origin="scj", home="/col/col1229501000/index.html", per_page=4),
    Unit("yjglj", "清源市应急管理局", "bmpt", "gklist", "/zwgk/zfxxgk/bmpt/yjglj/gknb/index.html", "政府信息公开年报",
         "generic:list_n", (Report(2023, "003"),), (("forms", 2023), ("notice", 2023)), per_page=4),
    Unit("tjj", "清源市统计局", "bmpt", "gklist", "/zwgk/zfxxgk/bmpt/tjj/zfxxgknb/index.html", "政府信息公开年报",
         "generic:index_n", (Report(2019, "000", title="annual"), Report(2022, "demo-qz-2022", "word", title="short")),
         (("plan", 2022), ("interpret", 2022)), per_page=4),
    Unit("bsz", "清源市白沙镇人民政府", "xzjd", "render", "/zwgk/zfxxgk/xzjd/bsz/zfxxgknb/index.html", "政府信息公开年报",
         "generic:index_n", (Report(2022, "003"), Report(2023, "demo-qz-2022", title="bare")),
         (("plan", 2023), ("letter", 2023)), per_page=4),
    Unit("qsz", "清源市青山镇人民政府", "xzjd", "render", "/zwgk/zfxxgk/xzjd/qsz/ndbg/index.html", "年度报告", "trs",
         (Report(2021, "demo-qz-2022", "word"),), (("selfcheck", 2021), ("forms", 2021)), per_page=3),
    Unit("cdjd", "清源市城东街道办事处", "xzjd", "render", "/zwgk/zfxxgk/xzjd/cdjd/gzbg/index.html", "信息公开年报",
         "generic:query", (Report(2022, "003", "word"),), (("notice", 2022), ("interpret", 2022)), per_page=3),
)
UNITS_BY_KEY = {u.key: u for u in UNITS}

TITLE_FORMS = {
    "full": "{agency}{y}年政府信息公开工作年度报告",
    "annual": "{agency}{y}年度政府信息公开工作年度报告",
    "short": "{agency}{y}年政府信息公开年度报告",
    "trailing": "{agency}政府信息公开工作{y}年度报告",
    "abbrev": "{short}{y}年政府信息公开工作年度报告",  # 市卫生健康委员会…: the body completes the name
    "bare": "{y}年政府信息公开工作年度报告",
    "bare_annual": "{y}年度政府信息公开工作年度报告",
}
# Documents of a report column that are not reports, some naming 年度报告 (reference/portals.md).
DECOY_FORMS = {
    "plan": ("{agency}{y}年政务公开工作要点", "{y}-03-{d}"),
    "selfcheck": ("{agency}关于{y}年政务公开工作要点落实情况的自查报告", "{y}-12-{d}"),
    "letter": ("关于报送{y}年度政府信息公开工作年度报告的函", "{y1}-01-0{d1}"),
    "interpret": ("{agency}关于{y}年度政府信息公开工作年度报告的解读", "{y1}-02-{d}"),
    "forms": ("{agency}{y}年度政府信息公开统计报表", "{y1}-01-0{d1}"),
    "notice": ("关于做好{y}年度政府信息公开工作年度报告编制发布工作的通知", "{y1}-01-0{d1}"),
    "rule_of_law": ("{agency}{y}年法治政府建设年度报告", "{y1}-03-{d}"),
}
_FILLERS = ("{agency}{y}年部门预算公开", "{agency}{y}年度部门决算公开", "{agency}{y}年工作总结和{y1}年工作思路",
            "{agency}{y}年度“双随机、一公开”抽查情况", "{agency}{y}年度重点工作任务分解", "{agency}{y}年度权责清单调整情况")


@dataclass(frozen=True)
class CityDoc:
    """One page of a unit's report column."""

    unit: str
    origin: str
    path: str
    title: str
    date: str
    kind: str  # report | decoy | other
    year: int | None = None  # the year a report (or a decoy) is about
    decoy: str | None = None  # a decoy's kind: a key of DECOY_FORMS
    seed: str | None = None
    style: str = "plain"
    named: bool = True  # the agency appears in the title and the body

    @property
    def layout(self) -> str | None:
        return SEED_LAYOUTS[self.seed] if self.seed else None


def hanweb_column_id(unit: Unit) -> str:
    return unit.column.split("/col/col", 1)[1].split("/", 1)[0]


def _doc_path(unit: Unit, serial: int, date: str) -> str:
    """Where a CMS of this kind puts an article (reference/portals.md)."""
    y, m, d = date.split("-")
    ident = 4_100_000 + UNITS.index(unit) * 1_000 + serial
    if unit.cms.startswith("hanweb"):
        return f"/art/{y}/{int(m)}/{int(d)}/art_{hanweb_column_id(unit)}_{ident}.html"
    if unit.cms == "trs":
        return f"{unit.column_dir}{y}{m}/t{y}{m}{d}_{ident}.html"
    if unit.cms == "generic:index_n":
        return f"{unit.column_dir}{y}{m}/{hashlib.md5(f'{unit.key}{ident}'.encode()).hexdigest()}.html"
    if unit.cms == "generic:query":
        return f"{unit.column_dir}content/post_{ident}.html"
    if unit.cms == "generic:list_n":
        return f"{unit.column_dir}{y}{m}{d}/{ident}.html"
    return f"{unit.column_dir}art/{y}/{ident}.html"  # js: the API's links


def report_title(unit: Unit, report: Report) -> str:
    return TITLE_FORMS[report.title].format(agency=unit.name, short=unit.short, y=report.year)


def documents(unit: Unit) -> list[CityDoc]:
    """The unit's column, newest first, as its CMS lists it."""
    entries = []
    for n, r in enumerate(unit.reports):
        entries.append(dict(title=report_title(unit, r), date=f"{r.year + 1}-01-{15 + 3 * n:02d}", kind="report",
                            year=r.year, seed=r.seed, style=r.style, named=not r.title.startswith("bare")))
    for n, (kind, y) in enumerate(unit.decoys):
        form, date = DECOY_FORMS[kind]
        entries.append(dict(title=form.format(agency=unit.name, y=y), kind="decoy", decoy=kind, year=y,
                            date=date.format(y=y, y1=y + 1, d=10 + n, d1=4 + n)))
    last = max(r.year for r in unit.reports)
    for n in range(unit.fillers):
        y = last - n // 2
        entries.append(dict(title=_FILLERS[(n + len(unit.key)) % len(_FILLERS)].format(agency=unit.name, y=y, y1=y + 1),
                            kind="other", date=f"{y}-{6 + n % 6:02d}-{12 + n:02d}"))
    entries.sort(key=lambda e: e["date"], reverse=True)
    return [CityDoc(unit.key, unit.origin, _doc_path(unit, n, e["date"]), **e) for n, e in enumerate(entries, 1)]

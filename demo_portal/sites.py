"""The demo agency sites, built from the seed reports. Each is its own origin (its own port), lists
reports among documents that are not reports, and pages its listings the way CMSs do."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from demo_portal import pages
from demo_portal.reports import report_body


@dataclass
class Document:
    path: str
    title: str
    date: str
    content: str
    meta: dict[str, str] | None = None
    is_report: bool = False  # ground truth for the tests
    agency: str | None = None
    year: int | None = None


@dataclass
class DemoSite:
    key: str
    name: str  # the agency, as the sites file names it
    site_name: str
    column_name: str
    column_dir: str  # "/col/col1229138290/"
    documents: list[Document]
    per_page: int = 4
    paging: str = "index_n"  # index_n: index.html, index_1.html …; query: index.html?page=2; list_n: list_2.html
    start: str = "column"  # column | home: the sites file starts at the column or at the home page
    disallow: list[str] = field(default_factory=list)  # robots.txt Disallow lines
    extra_links: list[tuple[str, str]] = field(default_factory=list)  # (href, text) linked from the column

    @property
    def start_path(self) -> str:
        return self.column_dir + "index.html" if self.start == "column" else "/"

    def listing_href(self, n: int) -> str:
        if n == 1:
            return self.column_dir + "index.html"
        if self.paging == "index_n":
            return f"{self.column_dir}index_{n - 1}.html"
        if self.paging == "query":
            return f"{self.column_dir}index.html?page={n}"
        return f"{self.column_dir}list_{n}.html"

    def build(self) -> dict[str, bytes]:
        """Every page of the site: path (with query) → body."""
        out: dict[str, bytes] = {}
        n_pages = max(1, -(-len(self.documents) // self.per_page))
        for n in range(1, n_pages + 1):
            docs = self.documents[(n - 1) * self.per_page:n * self.per_page]
            items = [(d.path, d.title, d.date) for d in docs]
            if n == 1:
                items += [(href, text, "2021-03-01") for href, text in self.extra_links]
            body = pages.listing(items, pages.pagination_links(n, n_pages, self.listing_href))
            html = pages.chrome(self.site_name, f"{self.column_name}_{self.site_name}", self.column_name, body)
            out[self.listing_href(n)] = html.encode("utf-8")
        for d in self.documents:
            meta = {"ArticleTitle": d.title, "PubDate": d.date, "ContentSource": self.name}
            html = pages.chrome(self.site_name, f"{d.title}_{self.site_name}", self.column_name,
                                pages.article(d.title, d.date, d.content, meta=d.meta, source=self.name), meta=meta)
            out[d.path] = html.encode("utf-8")
        home = pages.chrome(self.site_name, self.site_name, "首页",
                            f'<div class="column-links"><a href="{self.listing_href(1)}">{escape(self.column_name)}</a>'
                            f'<a href="/col/news/index.html">工作动态</a></div>')
        out["/"] = out["/index.html"] = home.encode("utf-8")
        out["/robots.txt"] = ("User-agent: *\n" + "".join(f"Disallow: {p}\n" for p in self.disallow)).encode()
        return out

    def expected_reports(self) -> list[Document]:
        return [d for d in self.documents if d.is_report]


def _notice(title: str, sender: str) -> str:
    return pages.paragraphs([
        "各相关单位：",
        f"现将《{title}》有关事项通知如下，请结合实际认真贯彻落实，并按时报送相关材料。",
        "联系人：办公室，电话：0574-87668219。",
        sender,
    ])


def _traditional(html: str) -> str:
    """The traditional-character rendering of generated text (build time only)."""
    import opencc

    return opencc.OpenCC("s2t").convert(html)


def jiangbei() -> DemoSite:
    name = "宁波市江北区应急管理局"
    col = "/col/col1229138290/"
    docs = [
        Document("/art/2021/3/2/art_1229138290_3701122.html", "江北区应急管理局关于开展2021年“安全生产月”活动的通知", "2021-03-02",
                 _notice("关于开展2021年“安全生产月”活动的通知", name)),
        Document("/art/2021/2/20/art_1229138290_3698810.html", "2021年江北区应急管理局政务公开工作要点", "2021-02-20",
                 _notice("2021年江北区应急管理局政务公开工作要点", name)),
        Document("/art/2021/1/28/art_1229138290_3690044.html", "江北区应急管理局2020年法治政府建设工作报告", "2021-01-28",
                 _notice("江北区应急管理局2020年法治政府建设工作报告", name)),
        Document("/art/2021/1/18/art_1229138290_3676543.html", "宁波市江北区应急管理局2020年政府信息公开工作年度报告",
                 "2021-01-18",
                 report_body("000", "2019", style="word", drop_lines={0, 1, 2, 3, 4}),
                 meta={"index_no": "768511246/2021-00409", "doc_no": "", "publisher": "区应急管理局",
                       "written_date": "2021-01-18", "topic": "应急,安全", "disclosure": "主动公开", "genre": "其他"},
                 is_report=True, agency=name, year=2020),
        Document("/art/2021/1/5/art_1229138290_3671208.html", "关于报送2020年度政府信息公开工作年度报告的通知", "2021-01-05",
                 _notice("关于报送2020年度政府信息公开工作年度报告的通知", "宁波市江北区人民政府办公室")),
        Document("/art/2020/12/10/art_1229138290_3650031.html", "江北区应急管理局关于公布2020年度行政执法统计数据的公告",
                 "2020-12-10", _notice("关于公布2020年度行政执法统计数据的公告", name)),
        Document("/art/2020/11/3/art_1229138290_3630917.html", "江北区应急管理局2020年度部门预算公开", "2020-11-03",
                 _notice("2020年度部门预算公开", name)),
    ]
    return DemoSite("jiangbei", name, "宁波市江北区人民政府", "政府信息公开年报", col, docs, per_page=3,
                    disallow=["/module/", "/private/"],
                    extra_links=[("/private/ndbg/2019.html", "宁波市江北区应急管理局2019年政府信息公开工作年度报告（内部稿）")])


def huancui() -> DemoSite:
    name = "威海市环翠区应急管理局"
    col = "/zwgk/ndbg/"
    docs = [
        Document("/zwgk/ndbg/202101/t20210120_2531177.html", "威海市环翠区应急管理局2020年政府信息公开工作年度报告",
                 "2021-01-20", report_body("001", "2019", style="plain", drop_lines={0, 1, 2}),
                 is_report=True, agency=name, year=2020),
        Document("/zwgk/ndbg/202101/t20210108_2521050.html", "关于做好2020年度政府信息公开工作年度报告编制和发布工作的通知",
                 "2021-01-08", _notice("关于做好2020年度政府信息公开工作年度报告编制和发布工作的通知", "环翠区人民政府办公室")),
        Document("/zwgk/ndbg/202012/t20201215_2498801.html", "环翠区应急管理局2020年安全生产工作总结", "2020-12-15",
                 _notice("2020年安全生产工作总结", name)),
        Document("/zwgk/ndbg/202006/t20200601_2301122.html", "环翠区应急管理局关于2019年度政府信息公开工作年度报告的解读", "2020-06-01",
                 _notice("关于2019年度政府信息公开工作年度报告的解读", name)),
        Document("/zwgk/ndbg/202003/t20200302_2201339.html", "环翠区2020年政务公开工作要点", "2020-03-02",
                 _notice("环翠区2020年政务公开工作要点", "环翠区人民政府办公室")),
    ]
    return DemoSite("huancui", name, "威海市环翠区人民政府", "年度报告", col, docs, per_page=2, paging="query")


def yanliang() -> DemoSite:
    name = "西安市阎良区应急管理局"
    col = "/xxgk/gzbg/"
    # The seed's prose is traditional already; the generated tables and headings are converted.
    body = report_body("002", "2019", style="plain", drop_lines={0, 1, 2}, convert=_traditional)
    docs = [
        Document("/xxgk/gzbg/5fe1a2b3.html", "閻良區應急管理局2020年政府信息公開年度報告", "2021-01-25",
                 body, is_report=True, agency="阎良区应急管理局", year=2020),
        Document("/xxgk/gzbg/5fd0c4e1.html", "閻良區應急管理局關於報送2020年度政府信息公開年度報告的通知", "2021-01-10",
                 _traditional(_notice("關於報送2020年度政府信息公開年度報告的通知", "閻良區應急管理局"))),
        Document("/xxgk/gzbg/5fb7aa90.html", "閻良區應急管理局2021年工作要點", "2020-12-28",
                 _traditional(_notice("2021年工作要點", "閻良區應急管理局"))),
    ]
    return DemoSite("yanliang", name, "西安市閻良區人民政府", "工作報告", col, docs, per_page=2, paging="list_n")


QZ_2022_PROSE = (
    ["根据《中华人民共和国政府信息公开条例》规定，由衢州市应急管理局完成本报告，本年度报告中所列数据的统计期限自2022年1月1日起至12月31日止。",
     "一、总体情况",
     "2022年，我局围绕安全生产和防灾减灾救灾中心工作，持续推进政务公开标准化规范化，及时公开各类政府信息。"],
    ["五、存在的主要问题及改进情况",
     "政策解读形式还不够丰富。下一步，我局将进一步加强业务培训，提升政务公开质量。",
     "六、其他需要报告的事项",
     "本年度未收取政府信息公开信息处理费。"],
)


def quzhou() -> DemoSite:
    name = "衢州市应急管理局"
    col = "/col/col1229020318/"
    docs = [
        Document("/art/2024/1/22/art_1229020318_58876121.html", "衢州市应急管理局2023年政府信息公开工作年度报告", "2024-01-22",
                 report_body("003", "2021", style="plain", labels={"本年制发件数": "本年新发件数"}),
                 is_report=True, agency=name, year=2023),
        Document("/art/2024/1/5/art_1229020318_58861002.html", "关于做好2023年度政府信息公开工作年度报告编制发布工作的通知",
                 "2024-01-05", _notice("关于做好2023年度政府信息公开工作年度报告编制发布工作的通知", "衢州市人民政府办公室")),
        Document("/art/2023/3/1/art_1229020318_58651203.html", "衢州市应急管理局2023年政务公开工作要点", "2023-03-01",
                 _notice("衢州市应急管理局2023年政务公开工作要点", name)),
        # Synthetic (demo data): a second year for the same agency; see demo_portal/seeds/demo-qz-2022.cells.tsv.
        Document("/art/2023/1/18/art_1229020318_58560377.html", "衢州市应急管理局2022年政府信息公开工作年度报告", "2023-01-18",
                 "<!-- demo data: synthetic 2022 report -->\n"
                 + report_body("demo-qz-2022", "2021", style="word", prose=QZ_2022_PROSE),
                 is_report=True, agency=name, year=2022),
        Document("/art/2022/12/20/art_1229020318_58490011.html", "衢州市应急管理局2022年度政府信息公开统计报表", "2022-12-20",
                 _notice("2022年度政府信息公开统计报表", name)),
    ]
    return DemoSite("quzhou", name, "衢州市应急管理局", "政府信息公开年度报告", col, docs, per_page=2)


def ningxia() -> DemoSite:
    name = "宁夏回族自治区应急管理厅"
    col = "/xxgk/zfxxgknb/"
    docs = [
        Document("/xxgk/zfxxgknb/202101/t20210126_2575380.html", "自治区应急管理厅2020年政府信息公开工作年度报告", "2021-01-26",
                 report_body("004", "2019", style="word", drop_lines={0, 1, 2, 3, 4}),
                 is_report=True, agency=name, year=2020),
        Document("/xxgk/zfxxgknb/202101/t20210111_2560021.html", "关于报送2020年政府信息公开工作年度报告的函", "2021-01-11",
                 _notice("关于报送2020年政府信息公开工作年度报告的函", "宁夏回族自治区人民政府办公厅")),
        Document("/xxgk/zfxxgknb/202004/t20200410_2011100.html", "自治区应急管理厅2020年政务公开工作要点", "2020-04-10",
                 _notice("自治区应急管理厅2020年政务公开工作要点", name)),
    ]
    return DemoSite("ningxia", name, "宁夏回族自治区应急管理厅", "政府信息公开年报", col, docs, per_page=2, start="home")


@lru_cache(maxsize=1)
def all_sites() -> tuple[DemoSite, ...]:
    return (jiangbei(), huancui(), yanliang(), quzhou(), ningxia())

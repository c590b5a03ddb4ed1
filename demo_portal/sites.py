"""The demo agency sites, built from the seed reports. Each is its own origin (its own port), lists
reports among documents that are not reports, and pages its listings the way CMSs do."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from html import escape

from demo_portal import pages
from demo_portal.cms import Generic, Hanweb, JsList, Trs
from demo_portal.files import DOCX, PDF, make_docx, make_pdf
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
    malformed_charset: bool = False  # its <meta> charset is written wrong, as some portals do


@dataclass
class Attachment:
    path: str
    body: bytes
    content_type: str
    link: str = "a"  # a | iframe | embed | pdfjs: how the report page points at it


@dataclass
class DemoSite:
    key: str
    name: str  # the agency, as the sites file names it
    site_name: str
    column_name: str
    column_dir: str  # "/col/col1229138290/"
    documents: list[Document]
    per_page: int = 4
    cms: object = field(default_factory=Generic)
    start: str = "column"  # column | home: the sites file starts at the column or at the home page
    disallow: list[str] = field(default_factory=list)  # robots.txt Disallow lines
    extra_links: list[tuple[str, str]] = field(default_factory=list)  # (href, text) linked from the column
    encoding: str = "utf-8"  # what the bytes are
    declared_charset: str = "utf-8"  # what the <meta> says
    header_charset: bool = True  # whether Content-Type carries the charset
    attachments: dict[str, list[Attachment]] = field(default_factory=dict)  # document path → files
    render: bool = False  # the sites file must say render = true
    guard: tuple[str, int] | None = None  # anti-bot answer in front of the site: ("ruishu"|"jsl", expire_after)

    @property
    def start_path(self) -> str:
        return self.column_dir + "index.html" if self.start == "column" else "/"

    def listing_items(self) -> list[tuple[str, str, str]]:
        items = [(d.path, d.title, d.date) for d in self.documents]
        return items[:1] + [(h, t, "2021-03-01") for h, t in self.extra_links] + items[1:]

    def listing_groups(self) -> list[list[tuple[str, str, str]]]:
        items = self.listing_items()
        return [items[i:i + self.per_page] for i in range(0, len(items), self.per_page)] or [[]]

    def chrome(self, title: str, body: str, meta: dict | None = None) -> str:
        return pages.chrome(self.site_name, title, self.column_name, body, meta=meta, charset=self.declared_charset)

    @property
    def content_type(self) -> str:
        return f"text/html; charset={self.declared_charset}" if self.header_charset else "text/html"

    def encode(self, html: str) -> bytes:
        return html.encode(self.encoding)

    def build(self) -> dict[str, tuple[bytes, str]]:
        """Every static resource of the site: path (with query) → (body, Content-Type)."""
        out: dict[str, tuple[bytes, str]] = {}
        for path, html in self.cms.listing_pages(self).items():
            out[path] = (self.encode(html), self.content_type)
        for d in self.documents:
            meta = {"ArticleTitle": d.title, "PubDate": d.date, "ContentSource": self.name}
            content = d.content + attachment_links(self.attachments.get(d.path, []))
            html = pages.chrome(self.site_name, f"{d.title}_{self.site_name}", self.column_name,
                                pages.article(d.title, d.date, content, meta=d.meta, source=self.name,
                                              container=self.cms.container), meta=meta,
                                charset="malformed-gbk" if d.malformed_charset else self.declared_charset)
            out[d.path] = (self.encode(html), self.content_type)
            for a in self.attachments.get(d.path, []):
                out[a.path] = (a.body, a.content_type)
        home = self.chrome(self.site_name,
                           f'<div class="column-links"><a href="{self.column_dir}index.html">{escape(self.column_name)}</a>'
                           f'<a href="/col/news/index.html">工作动态</a></div>')
        out["/"] = out["/index.html"] = (self.encode(home), self.content_type)
        robots = "User-agent: *\n" + "".join(f"Disallow: {p}\n" for p in self.disallow)
        out["/robots.txt"] = (robots.encode(), "text/plain")
        return out

    def handle(self, method: str, path: str, headers, body: bytes):
        """Dynamic answers (data proxies, JSON APIs): (status, Content-Type, body) or None."""
        return self.cms.handle(self, method, path, headers, body)

    def expected_reports(self) -> list[Document]:
        return [d for d in self.documents if d.is_report]


def attachment_links(files: list[Attachment]) -> str:
    out = []
    for a in files:
        name = a.path.rsplit("/", 1)[-1]
        if a.link == "iframe":
            out.append(f'<iframe src="{a.path}" width="100%" height="800"></iframe>')
        elif a.link == "embed":
            out.append(f'<embed src="{a.path}" type="{a.content_type}" width="100%" height="800">')
        elif a.link == "img":
            continue  # an image of the page's body, in its content already
        elif a.link == "pdfjs":
            out.append(f'<iframe src="/pdfjs/web/viewer.html?file={a.path}" width="100%" height="800"></iframe>')
        else:
            out.append(f'<p>附件：<a href="{a.path}" target="_blank">{escape(name)}</a></p>')
    return "\n".join(out)


def _notice(title: str, sender: str, contact: str = "办公室") -> str:
    return pages.paragraphs([
        "各相关单位：",
        f"现将《{title}》有关事项通知如下，请结合实际认真贯彻落实，并按时报送相关材料。",
        f"联系人：{contact}，电话：0574-87668219。",
        sender,
    ])


def _traditional(html: str) -> str:
    """The traditional-character rendering of generated text (build time only)."""
    import opencc

    return opencc.OpenCC("s2t").convert(html)


_FILLER = (
    "关于开展{y}年{m}月份安全生产执法检查的通知", "{short}{y}年{m}月行政处罚信息公开", "关于公布{y}年第{m}批安全生产许可证的公告",
    "{short}关于{y}年度部门预算公开的说明", "关于做好{y}年{m}月防汛防台工作的通知", "{short}{y}年{m}月“双随机、一公开”抽查结果",
    "关于印发《{short}{y}年安全生产工作要点》的通知", "{short}关于{y}年第{m}季度政务新媒体检查情况的通报",
)


def _filler(count: int, short: str, sender: str, year: int, path: str) -> list[Document]:
    """Ordinary column traffic: notices, penalties, budgets — listed, never fetched as reports."""
    docs = []
    for n in range(count):
        y, m = year - n // 12, 12 - n % 12
        title = _FILLER[n % len(_FILLER)].format(y=y, m=m, short=short)
        docs.append(Document(path.format(y=y, m=m, d=10 + n % 15, n=3600000 + n), title,
                             f"{y}-{m:02d}-{10 + n % 15:02d}", _notice(title, sender)))
    return docs


def jiangbei() -> DemoSite:
    """大汉 JCMS (Zhejiang): 45 records, 15 a page; the report only through the data proxy."""
    name = "宁波市江北区应急管理局"
    col = "/col/col1229138290/"
    art = "/art/{y}/{m}/{d}/art_1229138290_{n}.html"
    report = Document("/art/2021/1/18/art_1229138290_3676543.html", "宁波市江北区应急管理局2020年政府信息公开工作年度报告",
                      "2021-01-18", report_body("000", "2019", style="word", drop_lines={0, 1, 2, 3, 4}),
                      meta={"index_no": "768511246/2021-00409", "doc_no": "", "publisher": "区应急管理局",
                            "written_date": "2021-01-18", "topic": "应急,安全", "disclosure": "主动公开", "genre": "其他"},
                      is_report=True, agency=name, year=2020)
    notice = Document("/art/2021/1/5/art_1229138290_3671208.html", "关于报送2020年度政府信息公开工作年度报告的通知",
                      "2021-01-05", _notice("关于报送2020年度政府信息公开工作年度报告的通知", "宁波市江北区人民政府办公室"))
    plan = Document("/art/2021/2/20/art_1229138290_3698810.html", "2021年江北区应急管理局政务公开工作要点", "2021-02-20",
                    _notice("2021年江北区应急管理局政务公开工作要点", name))
    filler = _filler(41, "江北区应急管理局", name, 2021, art)
    docs = filler[:2] + [plan] + filler[2:18] + [notice] + filler[18:22] + [report] + filler[22:]
    return DemoSite("jiangbei", name, "宁波市江北区人民政府", "政府信息公开年报", col, docs, per_page=15,
                    cms=Hanweb("1229138290"), disallow=["/module/jslib/", "/private/"],
                    extra_links=[("/private/ndbg/2019.html", "宁波市江北区应急管理局2019年政府信息公开工作年度报告（内部稿）")],
                    attachments={report.path: [Attachment("/module/download/downfile.jsp/政府信息公开情况统计表.docx",
                                                          make_docx(["宁波市江北区应急管理局", "政府信息公开情况统计表（2020年度）"]),
                                                          DOCX, "a")]})


def huancui() -> DemoSite:
    """A listing the browser fills from a JSON API the crawler has no adapter for (render = true)."""
    name = "威海市环翠区应急管理局"
    col = "/zwgk/ndbg/"
    report = Document("/zwgk/ndbg/202101/t20210120_2531177.html", "威海市环翠区应急管理局2020年政府信息公开工作年度报告",
                      "2021-01-20", report_body("001", "2019", style="plain", drop_lines={0, 1, 2}),
                      is_report=True, agency=name, year=2020)
    docs = [
        Document("/zwgk/ndbg/202102/t20210201_2540012.html", "环翠区应急管理局2021年安全生产工作计划", "2021-02-01",
                 _notice("2021年安全生产工作计划", name)),
        report,
        Document("/zwgk/ndbg/202101/t20210108_2521050.html", "关于做好2020年度政府信息公开工作年度报告编制和发布工作的通知",
                 "2021-01-08", _notice("关于做好2020年度政府信息公开工作年度报告编制和发布工作的通知", "环翠区人民政府办公室")),
        Document("/zwgk/ndbg/202012/t20201215_2498801.html", "环翠区应急管理局2020年安全生产工作总结", "2020-12-15",
                 _notice("2020年安全生产工作总结", name)),
        Document("/zwgk/ndbg/202006/t20200601_2301122.html", "环翠区应急管理局关于2019年度政府信息公开工作年度报告的解读", "2020-06-01",
                 _notice("关于2019年度政府信息公开工作年度报告的解读", name)),
        Document("/zwgk/ndbg/202003/t20200302_2201339.html", "环翠区2020年政务公开工作要点", "2020-03-02",
                 _notice("环翠区2020年政务公开工作要点", "环翠区人民政府办公室")),
    ]
    # 瑞数-style 412 in front of it too; a cookie lasts 12 requests (the rendered pages use 4 each).
    return DemoSite("huancui", name, "威海市环翠区人民政府", "年度报告", col, docs, per_page=2, cms=JsList(), render=True,
                    guard=("ruishu", 12),
                    attachments={report.path: [Attachment("/uploadfiles/2021/01/hcyj2020ndbg.pdf",
                                                          make_pdf(["Huancui District Emergency Management Bureau",
                                                                    "2020 annual report on government information disclosure"]),
                                                          PDF, "embed")]})


def yanliang() -> DemoSite:
    """A traditional-character (繁體) site: pages served as written, in 繁體."""
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
    # 加速乐-style 521 two-step in front of it; a cookie lasts 3 requests, so it is passed more than once.
    return DemoSite("yanliang", name, "西安市閻良區人民政府", "工作報告", col, docs, per_page=2, cms=Generic("list_n"),
                    guard=("jsl", 3))


def qz_prose(year: int) -> tuple[list[str], list[str]]:
    """The prose of the demo 衢州 site's synthetic reports."""
    return (
        [f"根据《中华人民共和国政府信息公开条例》规定，由衢州市应急管理局完成本报告，本年度报告中所列数据的统计期限自{year}年1月1日起至12月31日止。",
         "一、总体情况",
         f"{year}年，我局围绕安全生产和防灾减灾救灾中心工作，持续推进政务公开标准化规范化，及时公开各类政府信息。"],
        ["五、存在的主要问题及改进情况",
         "政策解读形式还不够丰富。下一步，我局将进一步加强业务培训，提升政务公开质量。",
         "六、其他需要报告的事项",
         "本年度未收取政府信息公开信息处理费。"],
    )


def quzhou() -> DemoSite:
    """An older 大汉 site: the data proxy on /module/jpage/dataproxy.jsp, dates in <span class="time">."""
    name = "衢州市应急管理局"
    col = "/col/col1229020318/"
    art = "/art/{y}/{m}/{d}/art_1229020318_{n}.html"
    r2023 = Document("/art/2024/1/22/art_1229020318_58876121.html", "衢州市应急管理局2023年政府信息公开工作年度报告", "2024-01-22",
                     report_body("003", "2021", style="plain", labels={"本年制发件数": "本年新发件数"}),
                     is_report=True, agency=name, year=2023)
    # Synthetic (demo data): a second year for the same agency; see demo_portal/seeds/demo-qz-2022.cells.tsv.
    r2022 = Document("/art/2023/1/18/art_1229020318_58560377.html", "衢州市应急管理局2022年政府信息公开工作年度报告", "2023-01-18",
                     "<!-- demo data: synthetic 2022 report -->\n"
                     + report_body("demo-qz-2022", "2021", style="word", prose=qz_prose(2022)),
                     is_report=True, agency=name, year=2022)
    # Synthetic too, and its own sums fail (one number changed): a report whose checks fail, as data.
    r2021 = Document("/art/2022/1/20/art_1229020318_58230045.html", "衢州市应急管理局2021年政府信息公开工作年度报告", "2022-01-20",
                     "<!-- demo data: synthetic 2021 report whose own sums do not add up -->\n"
                     + report_body("demo-qz-2021", "2021", style="plain", prose=qz_prose(2021)),
                     is_report=True, agency=name, year=2021)
    notice = Document("/art/2024/1/5/art_1229020318_58861002.html", "关于做好2023年度政府信息公开工作年度报告编制发布工作的通知",
                      "2024-01-05", _notice("关于做好2023年度政府信息公开工作年度报告编制发布工作的通知", "衢州市人民政府办公室"))
    forms = Document("/art/2022/12/20/art_1229020318_58490011.html", "衢州市应急管理局2022年度政府信息公开统计报表", "2022-12-20",
                     _notice("2022年度政府信息公开统计报表", name))
    filler = _filler(16, "衢州市应急管理局", name, 2023, art)
    docs = [r2023, notice] + filler[:8] + [forms, r2022] + filler[8:12] + [r2021] + filler[12:]
    return DemoSite("quzhou", name, "衢州市应急管理局", "政府信息公开年度报告", col, docs, per_page=6,
                    cms=Hanweb("1229020318", unit_id="7345812", proxy="/module/jpage/dataproxy.jsp", record="time"),
                    attachments={r2023.path: [Attachment("/module/download/downfile.jsp/2023ndbg.pdf",
                                                         make_pdf(["Quzhou Emergency Management Bureau", "2023 annual report"]),
                                                         PDF, "iframe")]})


def ningxia() -> DemoSite:
    """TRS WCM: createPageHTML paging with a stub last page, div.TRS_Editor, GBK bytes declared gb2312."""
    name = "宁夏回族自治区应急管理厅"
    col = "/xxgk/zfxxgknb/"
    report = Document("/xxgk/zfxxgknb/202101/t20210126_2575380.html", "自治区应急管理厅2020年政府信息公开工作年度报告", "2021-01-26",
                      report_body("004", "2019", style="word", drop_lines={0, 1, 2, 3, 4}),
                      is_report=True, agency=name, year=2020)
    letter = Document("/xxgk/zfxxgknb/202101/t20210111_2560021.html", "关于报送2020年政府信息公开工作年度报告的函", "2021-01-11",
                      # 喆 and 堃 are GBK, not GB2312: a page declared gb2312 that only GBK decodes.
                      _notice("关于报送2020年政府信息公开工作年度报告的函", "宁夏回族自治区人民政府办公厅", contact="李喆、王堃"),
                      malformed_charset=True)
    docs = [
        Document("/xxgk/zfxxgknb/202104/t20210410_2611100.html", "自治区应急管理厅2021年政务公开工作要点", "2021-04-10",
                 _notice("自治区应急管理厅2021年政务公开工作要点", name)),
        report, letter,
        Document("/xxgk/zfxxgknb/202012/t20201201_2490001.html", "自治区应急管理厅关于2020年度安全生产考核结果的通报", "2020-12-01",
                 _notice("关于2020年度安全生产考核结果的通报", name)),
        Document("/xxgk/zfxxgknb/202004/t20200410_2011100.html", "自治区应急管理厅2020年政务公开工作要点", "2020-04-10",
                 _notice("自治区应急管理厅2020年政务公开工作要点", name)),
        Document("/xxgk/zfxxgknb/202001/t20200120_1950321.html", "自治区应急管理厅2019年政府信息公开年度报告（图片版）", "2020-01-20",
                 # Its images are not published on the demo: a report page without tables, 0 cells (incomplete).
                 pages.paragraphs(["本报告为图片版。"]),
                 is_report=True, agency=name, year=2019),
    ]
    return DemoSite("ningxia", name, "宁夏回族自治区应急管理厅", "政府信息公开年报", col, docs, per_page=2, cms=Trs(),
                    start="home", encoding="gbk", declared_charset="gb2312", header_charset=False,
                    attachments={report.path: [Attachment("/xxgk/zfxxgknb/202101/P020210126_2575380.pdf",
                                                          make_pdf(["Ningxia Emergency Management Department", "2020 report"]),
                                                          PDF, "pdfjs")]})


# The demo with its reports also published as files （`all_sites(documents=True)`, what `make demo`
# serves): per site, (report page path, how it is published, the seed's rendition, how the page
# points at it). "only": the page has no tables, the file is the report; "also": the tables stay
# on the page and the file repeats them (one report must come out); "images": the page is the
# seed's PNG pages （图片版） and nothing else.
DOCUMENTS = {
    "jiangbei": ("/art/2021/1/18/art_1229138290_3676543.html", "also", "000", "pdf", "a"),
    "huancui": ("/zwgk/ndbg/202101/t20210120_2531177.html", "only", "001", "pdf", "embed"),
    "yanliang": ("/xxgk/gzbg/5fe1a2b3.html", "only", "002", "doc", "a"),
    "quzhou": ("/art/2024/1/22/art_1229020318_58876121.html", "images", "003", "png", "img"),
    "ningxia": ("/xxgk/zfxxgknb/202101/t20210126_2575380.html", "only", "004", "docx", "a"),
}
_FILES = {"pdf": (PDF, "2020ndbg.pdf"), "doc": ("application/msword", "2020ndbg.doc"), "docx": (DOCX, "2020ndbg.docx")}


def with_documents(site: DemoSite) -> DemoSite:
    """The site with its report published as DOCUMENTS says (renditions: LibreOffice, rendering)."""
    from demo_portal.renditions import rendition, rendition_pages

    path, how, seed, kind, link = DOCUMENTS[site.key]
    doc = next(d for d in site.documents if d.path == path)
    folder = path.rsplit("/", 1)[0]
    files = list(site.attachments.get(path, []))
    if how == "images":
        images = [Attachment(f"{folder}/W{n + 1:03d}.png", png, "image/png", "img")
                  for n, png in enumerate(rendition_pages(seed))]
        content = "\n".join(f'<p style="text-align:center"><img src="{a.path}" width="100%"></p>' for a in images)
        files = images + files
    else:
        content_type, name = _FILES[kind]
        files = [Attachment(f"{folder}/P{name}", rendition(seed, kind), content_type, link)] + files
        content = doc.content if how == "also" else pages.paragraphs(["本报告全文见附件。"])
        if site.key == "yanliang":
            content = content if how == "also" else _traditional(content)
    documents = [replace(d, content=content) if d is doc else d for d in site.documents]
    return replace(site, documents=documents, attachments={**site.attachments, path: files})


@lru_cache(maxsize=2)
def all_sites(documents: bool = False) -> tuple[DemoSite, ...]:
    sites = (jiangbei(), huancui(), yanliang(), quzhou(), ningxia())
    return tuple(with_documents(s) for s in sites) if documents else sites

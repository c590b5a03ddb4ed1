"""A department's (or town's) 信息公开 platform on the demo city portal: its home, its columns, its
report column in one of the portal's CMS shapes (demo_portal.cms) and the pages listed there.

Every page carries the unit's breadcrumb (首页 > 政府信息公开 > 部门信息公开 > 清源市财政局 …) and its
column navigation; for units with `nav = "avalon"` that navigation is an avalon template filled
from the page URL (`paths = location.pathname.split("/")`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from demo_portal import pages
from demo_portal.city_chrome import DEPT_NEWS, DIRECTORIES, DIRECTORY_NAMES, XXGK, Frame, items_list, text_page
from demo_portal.city_units import CityDoc, Unit, documents, hanweb_column_id
from demo_portal.cms import Generic, Hanweb, JsList, Trs
from demo_portal.reports import report_body
from demo_portal.sites import DemoSite

SUBPAGES = {"jgzn": "机构职能", "zcwj": "政策文件", "fdzdgknr": "法定主动公开内容", "zn": "政府信息公开指南",
            "ghjh": "规划计划", "czzj": "财政资金"}
_HANWEB_OFFSETS = {"jgzn": 3, "zcwj": 5, "fdzdgknr": 7, "zn": 9, "ghjh": 10, "czzj": 11}
DEMO_NOTE = ('<div class="demo-note">演示数据：本页是演示门户合成的报告，统计表数据取自种子报告 {seed}，'
             "并非任何机关的真实报告。</div>")


@dataclass
class CityColumn(DemoSite):
    """A unit's report column: a DemoSite, so that the CMS classes of demo_portal.cms list it, wearing
    the unit's chrome (`wrap(title, body)`). Its documents are CityDocs (path, title, date)."""

    wrap: Callable[[str, str], str] | None = None

    def chrome(self, title: str, body: str, meta: dict | None = None) -> str:
        return self.wrap(title, body)


def cms_of(unit: Unit):
    if unit.cms == "trs":
        return Trs()
    if unit.cms == "js":
        return JsList()
    if unit.cms == "hanweb":
        return Hanweb(hanweb_column_id(unit))
    if unit.cms == "hanweb:old":  # an older 大汉 site: the proxy on /module/jpage/, dates in <span class="time">
        return Hanweb(hanweb_column_id(unit), unit_id="7345990", proxy="/module/jpage/dataproxy.jsp", record="time")
    return Generic(unit.cms.split(":")[1])


def _col_id(path: str) -> int:
    return int(path.split("/col/col", 1)[1].split("/", 1)[0])


def sub_path(unit: Unit, name: str) -> str:
    if unit.cms.startswith("hanweb"):
        return f"/col/col{_col_id(unit.home_path) + _HANWEB_OFFSETS[name]}/index.html"
    return unit.home_dir + name + ("/" if unit.nav == "avalon" else "/index.html")


def _we(unit: Unit) -> str:
    """How a unit calls itself in its own report: 我局, 我委, 我镇 …"""
    for suffix, word in (("街道办事处", "我街道"), ("镇人民政府", "我镇"), ("人民政府办公室", "我办"), ("人民政府", "市政府"),
                         ("委员会", "我委"), ("局", "我局")):
        if unit.name.endswith(suffix):
            return word
    return "我单位"


def report_prose(unit: Unit, doc: CityDoc) -> tuple[list[str], list[str]]:
    """The prose around the tables. A report whose title lacks the agency does not name it here either."""
    y = doc.year
    if doc.named:
        who, we = unit.name, _we(unit)
        opening = (f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和政府信息公开工作年度报告格式的要求，"
                   f"由{unit.name}编制。本报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。")
        contact = f"如对本报告有任何疑问，请与{unit.name}办公室联系（电话：0579-8301{_unit_number(unit)}）。"
    else:
        who = we = "本机关"
        opening = f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制，所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
        contact = "如对本报告有任何疑问，请致电0579-83010000咨询。"
    before = [opening, "一、总体情况",
              f"{y}年，{who}坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《条例》和上级关于政务公开工作的部署要求，"
              "持续推进决策、执行、管理、服务、结果公开，政务公开工作取得新成效。",
              f"（一）主动公开。{we}通过清源市人民政府门户网站信息公开专栏、政务新媒体等渠道，及时公开机构职能、政策文件、财政资金等信息。",
              "（二）依申请公开。严格按照《条例》规定的程序和时限办理政府信息公开申请，做到依法依规、答复及时。",
              "（三）政府信息管理。健全政府信息公开审查机制，落实信息发布“三审三校”制度。",
              "（四）平台建设。加强政府网站和政务新媒体日常监管，确保信息发布准确及时。",
              "（五）监督保障。将政务公开工作纳入年度工作考核，加强业务培训。"]
    after = ["五、存在的主要问题及改进情况",
             f"{y}年{we}政务公开工作取得一定成效，但仍存在政策解读形式不够丰富、公开内容的针对性有待加强等问题。"
             f"下一步，{we}将进一步加强业务培训，提升政务公开工作质量。",
             "六、其他需要报告的事项", f"本年度{we}未收取信息处理费。{contact}"]
    return before, after


def _unit_number(unit: Unit) -> str:
    """A fixed four-digit number per unit: its telephone extension, its 索引号 prefix."""
    return f"{sum(map(ord, unit.key)) % 10000:04d}"


def doc_content(unit: Unit, doc: CityDoc) -> str:
    if doc.kind == "report":
        return (f"<!-- demo data: synthetic report of the demo city portal, tables from seed {doc.seed} -->\n"
                + report_body(doc.seed, doc.layout, style=doc.style, prose=report_prose(unit, doc)))
    if doc.decoy == "forms":  # the statistical forms: the same tables, but not a report
        old = doc.year <= 2020
        return report_body("004" if old else "003", "2019" if old else "2021", prose=(
            [f"{unit.name}{doc.year}年度政府信息公开情况统计表（报表）"], ["填报说明：本表由各单位按季度汇总报送。"]))
    return pages.paragraphs(["各有关单位：", f"现将《{doc.title}》有关事项公开如下，请结合实际认真贯彻落实。",
                             f"联系人：办公室，电话：0579-8301{_unit_number(unit)}。", unit.name, doc.date])


def _metadata(unit: Unit, doc: CityDoc, serial: int) -> dict[str, str]:
    return {"index_no": f"11339900{_unit_number(unit)}/{doc.date[:4]}-{serial:05d}", "publisher": unit.name,
            "written_date": doc.date, "published_date": doc.date, "topic": "综合政务\\政务公开", "disclosure": "主动公开"}


class UnitPages:
    """Every page of one unit, on its origin (`frame`)."""

    def __init__(self, unit: Unit, frame: Frame):
        self.unit = unit
        self.frame = frame
        self.docs = documents(unit)
        self.cms = cms_of(unit)

    # -- chrome --------------------------------------------------------------------------------
    def trail(self, *more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
        u, f = self.unit, self.frame
        return [("政府信息公开", f.portal(XXGK)), (DIRECTORY_NAMES[u.directory], f.portal(DIRECTORIES[u.directory])),
                (u.name, u.home_path if more else None), *more]

    def column_trail(self, *more) -> list[tuple[str, str | None]]:
        u = self.unit
        section = [(SUBPAGES["fdzdgknr"], sub_path(u, "fdzdgknr"))] if u.under_section else []
        return self.trail(*section, (u.column_text, u.column if more else None), *more)

    def nav(self) -> str:
        u = self.unit
        entries = [("信息公开首页", u.home_path), (SUBPAGES["jgzn"], sub_path(u, "jgzn")), (SUBPAGES["zcwj"], sub_path(u, "zcwj")),
                   (SUBPAGES["fdzdgknr"], sub_path(u, "fdzdgknr"))]
        if not u.under_section:
            entries.append((u.column_text, u.column))
        entries.append((SUBPAGES["zn"], sub_path(u, "zn")))
        if u.nav == "avalon":
            depth = u.home_dir.strip("/").count("/") + 1
            prefix = "/" + "/".join(f"{{{{paths[{i}]}}}}" for i in range(1, depth + 1)) + "/"
            lis = "".join(f'<li><a ms-attr-href="{prefix}{path[len(u.home_dir):]}">{escape(text)}</a></li>'
                          for text, path in entries)
            script = '<script type="text/javascript">avalon.define({$id: "xxgknav", paths: window.location.pathname.split("/")});</script>'
            attrs = ' ms-controller="xxgknav"'
        else:
            lis = "".join(f'<li><a href="{escape(path)}">{escape(text)}</a></li>' for text, path in entries)
            script = attrs = ""
        lis += f'<li><a href="{self.frame.portal(DEPT_NEWS)}">工作动态</a></li>'
        return (f'<div class="xxgk-side"{attrs}><div class="side-title">{escape(u.name)}</div>'
                f'<ul class="xxgk-nav">{lis}</ul></div>\n{script}\n')

    def page(self, title: str, trail, body: str, meta: dict | None = None) -> str:
        scripts = ("/js/avalon.js",) if self.unit.nav == "avalon" else ()
        return self.frame.page(f"{title}_{self.unit.name}", trail, body, side=self.nav(), meta=meta, scripts=scripts,
                               header=self.unit.name)

    # -- pages ---------------------------------------------------------------------------------
    def policy_docs(self) -> list[tuple[str, str, str]]:
        u = self.unit
        out = []
        for n, (title, day) in enumerate(((f"{u.name}关于印发《{u.short}行政规范性文件管理办法》的通知", "2023-06-08"),
                                          (f"{u.name}关于进一步优化政务服务提升行政效能的实施意见", "2023-03-21")), 1):
            y, m, d = day.split("-")
            ident = 3_900_000 + sum(map(ord, u.key)) * 10 + n
            path = (f"/art/{y}/{int(m)}/{int(d)}/art_{_col_id(sub_path(u, 'zcwj'))}_{ident}.html"
                    if u.cms.startswith("hanweb") else f"{u.home_dir}zcwj/{y}{m}/t{y}{m}{d}_{ident}.html")
            out.append((path, title, day))
        return out

    def build(self) -> dict[str, str]:
        u = self.unit
        out: dict[str, str] = {}
        policies = self.policy_docs()
        out[u.home_path] = self.page(
            f"{u.name}信息公开", self.trail(),
            f'<div class="xxgk-home"><h2>{escape(u.name)}信息公开</h2>'
            + text_page([f"{u.name}是{'清源市下辖的乡镇（街道）' if u.directory == 'xzjd' else '清源市人民政府工作部门'}。"
                         "本平台按照《中华人民共和国政府信息公开条例》公开本单位的政府信息。"])
            + f'<div class="box-title"><span>最新公开</span></div>{items_list(policies)}</div>')
        texts = {"jgzn": [f"{u.name}贯彻落实党中央、省委和市委关于相关工作的方针政策和决策部署。", "内设机构：办公室、政策法规科、业务科。"],
                 "zn": ["一、主动公开：本单位主动公开的政府信息通过本平台公开。", "二、依申请公开：公民、法人或者其他组织可以向本单位申请获取政府信息。"],
                 "ghjh": [f"{u.name}发展规划及年度工作计划。"], "czzj": [f"{u.name}部门预算、决算及“三公”经费。"]}
        for name, lines in texts.items():
            trail = self.trail((SUBPAGES["fdzdgknr"], sub_path(u, "fdzdgknr")), (SUBPAGES[name], None)) \
                if name in ("ghjh", "czzj") else self.trail((SUBPAGES[name], None))
            out[sub_path(u, name)] = self.page(SUBPAGES[name], trail, text_page(lines))
        out[sub_path(u, "zcwj")] = self.page(SUBPAGES["zcwj"], self.trail((SUBPAGES["zcwj"], None)),
                                             f'<div class="list-box">{items_list(policies)}</div>')
        for path, title, day in policies:
            out[path] = self.page(title, self.trail((SUBPAGES["zcwj"], sub_path(u, "zcwj")), ("正文", None)),
                                  pages.article(title, day, pages.paragraphs(["（正文略）", u.name, day]), source=u.name,
                                                container=self.cms.container),
                                  meta={"ArticleTitle": title, "PubDate": day, "ContentSource": u.name})
        sections = [("机构信息", sub_path(u, "jgzn")), (SUBPAGES["zcwj"], sub_path(u, "zcwj")),
                    (SUBPAGES["ghjh"], sub_path(u, "ghjh")), (SUBPAGES["czzj"], sub_path(u, "czzj"))]
        if u.under_section:
            sections.append((u.column_text, u.column))
        out[sub_path(u, "fdzdgknr")] = self.page(
            SUBPAGES["fdzdgknr"], self.trail((SUBPAGES["fdzdgknr"], None)),
            '<ul class="gkml">' + "".join(f'<li><a href="{escape(p)}">{escape(t)}</a></li>' for t, p in sections) + "</ul>")
        out.update(self.column_pages())
        for serial, doc in enumerate(self.docs, 1):
            out[doc.path] = self.article(doc, serial)
        return out

    def column(self) -> CityColumn:
        u = self.unit
        return CityColumn(u.key, u.name, u.name, u.column_text, u.column_dir, self.docs, per_page=u.per_page,
                          cms=self.cms, wrap=lambda title, body: self.page(title.split("_")[0], self.column_trail(), body))

    def column_pages(self) -> dict[str, str]:
        return self.cms.listing_pages(self.column())

    def article(self, doc: CityDoc, serial: int) -> str:
        u = self.unit
        meta = {"ArticleTitle": doc.title, "PubDate": doc.date}
        if doc.named:
            meta["ContentSource"] = u.name
        block = _metadata(u, doc, serial) if doc.kind == "report" and doc.named and serial % 2 else None
        body = pages.article(doc.title, doc.date, doc_content(u, doc), meta=block, source=u.name if doc.named else "办公室",
                             container=self.cms.container)
        if doc.kind == "report":
            body += DEMO_NOTE.format(seed=doc.seed)
        return self.page(doc.title, self.column_trail(("正文", None)), body, meta=meta)

"""The portal's own pages on the demo city portal: the home page, 政务公开, the 政府信息公开 home, the
three directories of units, the city government's own report column, and the plain pages around them.

How the directories draw their links (city_units.LINK_SHAPES):
  部门信息公开 (bmxxgk)  plain <a href>, onclick window.open / location.href, and template blocks:
                         avalon ms-attr-href from `var paths = [...]`, Vue :href / v-bind:href from
                         new Vue({data}), AngularJS ng-href from the controller's $scope;
  部门平台 (bmpt)        an empty <ul> and `var gklist = {...}`: the object is the directory;
  乡镇（街道）信息公开 (xzjd)  an empty <ul> filled from an XHR whose URL and answer are obfuscated.
"""
from __future__ import annotations

from html import escape

from demo_portal.city_chrome import (DIRECTORIES, DIRECTORY_NAMES, HOME, NEWS_HOME, XXGK, XXGK_PAGES, ZWGK, Frame,
                                     items_list, text_page)
from demo_portal.city_departments import SUBPAGES, UnitPages
from demo_portal.city_js import gklist_script, render_hub_script
from demo_portal.city_news import CHANNEL_NAMES, NewsItem, listing_path
from demo_portal.city_units import GOVERNMENT, UNITS, UNITS_BY_KEY, Unit

GOV_COLUMN = UNITS_BY_KEY["gov"].column


def _units(directory: str) -> list[Unit]:
    return [u for u in UNITS if u.directory == directory]


class GovernmentPages(UnitPages):
    """The city government's own 年报 column, inside the portal's 政府信息公开 pages."""

    def trail(self, *more):
        return [("政府信息公开", XXGK if more else None), *more]

    def column_trail(self, *more):
        return self.trail((self.unit.column_text, self.unit.column if more else None), *more)

    def nav(self) -> str:
        return self.frame.xxgk_side()

    def page(self, title: str, trail, body: str, meta: dict | None = None) -> str:
        return self.frame.page(f"{title}_{GOVERNMENT}", trail, body, side=self.nav(), meta=meta)

    def build(self) -> dict[str, str]:
        out = self.column_pages()
        for serial, doc in enumerate(self.docs, 1):
            out[doc.path] = self.article(doc, serial)
        return out


def home_page(frame: Frame, news: dict[str, list[NewsItem]]) -> str:
    def box(channel: str, n: int) -> str:
        latest = [(it.path, it.title, it.date) for it in news[channel][:n]]
        return (f'<div class="news-box"><div class="box-title"><span>{CHANNEL_NAMES[channel]}</span>'
                f'<a class="more" href="{listing_path(channel, 1)}">更多&gt;&gt;</a></div>{items_list(latest)}</div>')

    head = news["qyyw"][0]
    zwgk = [("政府信息公开", XXGK), ("政府信息公开指南", XXGK_PAGES[0][1]), ("政府信息公开年报", GOV_COLUMN),
            (DIRECTORY_NAMES["bmxxgk"], DIRECTORIES["bmxxgk"]), ("政策解读", "/zwgk/zcjd/index.html")]
    links = "".join(f'<li><a href="{p}">{t}</a></li>' for t, p in zwgk)
    body = f"""<div class="banner"><a href="{head.path}" target="_blank"><img src="/images/banner1.jpg" alt="{escape(head.title)}"></a></div>
<div class="home-news">
{box("qyyw", 8)}
{box("tzgg", 8)}
{box("bmdt", 6)}
</div>
<div class="home-zwgk"><div class="box-title"><span>政务公开</span><a class="more" href="{ZWGK}">更多&gt;&gt;</a></div><ul>{links}</ul></div>
<div class="home-zwfw"><div class="box-title"><span>政务服务</span></div><ul><li><a href="/zwfw/index.html#grbs">个人办事</a></li>
<li><a href="/zwfw/index.html#frbs">法人办事</a></li><li><a href="/zwfw/index.html#bmfw">便民服务</a></li></ul></div>
<div class="home-hdjl"><div class="box-title"><span>互动交流</span></div><ul><li><a href="/hdjl/index.html#szxx">市长信箱</a></li>
<li><a href="/hdjl/index.html#zxft">在线访谈</a></li><li><a href="/hdjl/index.html#yjzj">意见征集</a></li></ul></div>"""
    return frame.page(GOVERNMENT, [], body, meta={"ColumnName": "首页"})


def _block(title: str, items: str, attrs: str = "") -> str:
    return (f'<div class="bm-block"{attrs}><div class="box-title"><span>{title}</span></div>'
            f'<ul class="bm-list">\n{items}\n</ul></div>')


def departments_directory(frame: Frame) -> str:
    """部门信息公开: one block of plain and onclick links, then blocks drawn by templates."""
    units = _units("bmxxgk")
    plain, avalon, vue, angular = [], [], [], []
    counts: dict[str, int] = {}
    for u in units:
        url = frame.href(u.origin, u.home_path)
        n = counts[u.link] = counts.get(u.link, 0) + 1
        name = escape(u.name)
        if u.link == "plain":
            plain.append(f'<li><a href="{url}" target="_blank">{name}</a></li>')
        elif u.link == "window.open":
            plain.append(f'<li><a href="javascript:void(0)" onclick="window.open(\'{url}\')">{name}</a></li>' if n % 2 else
                         f'<li><a href="javascript:;" onclick="window.open(\'{url}\',\'_blank\')">{name}</a></li>')
        elif u.link == "location.href":
            plain.append(f'<li><a href="javascript:void(0);" onclick="location.href=\'{url}\'">{name}</a></li>' if n % 2 else
                         f'<li class="bm-item" onclick="window.location.href=\'{url}\'"><span>{name}</span></li>')
        elif u.link == "avalon":  # the platform root from `paths`, the unit's own directory written out
            root = "/zwgk/zfxxgk/bmpt/"
            assert u.home_path.startswith(root)
            avalon.append(f'<li><a ms-attr-href="/{{{{paths[0]}}}}/{{{{paths[1]}}}}/{{{{paths[2]}}}}/{u.home_path[len(root):]}"'
                          f' target="_blank">{name}</a></li>')
        elif u.link == "vue":
            attr = ":href" if n % 2 else "v-bind:href"
            vue.append((u, f'<li><a {attr}="links.{u.key}" target="_blank">{name}</a></li>'))
        elif u.link == "angular":
            angular.append((u, f'<li><a ng-href="{{{{site}}}}{u.home_path}" target="_blank">{name}</a></li>'))
        else:
            raise ValueError(f"{u.key}: link shape {u.link!r} does not belong in the 部门信息公开 directory")
    blocks = [_block("政府工作部门", "\n".join(plain))]
    if avalon:
        blocks.append(_block("政府组成部门", "\n".join(avalon), ' ms-controller="bmxxgk"')
                      + '\n<script type="text/javascript">var paths = ["zwgk", "zfxxgk", "bmpt"];'
                        ' avalon.define({$id: "bmxxgk", paths: paths});</script>')
    if vue:
        data = ", ".join(f'"{u.key}": "{frame.href(u.origin, u.home_path)}"' for u, _ in vue)
        blocks.append(_block("直属机构", "\n".join(li for _, li in vue), ' id="bm-vue"')
                      + f'\n<script type="text/javascript">new Vue({{el: "#bm-vue", data: {{links: {{{data}}}}}}});</script>')
    if angular:
        origins = {u.origin for u, _ in angular}
        assert len(origins) == 1, "one AngularJS controller: one site for every link"
        site = frame.href(origins.pop(), "")
        blocks.append(_block("其他单位", "\n".join(li for _, li in angular), ' ng-app="bmApp" ng-controller="bmpt"')
                      + '\n<script type="text/javascript">angular.module("bmApp", []).controller("bmpt", function ($scope) {'
                        f' $scope.site = "{site}"; }});</script>')
    return frame.page(f"{DIRECTORY_NAMES['bmxxgk']}_{GOVERNMENT}", [("政府信息公开", XXGK), (DIRECTORY_NAMES["bmxxgk"], None)],
                      '<div class="bmxxgk">' + "\n".join(blocks) + "</div>", side=frame.xxgk_side(),
                      scripts=("/js/avalon.js", "/js/vue.min.js", "/js/angular.min.js"))


def gklist(frame: Frame) -> dict:
    """The 部门平台 object: platform home → its name and its channels (names and ids: no URLs)."""
    out = {}
    for n, u in enumerate(_units("bmpt")):
        channels = [SUBPAGES["jgzn"], SUBPAGES["zcwj"], SUBPAGES["fdzdgknr"], u.column_text, SUBPAGES["zn"]]
        out[frame.href(u.origin, u.home_path)] = {
            "orgname": u.name, "orgid": f"QY{1021 + n:04d}",
            "chnllist": [{"chnlid": 103400 + 100 * n + k, "chnlname": c} for k, c in enumerate(channels)]}
    return out


def platforms_directory(frame: Frame) -> str:
    body = ('<div class="bmpt-list"><div class="box-title"><span>部门信息公开平台</span></div><ul id="gklist" class="bm-list"></ul></div>\n'
            + gklist_script("gklist", gklist(frame)))
    return frame.page(f"{DIRECTORY_NAMES['bmpt']}_{GOVERNMENT}", [("政府信息公开", XXGK), (DIRECTORY_NAMES["bmpt"], None)],
                      body, side=frame.xxgk_side())


def towns_directory(frame: Frame) -> str:
    body = ('<div class="xzjd-list"><div class="box-title"><span>乡镇（街道）信息公开平台</span></div>'
            '<ul id="xzjd-list" class="bm-list"></ul></div>\n' + render_hub_script("xzjd-list"))
    return frame.page(f"{DIRECTORY_NAMES['xzjd']}_{GOVERNMENT}", [("政府信息公开", XXGK), (DIRECTORY_NAMES["xzjd"], None)],
                      body, side=frame.xxgk_side())


def town_tree() -> tuple[str, list[tuple[str, str]]]:
    """What the render-only directory's endpoint describes: the towns' root and (key, name) pairs."""
    towns = _units("xzjd")
    root = towns[0].home_dir.rsplit("/", 2)[0] + "/"
    assert all(u.home_path == f"{root}{u.key}/index.html" for u in towns)
    return root, [(u.key, u.name) for u in towns]


_TEXT_PAGES = {  # path → (title, trail under 首页, lines)
    "/zwgk/zfxxgk/zn/index.html": ("政府信息公开指南", True, [
        "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
        "一、主动公开：主动公开的政府信息通过门户网站政府信息公开专栏、政务新媒体等渠道公开。",
        "二、依申请公开：公民、法人或者其他组织可以向本机关申请获取政府信息。"]),
    "/zwgk/zfxxgk/zd/index.html": ("政府信息公开制度", True, ["清源市政府信息公开保密审查制度", "清源市政府信息公开申请办理制度"]),
    "/zwgk/zfxxgk/ysqgk/index.html": ("依申请公开", True, ["申请方式：在线申请、信函申请、当面申请。", "受理机构：清源市人民政府办公室。"]),
    "/zwgk/zcwj/index.html": ("政策文件", False, ["清源市人民政府文件、清源市人民政府办公室文件。"]),
    "/zwgk/zcjd/index.html": ("政策解读", False, ["文字解读、图片解读、视频解读。"]),
    "/zwgk/zdly/index.html": ("重点领域信息公开", False, ["财政预决算、重大建设项目、公共资源配置、社会公益事业。"]),
    "/zwfw/index.html": ("政务服务", False, ["个人办事、法人办事、便民服务，请登录浙江政务服务网办理。"]),
    "/hdjl/index.html": ("互动交流", False, ["市长信箱、在线访谈、意见征集。"]),
    "/zjqy/index.html": ("走进清源", False, ["清源市位于浙江省中西部，下辖白沙镇、青山镇、城东街道等乡镇（街道）。"]),
    "/lxwm/index.html": ("联系我们", False, ["地址：清源市府前路1号　邮编：324000　电话：0579-83012345"]),
    "/wzsm/index.html": ("网站声明", False, ["本网站由清源市人民政府办公室主办。"]),
    "/search/index.html": ("站内搜索", False, ["请输入关键字搜索。"]),
}


def portal_pages(frame: Frame, news: dict[str, list[NewsItem]]) -> dict[str, str]:
    """Every page of the portal itself (news and units aside)."""
    out = {HOME: home_page(frame, news)}
    zwgk = [("政府信息公开", XXGK)] + [(DIRECTORY_NAMES[k], DIRECTORIES[k]) for k in ("bmxxgk", "xzjd")] + [
        ("政策文件", "/zwgk/zcwj/index.html"), ("政策解读", "/zwgk/zcjd/index.html"), ("重点领域信息公开", "/zwgk/zdly/index.html")]
    out[ZWGK] = frame.page(f"政务公开_{GOVERNMENT}", [("政务公开", None)],
                           '<ul class="zwgk-blocks">' + "".join(f'<li><a href="{p}">{t}</a></li>' for t, p in zwgk) + "</ul>")
    catalogue = list(XXGK_PAGES) + [(DIRECTORY_NAMES[k], DIRECTORIES[k]) for k in DIRECTORIES]
    out[XXGK] = frame.page(
        f"政府信息公开_{GOVERNMENT}", [("政府信息公开", None)],
        text_page(["本专栏公开清源市人民政府及其部门、乡镇（街道）的政府信息。"])
        + '<div class="xxgk-ml"><div class="box-title"><span>信息公开目录</span></div><ul>'
        + "".join(f'<li><a href="{p}">{t}</a></li>' for t, p in catalogue) + "</ul></div>", side=frame.xxgk_side())
    out[DIRECTORIES["bmxxgk"]] = departments_directory(frame)
    out[DIRECTORIES["bmpt"]] = platforms_directory(frame)
    out[DIRECTORIES["xzjd"]] = towns_directory(frame)
    sections = [("政府信息公开指南", "/zwgk/zfxxgk/zn/index.html"), ("政策文件", "/zwgk/zcwj/index.html"),
                ("重点领域信息公开", "/zwgk/zdly/index.html"), ("政府信息公开年报", GOV_COLUMN)]
    out["/zwgk/zfxxgk/fdzdgknr/index.html"] = frame.page(
        f"法定主动公开内容_{GOVERNMENT}", [("政府信息公开", XXGK), ("法定主动公开内容", None)],
        '<ul class="gkml">' + "".join(f'<li><a href="{p}">{t}</a></li>' for t, p in sections) + "</ul>", side=frame.xxgk_side())
    for path, (title, under_xxgk, lines) in _TEXT_PAGES.items():
        trail = [("政府信息公开", XXGK), (title, None)] if under_xxgk else [(title, None)]
        out[path] = frame.page(f"{title}_{GOVERNMENT}", trail, text_page(lines), side=frame.xxgk_side() if under_xxgk else "")
    sitemap = [("首页", HOME), ("政务公开", ZWGK), ("政府信息公开", XXGK), ("新闻中心", NEWS_HOME)] + catalogue
    out["/wzdt/index.html"] = frame.page(f"网站地图_{GOVERNMENT}", [("网站地图", None)],
                                         '<ul class="wzdt">' + "".join(f'<li><a href="{p}">{t}</a></li>' for t, p in sitemap) + "</ul>")
    out.update(GovernmentPages(UNITS_BY_KEY["gov"], frame).build())
    return out

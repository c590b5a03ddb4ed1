"""The chrome every page of the demo city portal wears: header, navigation, breadcrumb, footer.

Pages of the departments' own sites (other origins) wear it too, with the portal's links absolute.
"""
from __future__ import annotations

from html import escape

from demo_portal.city_units import GOVERNMENT

# Portal paths the chrome and the hubs link (the "city" origin).
HOME = "/"
ZWGK = "/zwgk/index.html"  # 政务公开
XXGK = "/zwgk/zfxxgk/index.html"  # 政府信息公开 home
DIRECTORIES = {"bmxxgk": "/zwgk/zfxxgk/bmxxgk/index.html", "bmpt": "/zwgk/zfxxgk/bmpt/index.html",
               "xzjd": "/zwgk/zfxxgk/xzjd/index.html"}
DIRECTORY_NAMES = {"bmxxgk": "部门信息公开", "bmpt": "部门平台", "xzjd": "乡镇（街道）信息公开"}
NEWS_HOME = "/xwzx/index.html"
DEPT_NEWS = "/xwzx/bmdt/index.html"  # 部门动态: every department's 工作动态 link
XXGK_PAGES = (("政府信息公开指南", "/zwgk/zfxxgk/zn/index.html"), ("政府信息公开制度", "/zwgk/zfxxgk/zd/index.html"),
              ("法定主动公开内容", "/zwgk/zfxxgk/fdzdgknr/index.html"), ("政府信息公开年报", "/zwgk/zfxxgk/zfxxgknb/index.html"),
              ("依申请公开", "/zwgk/zfxxgk/ysqgk/index.html"))
PORTAL_NAV = (("首页", HOME), ("政务公开", ZWGK), ("政务服务", "/zwfw/index.html"), ("互动交流", "/hdjl/index.html"),
              ("新闻中心", NEWS_HOME), ("走进清源", "/zjqy/index.html"))


class Links:
    """The base URL of each origin of the portal, known once every server has its port."""

    def __init__(self):
        self.bases: dict[str, str] = {}

    def url(self, origin: str, path: str) -> str:
        return self.bases[origin] + path


class Frame:
    """Pages of one origin: links to the same origin stay paths, links to another are absolute."""

    def __init__(self, links: Links, here: str):
        self.links = links
        self.here = here

    def href(self, origin: str, path: str) -> str:
        return path if origin == self.here else self.links.url(origin, path)

    def portal(self, path: str) -> str:
        return self.href("city", path)

    def crumbs(self, *trail: tuple[str, str | None]) -> str:
        """当前位置：首页 > … ; a (text, href) pair links, (text, None) is the current page."""
        parts = [f'<a href="{self.portal(HOME)}">首页</a>']
        for text, href in trail:
            parts.append(f'<a href="{escape(href)}">{escape(text)}</a>' if href else f"<span>{escape(text)}</span>")
        return '<div class="position">当前位置：' + " &gt; ".join(parts) + "</div>"

    def page(self, title: str, trail: list[tuple[str, str | None]], body: str, *, side: str = "",
             meta: dict[str, str] | None = None, scripts: tuple[str, ...] = (), header: str = "") -> str:
        column = trail[-1][0] if trail else "首页"
        metas = {"SiteName": GOVERNMENT, "SiteDomain": "www.qingyuan.gov.cn", "SiteIDCode": "3399000001",
                 "ColumnName": column, **(meta or {})}
        head_meta = "\n".join(f'<meta name="{k}" content="{escape(v)}">' for k, v in metas.items())
        head_scripts = "".join(f'\n<script src="{src}"></script>' for src in scripts)
        nav = "".join(f'<li><a href="{self.portal(path)}">{text}</a></li>' for text, path in PORTAL_NAV)
        sub = f'<span class="sub-name">{escape(header)}</span>' if header else ""
        crumbs = self.crumbs(*trail) if trail else ""
        return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{escape(title)}</title>
{head_meta}
<link rel="stylesheet" href="/css/common.css">
<script src="/js/jquery.min.js"></script>{head_scripts}
</head>
<body>
<div class="top-bar"><div class="w1200"><span>欢迎访问{GOVERNMENT}门户网站</span>
<a href="javascript:void(0)" id="s2t">繁體</a> <a href="javascript:void(0)" class="wza">无障碍</a> <a href="javascript:void(0)" class="zzms">长者模式</a></div></div>
<div class="header w1200"><div class="logo"><a href="{self.portal(HOME)}">{GOVERNMENT}</a>{sub}</div>
<form class="search" action="{self.portal('/search/index.html')}" method="get"><input type="text" name="q" placeholder="请输入关键字"><button type="submit">搜索</button></form></div>
<div class="nav"><ul class="w1200">{nav}</ul></div>
{crumbs}
<div class="main w1200">
{side}<div class="main-right">
{body}
</div>
</div>
<div class="footer"><p><a href="{self.portal('/wzdt/index.html')}">网站地图</a> | <a href="{self.portal('/lxwm/index.html')}">联系我们</a> | <a href="{self.portal('/wzsm/index.html')}">网站声明</a></p>
<p>主办：清源市人民政府办公室　承办：清源市大数据发展管理局　地址：清源市府前路1号　电话：0579-83012345</p>
<p>网站标识码：3399000001　浙ICP备12034567号-1　浙公网安备 33990002000101号　<a href="javascript:void(0)">政府网站找错</a></p></div>
</body>
</html>
"""

    def xxgk_side(self) -> str:
        """The 政府信息公开 sidebar of the portal's own disclosure pages."""
        items = list(XXGK_PAGES) + [(DIRECTORY_NAMES[k], DIRECTORIES[k]) for k in DIRECTORIES]
        lis = "".join(f'<li><a href="{self.portal(path)}">{text}</a></li>' for text, path in items)
        return f'<div class="xxgk-side"><div class="side-title">政府信息公开</div><ul class="xxgk-nav">{lis}</ul></div>\n'


def items_list(items: list[tuple[str, str, str]], cls: str = "list") -> str:
    """(href, title, date) rows, the way portal boxes and listings print them."""
    lis = "\n".join(f'<li><a href="{escape(h)}" title="{escape(t)}" target="_blank">{escape(t)}</a><span>{d}</span></li>'
                    for h, t, d in items)
    return f'<ul class="{cls}">\n{lis}\n</ul>'


def text_page(lines: list[str]) -> str:
    return '<div class="text-page">' + "".join(f"<p>{escape(line)}</p>" for line in lines) + "</div>"

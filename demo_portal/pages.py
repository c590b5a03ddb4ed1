"""HTML of a demo agency site: page chrome, listing pages with pagination, detail pages with the
信息公开 metadata block and the body in a CMS content container."""
from __future__ import annotations

from html import escape


def chrome(site_name: str, title: str, column: str, body: str, *, meta: dict[str, str] | None = None,
           charset: str = "utf-8") -> str:
    metas = {"SiteName": site_name, "ColumnName": column, **(meta or {})}
    head_meta = "\n".join(f'<meta name="{k}" content="{escape(v)}">' for k, v in metas.items())
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{_charset_meta(charset)}
<title>{escape(title)}</title>
{head_meta}
<link rel="stylesheet" href="/css/common.css">
<script src="/js/jquery.min.js"></script>
</head>
<body>
<div class="header"><div class="logo">{escape(site_name)}</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/col/news/index.html">新闻动态</a></li>
<li><a href="/col/xxgk/index.html">政府信息公开</a></li><li><a href="/col/hdjl/index.html">互动交流</a></li>
<li><a href="/col/zwfw/index.html">政务服务</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <span>{escape(column)}</span></div>
<div class="main">
{body}
</div>
<div class="footer"><p>主办单位：{escape(site_name)}　<a href="/sitemap.html">网站地图</a>　<a href="/contact.html">联系我们</a></p>
<p>网站标识码：3302050001　浙ICP备05000000号-1　<a href="http://www.beian.gov.cn/">公安机关备案号</a></p></div>
</body>
</html>
"""


def listing(items: list[tuple[str, str, str]], pagination: str) -> str:
    """items: (href, title, date)."""
    lis = "\n".join(
        f'<li><a href="{escape(href)}" title="{escape(title)}" target="_blank">{escape(title)}</a><span>{date}</span></li>'
        for href, title, date in items
    )
    return f'<div class="list-box"><ul class="list">\n{lis}\n</ul></div>\n{pagination}'


def pagination_links(page: int, pages: int, href, window: int | None = None) -> str:
    """首页 / 上一页 / numbered / 下一页 / 尾页, as most CMS listings print them; href(n) gives page n's URL.
    `window`: only the numbers within that distance of the current page (long listings)."""
    if pages <= 1:
        return ""
    parts = [f'<a href="{href(1)}">首页</a>']
    if page > 1:
        parts.append(f'<a href="{href(page - 1)}">上一页</a>')
    low, high = (1, pages) if window is None else (max(1, page - window), min(pages, page + window))
    for n in range(low, high + 1):
        parts.append(f"<span class=\"current\">{n}</span>" if n == page else f'<a href="{href(n)}">{n}</a>')
    if page < pages:
        parts.append(f'<a href="{href(page + 1)}">下一页</a>')
    parts.append(f'<a href="{href(pages)}">尾页</a>')
    parts.append(f"<span>共{pages}页</span>")
    return '<div class="pagination">' + " ".join(parts) + "</div>"


_META_LABELS = (("index_no", "索 引 号"), ("doc_no", "文　　号"), ("publisher", "发布机构"), ("written_date", "成文日期"),
                ("topic", "主题分类"), ("published_date", "发布日期"), ("disclosure", "公开方式"), ("genre", "体裁分类"))


def metadata_block(meta: dict[str, str]) -> str:
    """Jiangsu/Zhejiang style table.xxgk_table: two label/value pairs a row; empty values stay empty."""
    pairs = [(label, meta[key]) for key, label in _META_LABELS if key in meta]
    rows = []
    for i in range(0, len(pairs), 2):
        tds = "".join(f'<td class="label">{escape(lbl)}：</td><td class="value">{escape(val)}</td>' for lbl, val in pairs[i:i + 2])
        rows.append(f"<tr>{tds}</tr>")
    return '<table class="xxgk_table">\n' + "\n".join(rows) + "\n</table>"


def _charset_meta(charset: str) -> str:
    if charset == "malformed-gbk":  # seen on real portals: a broken http-equiv the browser still honours
        return '<meta httpequiv="Content-Type" content="text/html; charset=gbk">'
    return f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'


def _container(kind: str, content: str) -> str:
    if kind == "hanweb":  # 大汉: div#zoom between ContentStart/ContentEnd, Zhejiang's RSS markers inside
        return (f'<div id="zoom">\n<meta name="ContentStart">\n<!--ZJEG_RSS.content.begin-->\n{content}\n'
                f'<!--ZJEG_RSS.content.end-->\n<meta name="ContentEnd">\n</div>')
    if kind == "trs":
        return f'<div class="TRS_Editor"><div class="Custom_UnionStyle">\n{content}\n</div></div>'
    return f'<div class="article-content">\n{content}\n</div>'


def article(title: str, date: str, content: str, *, meta: dict[str, str] | None = None, source: str = "",
            container: str = "hanweb") -> str:
    block = metadata_block(meta) if meta else ""
    return f"""{block}
<div class="article">
<h1 class="title">{escape(title)}</h1>
<div class="info">发布日期：{date}　信息来源：{escape(source)}　浏览次数：<span id="hits">0</span></div>
{_container(container, content)}
<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>"""


def paragraphs(lines: list[str]) -> str:
    return "\n".join(f'<p style="text-indent:2em">{escape(line)}</p>' for line in lines)

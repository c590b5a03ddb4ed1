"""How each CMS lists a column, as reference/portals.md describes real ones.

A CMS builds a site's listing pages (static, path → page) and may answer dynamic requests
(the Hanweb data proxy, a JSON list API). Article pages differ only in their content container.
"""
from __future__ import annotations

import json
from html import escape
from urllib.parse import parse_qs, quote, urlsplit

from demo_portal import pages


class Generic:
    """Static listing pages with 首页/上一页/1 2 3/下一页/尾页 links: index_N.html, ?page=N or list_N.html."""

    container = "generic"

    def __init__(self, paging: str = "index_n"):
        self.paging = paging

    def listing_href(self, site, n: int) -> str:
        if n == 1:
            return site.column_dir + "index.html"
        if self.paging == "index_n":
            return f"{site.column_dir}index_{n - 1}.html"
        if self.paging == "query":
            return f"{site.column_dir}index.html?page={n}"
        return f"{site.column_dir}list_{n}.html"

    def listing_pages(self, site) -> dict[str, str]:
        out = {}
        groups = site.listing_groups()
        for n, items in enumerate(groups, 1):
            body = pages.listing(items, pages.pagination_links(n, len(groups), lambda k: self.listing_href(site, k)))
            out[self.listing_href(site, n)] = site.chrome(f"{site.column_name}_{site.site_name}", body)
        return out

    def handle(self, site, method, path, headers, body):
        return None


class Trs(Generic):
    """TRS WCM: index.html, index_1.html …; the page count only in createPageHTML(total, current, …);
    the deepest page a ~300-byte stub; article bodies in div.TRS_Editor."""

    container = "trs"

    def __init__(self, stub_pages: int = 1):
        super().__init__("index_n")
        self.stub_pages = stub_pages  # index_N pages past the end that answer a stub, not a 404

    def listing_pages(self, site) -> dict[str, str]:
        out = {}
        groups = site.listing_groups()
        total = len(groups) + self.stub_pages  # TRS counts the stub too
        for n, items in enumerate(groups, 1):
            rows = "\n".join(
                f'<li><a href=".{escape(href[len(site.column_dir) - 1:])}" title="{escape(title)}" target="_blank">'
                f"{escape(title)}</a><span>{date}</span></li>" for href, title, date in items)
            body = (f'<div class="list"><ul>\n{rows}\n</ul></div>\n<div class="page"><script type="text/javascript">\n'
                    f'var currentPage = {n - 1};var countPage = {total};\n'
                    f'createPageHTML({total}, {n - 1}, "index", "html");\n</script></div>')
            out[self.listing_href(site, n)] = site.chrome(f"{site.column_name}_{site.site_name}", body)
        for k in range(len(groups) + 1, total + 1):
            out[self.listing_href(site, k)] = f"<html><head><meta charset=\"{site.declared_charset}\"></head><body><div class=\"list\"><ul></ul></div></body></html>"
        return out


class Hanweb:
    """大汉 JCMS: /col/colN/index.html is a JS shell with the first page of records in a <datastore>;
    the rest only from POST {proxy}?startrecord=&endrecord=&perpage= with the column's form body."""

    container = "hanweb"

    def __init__(self, column_id: str, unit_id: str = "464148", proxy: str = "/module/web/jpage/dataproxy.jsp",
                 record: str = "span"):
        self.column_id = column_id
        self.unit_id = unit_id
        self.proxy = proxy
        self.record = record  # how a record prints its date: span | time | i

    def form(self, site) -> str:
        return (f"col=1&appid=1&webid=3&path=/&columnid={self.column_id}&unitid={self.unit_id}"
                f"&webname={quote(site.site_name)}&permissiontype=0")

    def _record(self, href, title, date) -> str:
        if self.record == "time":
            return (f'<li><span class="time">{date}</span><a title="{escape(title)}" target="_blank" '
                    f'href="{escape(href)}">{escape(title)}</a></li>')
        if self.record == "i":
            return f'<li><a href="{escape(href)}" title="{escape(title)}">{escape(title)}</a><i>{date}</i></li>'
        return f'<li><a href="{escape(href)}" title="{escape(title)}" target="_blank">{escape(title)}</a><span>{date}</span></li>'

    def _recordset(self, items) -> str:
        return "".join(f"<record><![CDATA[{self._record(*item)}]]></record>\n" for item in items)

    def listing_pages(self, site) -> dict[str, str]:
        items = site.listing_items()
        first = items[:site.per_page]
        nextgroup = f'<a href="{self.proxy}?page=1&{self.form(site).replace("col=1&", "")}">'
        body = f"""<div id="{self.unit_id}">
<script type="text/xml"><datastore><nextgroup><![CDATA[{nextgroup}]]></nextgroup><recordset>
{self._recordset(first)}</recordset></datastore></script>
</div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script type="text/javascript">
$(document).ready(function(){{ $('#{self.unit_id}').jpage({{dataStore: dataStore, perPage: {site.per_page},
  totalRecord: {len(items)}, proxyUrl: '{self.proxy}', groupSize: 3, barPosition: 'bottom',
  ajaxParam: {{col: 1, appid: 1, webid: 3, path: '/', columnid: {self.column_id}, unitid: {self.unit_id},
  webname: '{site.site_name}', permissiontype: 0}} }}); }});
</script>"""
        return {site.column_dir + "index.html": site.chrome(f"{site.column_name}_{site.site_name}", body)}

    def handle(self, site, method, path, headers, body):
        parts = urlsplit(path)
        if parts.path != self.proxy:
            return None
        form = parse_qs(body.decode("utf-8", "replace")) if body else {}
        query = parse_qs(parts.query)
        # The proxy answers only what the page's own XHR sends: a POST with the column's form body.
        if (method != "POST" or form.get("columnid") != [self.column_id]
                or headers.get("X-Requested-With") != "XMLHttpRequest"):
            return 403, "text/html; charset=utf-8", b"<html><body>error</body></html>"
        try:
            start, end = int(query["startrecord"][0]), int(query["endrecord"][0])
            per = int(query["perpage"][0])
        except (KeyError, ValueError):
            return 400, "text/html; charset=utf-8", b"<html><body>bad request</body></html>"
        items = site.listing_items()
        chosen = items[start - 1:end]
        xml = (f"<datastore><totalrecord>{len(items)}</totalrecord><totalpage>{-(-len(items) // per)}</totalpage>"
               f"<nextgroup><![CDATA[]]></nextgroup><recordset>\n{self._recordset(chosen)}</recordset></datastore>")
        return 200, "text/xml; charset=utf-8", xml.encode("utf-8")


class JsList:
    """A listing the browser fills from a JSON endpoint no adapter knows: the HTML has an empty list."""

    container = "generic"

    def __init__(self, api: str = "/api/doc/list"):
        self.api = api

    def listing_pages(self, site) -> dict[str, str]:
        body = f"""<div class="list-box"><ul class="list" id="doc-list"></ul><div class="pagination" id="pager"></div></div>
<script>
(function () {{
  var page = parseInt(new URLSearchParams(location.search).get("page") || "1", 10);
  fetch("{self.api}?column={site.key}&page=" + page + "&size={site.per_page}")
    .then(function (r) {{ return r.json(); }})
    .then(function (data) {{
      var ul = document.getElementById("doc-list");
      data.rows.forEach(function (row) {{
        var li = document.createElement("li"), a = document.createElement("a"), s = document.createElement("span");
        a.href = row.link; a.title = row.name; a.textContent = row.name; s.textContent = row.pubDate;
        li.appendChild(a); li.appendChild(s); ul.appendChild(li);
      }});
      var pager = document.getElementById("pager");
      for (var n = 1; n <= data.pages; n++) {{
        var p = document.createElement(n === page ? "span" : "a");
        p.textContent = String(n); if (n !== page) p.href = "index.html?page=" + n; pager.appendChild(p);
      }}
    }});
}})();
</script>"""
        return {site.column_dir + "index.html": site.chrome(f"{site.column_name}_{site.site_name}", body)}

    def handle(self, site, method, path, headers, body):
        parts = urlsplit(path)
        if parts.path != self.api:
            return None
        query = parse_qs(parts.query)
        page = int(query.get("page", ["1"])[0])
        size = int(query.get("size", [str(site.per_page)])[0])
        items = site.listing_items()
        rows = [{"name": t, "link": h, "pubDate": d} for h, t, d in items[(page - 1) * size:page * size]]
        data = {"total": len(items), "pages": -(-len(items) // size), "rows": rows}
        return 200, "application/json; charset=utf-8", json.dumps(data, ensure_ascii=False).encode("utf-8")

"""大汉 JCMS columns: the <datastore> embedded in /col/colN/index.html and the data proxy behind it.

The column page carries the first records and, in its init script, proxyUrl, totalRecord and
perPage; the rest comes from POST {proxyUrl}?startrecord=&endrecord=&perpage= with the form body
of the <nextgroup> link (reference/portals.md). Calling the proxy directly needs no browser.
"""
from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

PROXY_PATHS = ("/module/web/jpage/dataproxy.jsp", "/module/jpage/dataproxy.jsp")  # newer, older sites
GROUP_PAGES = 3  # the JS fetches three pages of records per call

_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S)
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)
_NUM = {key: re.compile(rf"""\b{key}\s*[:=]\s*['"]?(\d+)""") for key in ("totalRecord", "perPage", "groupSize")}
_PROXY_URL = re.compile(r"""proxyUrl\s*[:=]\s*['"]([^'"]+)['"]""")


@dataclass(frozen=True)
class Column:
    proxy_url: str | None  # absolute; None when the page does not say
    form: dict[str, str]  # the POST body
    total: int
    per_page: int
    group_pages: int


def records(text: str) -> list[str]:
    """The record markup of a datastore (column page or proxy answer)."""
    return _RECORD.findall(text)


def parse_column(text: str, page_url: str) -> Column | None:
    """What the column page says about its data proxy; None when there is no datastore to page."""
    if "<datastore>" not in text.lower():
        return None
    form: dict[str, str] = {}
    m = _NEXTGROUP.search(text)
    if m:
        href = _HREF.search(m.group(1))
        if href:
            query = urlsplit(htmllib.unescape(href.group(1))).query
            form = {k: v for k, v in parse_qsl(query, keep_blank_values=True) if k != "page"}
    if "columnid" not in form:
        found = re.search(r"columnid\s*[:=]\s*['\"]?(\d+)", text)
        if not found:
            return None
        form["columnid"] = found.group(1)
    form = {"col": "1", **form}
    nums = {k: int(p.search(text).group(1)) if p.search(text) else None for k, p in _NUM.items()}
    per_page = nums["perPage"] or len(records(text)) or 15
    total = nums["totalRecord"] if nums["totalRecord"] is not None else len(records(text))
    proxy = _PROXY_URL.search(text)
    return Column(urljoin(page_url, proxy.group(1)) if proxy else None, form, total, per_page,
                  nums["groupSize"] or GROUP_PAGES)


def proxy_calls(column: Column, proxy_url: str) -> list[tuple[str, str]]:
    """(URL, form body) of every proxy call after the records the column page already holds."""
    calls = []
    step = column.per_page * column.group_pages
    start = column.per_page + 1
    while start <= column.total:
        end = min(column.total, start + step - 1)
        query = urlencode({"startrecord": start, "endrecord": end, "perpage": column.per_page})
        calls.append((f"{proxy_url}?{query}", urlencode(column.form)))
        start = end + 1
    return calls


def default_proxy(page_url: str, older: bool = False) -> str:
    return urljoin(page_url, PROXY_PATHS[1 if older else 0])


HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
    "X-Requested-With": "XMLHttpRequest",
    "Accept": "application/xml, text/xml, */*; q=0.01",
}

"""Discovery on listing pages: which links lead to more listing pages, which to candidate reports.

Candidates are chosen wide (any link naming 年度报告/年报) and classified precisely after the page
is fetched (extract.report), so a notice about a report is archived but not counted as one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urldefrag, urljoin, urlsplit

from parsel import Selector

from crawler.sites import Site
from extract.chinese import to_simplified
from extract.report import looks_like_report_title, names_report

_WS = re.compile(r"\s+")
_PAGINATION = re.compile(r"^(?:下一?页|下页|尾页|末页|上一?页|首页|第?\d{1,4}页?|[>»›]+|next|last)$", re.I)
_YEAR = re.compile(r"20\d\d")
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#")
NOT_PAGES = re.compile(r"\.(?:css|js|jpg|jpeg|png|gif|ico|svg|mp4|mp3|exe)(?:\?|$)", re.I)


def is_report_link(label: str) -> bool:
    """A link text or title that names a report (or a column of them, or a notice about one): the
    extractor's own test (extract.report.names_report), so crawler and classifier agree."""
    return names_report(label)


@dataclass(frozen=True)
class Links:
    pages: list[str]  # further pages of this listing (its pagination)
    columns: list[str]  # other listings: undated links naming reports (a 政府信息公开年报 column)
    details: list[str]
    files: list[str]  # a report published as a file straight from the listing
    labels: dict[str, str]  # the link text (or title) of each detail and file


def discover(selector: Selector, base_url: str, site: Site) -> Links:
    pages: dict[str, None] = {}
    columns: dict[str, None] = {}
    details: dict[str, None] = {}
    files: dict[str, None] = {}
    labels: dict[str, str] = {}
    for a in selector.xpath("//a[@href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = urldefrag(urljoin(base_url, href))[0]
        if url == base_url or not site.allows(url) or NOT_PAGES.search(url):
            continue
        text = _WS.sub("", " ".join(a.xpath(".//text()").getall()))
        title = _WS.sub("", a.attrib.get("title", ""))
        if _PAGINATION.match(text):
            # Only pages of this listing: "首页" in the site's navigation is the home page.
            if _directory(url) == _directory(base_url):
                pages[url] = None
            continue
        label = to_simplified(title if len(title) > len(text) else text, threshold=1)
        if is_report_link(label):
            # A dated title is a report (or a notice about one); an undated one is a column of them.
            if FILE_URL.search(urlsplit(url).path):
                files[url] = None
            else:
                (details if _YEAR.search(label) else columns)[url] = None
            labels.setdefault(url, label)
    return Links(list(pages), list(columns), list(details), list(files), labels)


def _directory(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc + parts.path.rsplit("/", 1)[0]


_FILE_EXT = r"(?:pdf|docx?|wps|ofd|xlsx?|et|zip|rar)"
FILE_URL = re.compile(rf"\.{_FILE_EXT}(?:$|[?#])", re.I)
_ONCLICK_URL = re.compile(rf"""['"]([^'"]+\.{_FILE_EXT})['"]""", re.I)


def attachments(selector: Selector, base_url: str, site: Site) -> list[str]:
    """Files a report page points at: plain links, <iframe>/<embed>/<object>, pdf.js viewers, onclick."""
    found: dict[str, None] = {}

    def add(ref: str | None):
        if not ref:
            return
        url = urldefrag(urljoin(base_url, ref.strip()))[0]
        parts = urlsplit(url)
        viewer = parse_qs(parts.query).get("file")
        if viewer and "viewer" in parts.path:  # pdfjs/web/viewer.html?file=/path/report.pdf
            url = urldefrag(urljoin(url, unquote(viewer[0])))[0]
        if FILE_URL.search(urlsplit(url).path) and site.allows(url):
            found[url] = None

    for ref in selector.xpath("//a/@href | //iframe/@src | //embed/@src | //object/@data").getall():
        add(ref)
    for script in selector.xpath("//*/@onclick").getall():
        for ref in _ONCLICK_URL.findall(script):
            add(ref)
    return list(found)


# Where CMSs put an article's body (Hanweb, TRS, generic): a page's report images are looked for there
# first, so that logos and icons of the page chrome stay out.
_BODY_IMAGES = ("//div[@id='zoom']//img[@src] | //div[contains(@class, 'TRS_Editor')]//img[@src]"
                " | //div[contains(@class, 'TRS_UEDITOR')]//img[@src] | //div[contains(@class, 'article')]//img[@src]")
_TITLES = "//meta[@name='ArticleTitle']/@content | //h1//text() | //title//text()"
_STAT_TABLE_ROWS = 6  # a table with more rows is a statistical table; the 信息公开 metadata block has fewer
_ICON = re.compile(r"\.(?:gif|svg|ico)(?:\?|$)", re.I)


def report_images(selector: Selector, base_url: str, site: Site) -> list[str]:
    """The images of a report printed as images （图片版）, in page order: a page whose title names a
    report and whose body has no statistical table, its body's images (none otherwise)."""
    titles = [to_simplified(_WS.sub("", t), threshold=1) for t in selector.xpath(_TITLES).getall()]
    if not any(looks_like_report_title(t) for t in titles):
        return []
    if any(len(table.xpath(".//tr")) > _STAT_TABLE_ROWS for table in selector.xpath("//table")):
        return []
    refs = selector.xpath(_BODY_IMAGES).xpath("@src").getall() or selector.xpath("//img/@src").getall()
    found: dict[str, None] = {}
    for ref in refs:
        url = urldefrag(urljoin(base_url, ref.strip()))[0]
        if ref.strip() and not ref.startswith("data:") and not _ICON.search(url) and site.allows(url):
            found[url] = None
    return list(found)

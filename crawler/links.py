"""Discovery on listing pages: which links lead to more listing pages, which to candidate reports.

Candidates are chosen wide (any link naming 年度报告/年报) and classified precisely after the page
is fetched (extract.report), so a notice about a report is archived but not counted as one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from parsel import Selector

from crawler.sites import Site
from extract.chinese import to_simplified

_WS = re.compile(r"\s+")
_PAGINATION = re.compile(r"^(?:下一?页|下页|尾页|末页|上一?页|首页|第?\d{1,4}页?|[>»›]+|next|last)$", re.I)
_REPORTISH = re.compile(r"年度报告|年报|年度工作报告|年度报吿")
_YEAR = re.compile(r"20\d\d")
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#")
_NOT_PAGES = re.compile(r"\.(?:css|js|jpg|jpeg|png|gif|ico|svg|zip|rar|mp4|mp3|exe)(?:\?|$)", re.I)


@dataclass(frozen=True)
class Links:
    listings: list[str]
    details: list[str]


def discover(selector: Selector, base_url: str, site: Site) -> Links:
    listings: dict[str, None] = {}
    details: dict[str, None] = {}
    for a in selector.xpath("//a[@href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = urldefrag(urljoin(base_url, href))[0]
        if url == base_url or not site.allows(url) or _NOT_PAGES.search(url):
            continue
        text = _WS.sub("", " ".join(a.xpath(".//text()").getall()))
        title = _WS.sub("", a.attrib.get("title", ""))
        if _PAGINATION.match(text):
            # Only pages of this listing: "首页" in the site's navigation is the home page.
            if _directory(url) == _directory(base_url):
                listings[url] = None
            continue
        label = to_simplified(title if len(title) > len(text) else text, threshold=1)
        if _REPORTISH.search(label):
            # A dated title is a report (or a notice about one); an undated one is a column of them.
            (details if _YEAR.search(label) else listings)[url] = None
    return Links(list(listings), list(details))


def _directory(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc + parts.path.rsplit("/", 1)[0]

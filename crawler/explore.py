"""Exploration: from a portal page toward every department's report column, on a budget.

The way down on real portals (reference/portals.md): home → 政府信息公开 / 政务公开 / 信息公开目录 →
a directory of departments (部门, 单位, 乡镇街道; links that carry only a name: …财政局, …委员会,
…镇人民政府) → a department's platform home → its 政府信息公开年报 / 年度报告 column. `leads` reads a
page's links — plain ones and those its scripts draw (crawler.script_links) — and keeps the ones
that lead that way:

  column  a link naming reports without a year (政府信息公开年报), or a conventional column path
          (zfxxgknb, xxgknb, ndbg, gknb): a listing to crawl
  detail  a link naming a dated report: a candidate report page
  file    the same, as a document (PDF, DOC …)
  hub     a link toward them: 信息公开 words, a department's name (on a page that is a directory),
          nothing that names news, notices, services or interaction (not walked wholesale)

Each lead has a score (columns first, then departments, then other hubs; nav and sidebar links
before body links), which the spider uses as the request's priority; depth and a per-site budget of
hub pages bound the exploration.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from parsel import Selector

from crawler.links import FILE_URL, NOT_PAGES, is_report_link
from crawler.script_links import script_links
from crawler.sites import Site
from extract.chinese import to_simplified

_CJK = "\u4e00-\u9fff"
HUB_WORDS = ("政府信息公开", "信息公开", "政务公开", "公开目录", "法定主动公开", "主动公开", "部门", "单位", "乡镇", "街道",
             "镇街", "区县", "县区", "县市区")
# Sections an explorer must not walk: news, notices, services, interaction, site furniture.
AVOID_WORDS = ("新闻", "动态", "要闻", "通知", "公告", "图片", "视频", "专题", "招聘", "领导", "互动", "留言", "信箱", "办事",
               "服务", "下载", "征集", "调查", "访谈", "直播", "天气", "无障碍", "地图", "联系", "登录", "注册", "搜索", "手机",
               "解读", "指南", "依申请", "申请", "意见", "建议", "提案", "投诉", "举报", "政策", "文件", "规划", "计划", "总结",
               "财政", "预算", "决算", "统计", "公示", "人事", "会议", "制度", "机构", "职能", "English", "RSS")
# A department or town: a short name ending in the word for a body of government.
DEPARTMENT = re.compile(rf"^[{_CJK}（）()·]{{2,30}}?(?:人民政府办公室|人民政府|委员会|办公室|管理局|局|厅|委|办|院|署|中心|"
                        rf"监狱|所|站|馆|队|街道办事处|街道|镇|乡|公司)$")
# Words in a name that make it a section, not a department (新闻中心, 政务服务中心 …).
NOT_DEPARTMENT = ("新闻", "互动", "服务", "下载", "专题", "视频", "图片", "导航", "地图", "首页")
# An undated link that names reports is a column when it is a column's name (政府信息公开年报, 年度报告);
# a longer text merely mentioning one (…年度报告编制培训会) is news, not followed.
_COLUMN_NAME = re.compile(r"(?:年报|年度报告|工作报告)(?:专栏|栏目)?$")
COLUMN_PATH = re.compile(r"/(?:zfxxgknb|xxgknb|zfxxgkndbg|xxgkndbg|ndbg|gknb)(?:[/._]|$)", re.I)
_WS = re.compile(r"\s+")
_NAV = re.compile(r"nav|menu|side|left|lm|dh|crumb|dept|bm|list|tree|column|sub", re.I)
_YEAR = re.compile(r"(?:19|20)\d\d")
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#")
_CRUMB_SEP = re.compile(r"\s*(?:>|＞|»|›|→|/)\s*")

COLUMN, DETAIL, FILE, HUB = "column", "detail", "file", "hub"


@dataclass(frozen=True)
class Lead:
    url: str
    kind: str  # column | detail | file | hub
    score: int
    label: str
    agency: str | None = None  # the department the link names, when it names one


def label_of(text: str, title: str) -> str:
    text, title = _WS.sub("", text or ""), _WS.sub("", title or "")
    return to_simplified(title if len(title) > len(text) else text, threshold=1)


def classify(url: str, label: str, *, in_nav: bool, directory: bool) -> Lead | None:
    """What one link leads to, or None when exploration should not follow it."""
    path = urlsplit(url).path
    if is_report_link(label):
        if FILE_URL.search(path):
            return Lead(url, FILE, 90, label)
        if _YEAR.search(label):
            return Lead(url, DETAIL, 80, label)
        if _COLUMN_NAME.search(label) and len(label) <= 20:
            return Lead(url, COLUMN, 100, label)
        return None
    nav = 10 if in_nav else 0
    if DEPARTMENT.match(label) and (directory or in_nav) and not any(w in label for w in NOT_DEPARTMENT):  # before AVOID_WORDS: 财政局, 统计局 are departments
        return Lead(url, HUB, 60 + nav, label, agency=label)
    if any(w in label for w in AVOID_WORDS):
        return None
    if COLUMN_PATH.search(path):
        return Lead(url, COLUMN, 95, label)
    # A hub's name is short (部门信息公开, 乡镇（街道）信息公开); a longer text with such a word is a headline.
    if any(w in label for w in HUB_WORDS) and len(label) <= 12:
        return Lead(url, HUB, 40 + nav, label)
    return None


def leads(selector: Selector, page_url: str, site: Site) -> list[Lead]:
    """The page's leads, plain and script-made links alike, best first; one per URL."""
    anchors: list[tuple[str, str, bool]] = []
    for a in selector.xpath("//a[@href]"):
        in_nav = bool(a.xpath("ancestor::*[self::nav or self::ul or self::ol or self::dl or self::div]"
                              "[contains(concat(@class, ' ', @id), 'nav') or contains(concat(@class, ' ', @id), 'menu')"
                              " or contains(concat(@class, ' ', @id), 'side') or contains(concat(@class, ' ', @id), 'left')"
                              " or contains(concat(@class, ' ', @id), 'dept') or contains(concat(@class, ' ', @id), 'bm')]"))
        anchors.append((a.attrib.get("href", ""), label_of(" ".join(a.xpath(".//text()").getall()),
                                                           a.attrib.get("title", "")), in_nav))
    anchors += [(href, label_of(text, ""), True) for href, text in script_links(selector, page_url)]
    # A directory: a page whose links name several departments.
    names = sum(1 for _, label, _ in anchors if DEPARTMENT.match(label))
    directory = names >= 3
    best: dict[str, Lead] = {}
    for href, label, in_nav in anchors:
        href = href.strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = urldefrag(urljoin(page_url, href))[0]
        if url == page_url or not site.allows(url) or NOT_PAGES.search(url):
            continue
        lead = classify(url, label, in_nav=in_nav, directory=directory)
        if lead is not None and (url not in best or lead.score > best[url].score):
            best[url] = lead
    return sorted(best.values(), key=lambda lead: -lead.score)


def breadcrumb_agency(selector: Selector) -> str | None:
    """The department a page sits under, from its breadcrumb (当前位置：首页 > … > 某某市财政局 > …)."""
    for crumb in selector.xpath("//*[contains(text(), '当前位置') or contains(@class, 'crumb') or contains(@class, 'position')"
                                " or contains(@class, 'location') or contains(@id, 'crumb') or contains(@class, 'dqwz')]"):
        text = _WS.sub("", " > ".join(t for t in crumb.xpath(".//text()").getall() if t.strip()))
        parts = [p for p in _CRUMB_SEP.split(re.sub(r"^.*?当前位置[:：]?", "", text)) if p]
        named = [to_simplified(p, threshold=1) for p in parts if DEPARTMENT.match(to_simplified(p, threshold=1))]
        if named:
            return named[-1]
    return None

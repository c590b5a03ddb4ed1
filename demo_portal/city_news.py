"""The news section of the demo city portal (新闻中心): three channels, 1,500 articles, listings up
to 51 pages deep — what an explorer must not walk. No title names a report, except the few news
items about reports in NEWS_DECOYS (a training session, an assessment, a notice).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from demo_portal import pages
from demo_portal.city_chrome import NEWS_HOME, Frame, items_list
from demo_portal.city_units import GOVERNMENT

PER_PAGE = 20
# (key, name, articles)
CHANNELS = (("qyyw", "清源要闻", 1020), ("bmdt", "部门动态", 300), ("tzgg", "通知公告", 180))
CHANNEL_NAMES = {key: name for key, name, _ in CHANNELS}
NEWS_DECOYS = {  # channel → (title, date): news that mention 年度报告 but are no report
    "bmdt": (("我市召开政府信息公开工作年度报告编制培训会", "2023-12-20"),
             ("我市2022年度政府信息公开工作年度报告考核结果出炉", "2023-04-10")),
    "qyyw": (("市政务公开办开展2021年度政府信息公开工作年度报告评估", "2022-03-15"),),
    "tzgg": (("关于做好2022年度政府信息公开工作年度报告编制发布工作的通知", "2023-01-04"),),
}
_LAST_DAY = date(2023, 12, 29)

_TOPICS = ("乡村振兴", "安全生产", "营商环境优化提升", "数字化改革", "生态环境保护", "文明城市创建", "防汛防台", "招商引资",
           "民生实事项目", "基层治理", "重大项目建设", "城乡风貌整治", "消防安全", "农村人居环境整治", "科技创新", "就业创业")
_PLACES = ("白沙镇", "青山镇", "城东街道", "城西街道", "石门乡", "临溪镇", "清源经济开发区", "高新园区")
_LEADERS = ("市委书记", "市长", "市委副书记", "常务副市长", "副市长")
_DEPTS = ("市财政局", "市教育局", "市民政局", "市卫生健康委员会", "市交通运输局", "市应急管理局", "市市场监督管理局",
          "市生态环境局", "市司法局", "市统计局", "市住房和城乡建设局", "市人力资源和社会保障局")
_FORMS = {
    "qyyw": ("{leader}调研{place}{topic}工作", "我市召开{y}年{topic}工作推进会", "{place}扎实推进{topic}",
             "市政府召开第{n}次常务会议", "我市{topic}工作取得新成效", "{leader}督导检查{place}{topic}工作",
             "全市{topic}现场会在{place}召开", "市委常委会召开会议研究部署{topic}工作"),
    "bmdt": ("{dept}召开{y}年{topic}工作部署会", "{dept}开展{topic}专项行动", "{dept}组织开展{topic}业务培训",
             "{dept}赴{place}开展{topic}调研", "{dept}扎实做好{topic}各项工作"),
    "tzgg": ("关于{y}年{topic}工作安排的通知", "清源市人民政府关于加强{topic}工作的通告", "关于公布{y}年第{n}批{topic}示范点名单的公告",
             "关于开展{y}年度{topic}先进集体评选活动的通知", "关于{place}{topic}项目的公示"),
}


@dataclass(frozen=True)
class NewsItem:
    channel: str
    path: str
    title: str
    date: str


def listing_path(channel: str, n: int) -> str:
    """Page n (1-based) of a channel: index.html, index_1.html, …"""
    return f"/xwzx/{channel}/index.html" if n == 1 else f"/xwzx/{channel}/index_{n - 1}.html"


def _title(channel: str, i: int, day: date) -> str:
    forms = _FORMS[channel]
    return forms[i % len(forms)].format(
        leader=_LEADERS[i % len(_LEADERS)], place=_PLACES[(i // 3) % len(_PLACES)],
        topic=_TOPICS[(i // len(forms)) % len(_TOPICS)], dept=_DEPTS[(i // 2) % len(_DEPTS)],
        y=day.year, n=1 + i % 40)


def channel_items(channel: str, count: int) -> list[NewsItem]:
    """Newest first: `count` articles spread back from the end of 2023, the decoys among them by date."""
    span = 5 * 365  # five years of news
    rows = []
    for i in range(count):
        day = _LAST_DAY - timedelta(days=i * span // count)
        rows.append((day.isoformat(), _title(channel, i, day)))
    rows += [(d, t) for t, d in NEWS_DECOYS.get(channel, ())]
    rows.sort(key=lambda r: r[0], reverse=True)
    out = []
    for i, (d, title) in enumerate(rows):
        ymd = d.replace("-", "")
        out.append(NewsItem(channel, f"/xwzx/{channel}/{ymd[:6]}/t{ymd}_{5_000_000 + i}.html", title, d))
    return out


def all_items() -> dict[str, list[NewsItem]]:
    return {key: channel_items(key, count) for key, _, count in CHANNELS}


def _article(title: str, day: str) -> str:
    return pages.paragraphs([
        f"{day[:4]}年{int(day[5:7])}月{int(day[8:])}日，{title}。",
        "会议强调，要坚持以人民为中心的发展思想，压实工作责任，细化工作举措，确保各项任务落到实处。",
        "各相关部门负责人参加。",
    ])


def news_pages(frame: Frame, items: dict[str, list[NewsItem]]) -> dict[str, str]:
    """The 新闻中心 hub, every channel's listing pages and every article."""
    side = ('<div class="news-side"><div class="side-title">新闻中心</div><ul>'
            + "".join(f'<li><a href="{listing_path(k, 1)}">{n}</a></li>' for k, n, _ in CHANNELS) + "</ul></div>\n")
    out = {}
    boxes = []
    for key, name, _ in CHANNELS:
        latest = [(it.path, it.title, it.date) for it in items[key][:8]]
        boxes.append(f'<div class="news-box"><div class="box-title"><span>{name}</span>'
                     f'<a href="{listing_path(key, 1)}" class="more">更多&gt;&gt;</a></div>{items_list(latest)}</div>')
    out[NEWS_HOME] = frame.page(f"新闻中心_{GOVERNMENT}", [("新闻中心", None)], "\n".join(boxes), side=side)
    for key, name, _ in CHANNELS:
        rows = items[key]
        total = -(-len(rows) // PER_PAGE)
        trail = [("新闻中心", NEWS_HOME), (name, None)]
        for n in range(1, total + 1):
            group = [(it.path, it.title, it.date) for it in rows[(n - 1) * PER_PAGE:n * PER_PAGE]]
            body = (f'<div class="list-box">{items_list(group)}</div>\n'
                    + pages.pagination_links(n, total, lambda k, key=key: listing_path(key, k), window=2))
            out[listing_path(key, n)] = frame.page(f"{name}_{GOVERNMENT}", trail, body, side=side)
        for it in rows:
            body = (f'<div class="article"><h1 class="title">{escape(it.title)}</h1>'
                    f'<div class="info">发布日期：{it.date}　来源：{name}</div>'
                    f'<div class="article-content">\n{_article(it.title, it.date)}\n</div></div>')
            out[it.path] = frame.page(f"{it.title}_{GOVERNMENT}", [("新闻中心", NEWS_HOME), (name, listing_path(key, 1)),
                                                                        ("正文", None)], body, side=side,
                                      meta={"ArticleTitle": it.title, "PubDate": it.date, "ContentSource": name})
    return out

"""Reading a portal page's way toward report columns: script-made links (templates filled from the
page's own data, script objects, onclick targets) and the leads an explorer follows or leaves."""
from __future__ import annotations

from parsel import Selector

from crawler.explore import COLUMN, DETAIL, FILE, HUB, breadcrumb_agency, classify, leads
from crawler.script_links import fill, script_links, unreadable_templates
from crawler.sites import Site

PAGE = "http://127.0.0.1:8000/zwgk/zfxxgk/bmpt/czj/index.html"
SITE = Site("某某区", (PAGE,), explore=True)


def test_avalon_template_filled_from_the_page_url():
    html = """<ul class="nav"><li><a ms-attr-href="/zwgk/zfxxgk/{{paths[3]}}/{{paths[4]}}/zfxxgknb/">政府信息公开年报</a></li>
    <li><a ms-attr-href="/zwgk/zfxxgk/{{paths[3]}}/{{paths[4]}}/zcwj/">政策文件</a></li></ul>
    <script>var paths = window.location.pathname.split("/");</script>"""
    assert script_links(Selector(text=html), PAGE) == [("/zwgk/zfxxgk/bmpt/czj/zfxxgknb/", "政府信息公开年报"),
                                                       ("/zwgk/zfxxgk/bmpt/czj/zcwj/", "政策文件")]


def test_templates_filled_from_script_data_vue_and_angular():
    html = """<a :href="'/bm/' + dept.code + '/ndbg/'">年度报告</a>
    <a v-bind:href="`/bm/${dept.code}/xxgk/`">信息公开</a>
    <a ng-href="/bm/{{dept.code}}/gknb/index.html">信息公开年报</a>
    <a :href="computedUrl()">年报</a>
    <script>var dept = {code: 'wjw', name: '某某区卫生健康委员会'};</script>"""
    selector = Selector(text=html)
    assert script_links(selector, PAGE) == [("/bm/wjw/ndbg/", "年度报告"), ("/bm/wjw/xxgk/", "信息公开"),
                                            ("/bm/wjw/gknb/index.html", "信息公开年报")]
    assert unreadable_templates(selector, PAGE) == 1  # computedUrl(): only a browser knows


def test_a_directory_that_exists_only_as_a_script_object():
    html = """<ul id="bmlist"></ul><script>
    var gklist = {"/zwgk/zfxxgk/bmpt/czj/": {"orgname": "某某区财政局", "chnllist": [{"id": 1}]},
                  '/zwgk/zfxxgk/bmpt/jyj/': {'orgname': '某某区教育局', chnllist: []}};
    var more = [{url: '/zwgk/zfxxgk/zjbm/xfj/', name: '某某镇人民政府'}, {href: '/x/', title: ''}];
    for (var k in gklist) { document.getElementById('bmlist').innerHTML += '<li>' + gklist[k].orgname + '</li>'; }
    </script>"""
    assert script_links(Selector(text=html), PAGE) == [("/zwgk/zfxxgk/bmpt/czj/", "某某区财政局"),
                                                       ("/zwgk/zfxxgk/bmpt/jyj/", "某某区教育局"),
                                                       ("/zwgk/zfxxgk/zjbm/xfj/", "某某镇人民政府")]


def test_onclick_targets():
    html = """<li onclick="window.open('/bm/sfj/index.html')">某某区司法局</li>
    <div onclick="location.href='/bm/mzj/';return false">某某区民政局</div>
    <a href="javascript:void(0)" onclick="window.location.href = '/bm/wgj/'">某某区文化广电旅游局</a>"""
    assert script_links(Selector(text=html), PAGE) == [("/bm/sfj/index.html", "某某区司法局"), ("/bm/mzj/", "某某区民政局"),
                                                       ("/bm/wgj/", "某某区文化广电旅游局")]


def test_fill_refuses_what_it_cannot_resolve():
    assert fill("/a/{{x[9]}}/", {"x": ["a"]}) is None
    assert fill("/a/{{y}}/", {}) is None
    assert fill("/a/{{x.k}}/", {"x": {"k": "v"}}) == "/a/v/"


DIRECTORY = """<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/xwzx/">新闻中心</a></li>
<li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zwfw/">政务服务</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/zfxxgk/">政府信息公开</a> &gt; <span>部门信息公开</span></div>
<div class="main"><div class="bm-list"><ul>
<li><a href="/zwgk/zfxxgk/bmpt/czj/">某某区财政局</a></li><li><a href="/zwgk/zfxxgk/bmpt/jyj/">某某区教育局</a></li>
<li><a href="/zwgk/zfxxgk/bmpt/wjw/">某某区卫生健康委员会</a></li><li><a href="/zwgk/zfxxgk/bmpt/tjj/">某某区统计局</a></li>
</ul></div>
<div class="news"><ul><li><a href="/xwzx/2023/t1.html">某某区召开政府信息公开工作年度报告编制培训会</a></li>
<li><a href="/xwzx/2023/t2.html">区财政局开展业务培训</a></li><li><a href="/tzgg/">通知公告</a></li></ul></div>
<div class="side"><a href="/zwgk/zfxxgk/zfxxgknb/">政府信息公开年报</a><a href="/zwgk/zfxxgk/zn/">政府信息公开指南</a>
<a href="/zwgk/zfxxgk/fdzdgknr/">法定主动公开内容</a><a href="http://other.example/zwgk/">信息公开</a>
<a href="/zwgk/zfxxgk/xxgknb/2023ndbg.pdf">2023年度政府信息公开工作年度报告</a></div></div>"""


def test_directory_leads_departments_columns_and_leaves_news():
    found = {(lead.url.replace("http://127.0.0.1:8000", ""), lead.kind, lead.agency)
             for lead in leads(Selector(text=DIRECTORY), PAGE, SITE)}
    assert found == {
        ("/zwgk/", HUB, None),
        ("/zwgk/zfxxgk/", HUB, None),
        ("/zwgk/zfxxgk/bmpt/czj/", HUB, "某某区财政局"),
        ("/zwgk/zfxxgk/bmpt/jyj/", HUB, "某某区教育局"),
        ("/zwgk/zfxxgk/bmpt/wjw/", HUB, "某某区卫生健康委员会"),
        ("/zwgk/zfxxgk/bmpt/tjj/", HUB, "某某区统计局"),
        ("/zwgk/zfxxgk/zfxxgknb/", COLUMN, None),
        ("/zwgk/zfxxgk/fdzdgknr/", HUB, None),
        ("/zwgk/zfxxgk/xxgknb/2023ndbg.pdf", FILE, None),
    }  # not the news section, nor a news item that mentions 年度报告, nor 指南, nor another host
    ordered = [lead.kind for lead in leads(Selector(text=DIRECTORY), PAGE, SITE)]
    assert ordered[0] == COLUMN  # columns first, hubs after


def test_breadcrumb_names_the_department():
    html = """<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt;
    <a href="/zwgk/bm/">部门信息公开</a> &gt; <a href="/zwgk/bm/czj/">某某区财政局</a> &gt; <span>政府信息公开年报</span></div>"""
    assert breadcrumb_agency(Selector(text=html)) == "某某区财政局"
    assert breadcrumb_agency(Selector(text=DIRECTORY)) is None


def test_dated_report_links_and_decoys():
    def kind(label, url="http://127.0.0.1:8000/a/b.html"):
        lead = classify(url, label, in_nav=False, directory=False)
        return lead.kind if lead else None

    assert kind("某某区财政局2022年政府信息公开工作年度报告") == DETAIL
    assert kind("2023年度政府信息公开工作报告") == DETAIL
    assert kind("信息公开年报") == COLUMN
    assert kind("关于某某", "http://127.0.0.1:8000/bm/czj/xxgknb/") == COLUMN  # a conventional column path
    assert kind("我区召开政府信息公开工作年度报告编制培训会") is None
    assert kind("新闻中心") is None and kind("政务服务中心") is None
    assert kind("某某区财政局") is None  # a name alone, outside a directory or a nav, is not followed
    assert classify("http://127.0.0.1:8000/x/", "某某区财政局", in_nav=False, directory=True).agency == "某某区财政局"

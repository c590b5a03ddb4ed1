"""Which pages are reports (every title shape agencies use, decoys refused), their metadata in every
block shape, the agency when the title names none, completeness and check_status, honest empty
results and `python -m extract`'s exit codes."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from demo_portal.files import make_docx, make_pdf
from demo_portal.seeds import seed_path
from extract.page import extract_page
from extract.report import is_report, looks_like_report_title, names_report, year_of
from test_tables_html import REAL

# Real titles (published by agencies; the district bureau among them) and their year.
REPORT_TITLES = [
    ("宁波市江北区应急管理局2020年政府信息公开工作年度报告", 2020),
    ("衢州市应急管理局2020年度政府信息公开工作年度报告", 2020),
    ("上海市徐汇区市场监督管理局2021年度政府信息公开工作报告", 2021),  # 年度 before, ends in 工作报告
    ("北京市朝阳区人民政府2021年政府信息公开工作报告", 2021),  # no 年度
    ("国家税务总局2022年政务公开工作年度报告", 2022),
    ("阎良区应急管理局2020年政府信息公开年度报告", 2020),
    ("2023年度政府信息公开工作年报", 2023),
    ("沭阳县发展和改革局2023年政府信息公开年度报告", 2023),  # 年 without 度
    ("临沂市人民政府办公室二〇二〇年政府信息公开工作年度报告", 2020),  # Chinese numerals
    ("某县统计局二零二一年度政府信息公开工作年度报告", 2021),
    ("自治区应急管理厅2019年政府信息公开年度报告（图片版）", 2019),
]
DECOYS = [
    "关于报送2020年度政府信息公开工作年度报告的通知",
    "关于做好2020年政府信息公开年度报告工作的通知",
    "关于报送2020年政府信息公开工作年度报告的函",
    "2021年江北区应急管理局政务公开工作要点",
    "关于2020年度政府信息公开工作落实情况的自查报告",
    "2020年度政府信息公开统计报表",
    "环翠区应急管理局关于2019年度政府信息公开工作年度报告的解读",
    "政府信息公开年报",  # a column, not a report
    "2021年政府工作报告",  # not the disclosure report
]


@pytest.mark.parametrize("title, year", REPORT_TITLES)
def test_report_title_shapes(title, year):
    assert looks_like_report_title(title) and names_report(title)
    assert year_of(title, "") == year


@pytest.mark.parametrize("title", DECOYS)
def test_decoys_are_refused(title):
    assert not looks_like_report_title(title)


def test_the_crawler_follows_links_by_the_same_name_test():
    import crawler.links

    assert crawler.links.names_report is names_report
    for title, _ in REPORT_TITLES:
        assert names_report(title)
    assert names_report("政府信息公开年报") and names_report("关于报送2020年度政府信息公开工作年度报告的通知")
    assert not names_report("2021年政府工作报告") and not names_report("2021年安全生产工作要点")


def _page(title_html: str, body: str = "<p>正文</p>", head: str = "") -> bytes:
    return (f"<html><head>{head}</head><body><div class='article'><h1>{title_html}</h1>"
            f"<div id='zoom'>{body}</div></div></body></html>").encode()


def test_title_split_by_br_and_spans_and_traditional():
    e = extract_page(_page("宁波市江北区应急管理局<br>2020年<span>政府信息公开</span>工作年度报告"), "text/html")
    assert (e.title, e.is_report, e.year) == ("宁波市江北区应急管理局2020年政府信息公开工作年度报告", True, 2020)
    e = extract_page(_page("閻良區應急管理局2020年政府信息公開年度報告", "<p>我局嚴格按照條例規定，開展工作。</p>"),
                     "text/html")
    assert (e.title, e.agency, e.is_report) == ("阎良区应急管理局2020年政府信息公开年度报告", "阎良区应急管理局", True)


def test_page_without_a_report_title_is_a_report_by_its_tables_and_period():
    text = seed_path("003").read_text("utf-8")  # seed 003 prints no title at all
    page = f"<html><body><h1>政府信息公开</h1><div id='zoom'><pre>{text}</pre></div></body></html>".encode()
    e = extract_page(page, "text/html")
    assert e.is_report and e.year == 2023 and len(e.cells) == 200
    notice = _page("通知公告", "<p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>")
    assert not extract_page(notice, "text/html").is_report  # the words, without a period or a report


# ----------------------------------------------------------------------------------- metadata
META_KEYS = ("index_no", "publisher", "written_date", "published_date", "doc_no", "topic", "disclosure", "genre")
TITLE = "某市某局2021年政府信息公开工作年度报告"


def meta_of(block: str, head: str = "") -> dict:
    e = extract_page(_page(TITLE, "<p>正文</p>", head).replace(b"<div class='article'>", f"<div class='article'>{block}".encode()),
                     "text/html")
    return e.metadata


def full(**values) -> dict:
    return {k: values.get(k, "") for k in META_KEYS}


def test_metadata_td_td_several_pairs_a_row_and_publishtime():
    block = ("<table class='table_content'><tr><td>索引号</td><td>014314799/2024-00002</td><td>分类</td><td>报告</td></tr>"
             "<tr><td>发布机构</td><td>沭阳县发展和改革局</td><td>公开日期</td><td><publishtime>2024-01-17</publishtime></td></tr>"
             "<tr><td>文号</td><td></td><td>关键词</td><td></td></tr></table>")
    assert meta_of(block) == full(index_no="014314799/2024-00002", publisher="沭阳县发展和改革局",
                                  published_date="2024-01-17")


def test_metadata_th_td_and_dl_dt_dd_and_li_span():
    th = "<table><tr><th>索 引 号：</th><td>11320000/2021-00018</td></tr><tr><th>发文日期：</th><td>2021年1月8日</td></tr></table>"
    assert meta_of(th) == full(index_no="11320000/2021-00018", written_date="2021-01-08")
    dl = "<dl><dt>索引号</dt><dd>A-1</dd><dt>生成日期</dt><dd>2021-02-03</dd><dt>发布时间</dt><dd>2021-02-04 09:55</dd></dl>"
    assert meta_of(dl) == full(index_no="A-1", written_date="2021-02-03", published_date="2021-02-04")
    li = "<ul><li><span>发布机构：</span>某市某局</li><li><span>主题分类：</span><span>综合政务</span></li></ul>"
    assert meta_of(li) == full(publisher="某市某局", topic="综合政务")


def test_metadata_from_meta_tags_without_a_block():
    head = '<meta name="PubDate" content="2021-01-26 10:00"><meta name="ContentSource" content="宁夏回族自治区应急管理厅">'
    assert meta_of("", head) == {"published_date": "2021-01-26", "publisher": "宁夏回族自治区应急管理厅"}


def test_title_from_the_block_label_when_nothing_else_names_it():
    page = ("<html><body><table><tr><td>名称</td><td>某市某局2021年度政府信息公开工作报告</td></tr>"
            "<tr><td>索引号</td><td>1</td></tr></table><div id='zoom'><p>正文</p></div></body></html>").encode()
    assert extract_page(page, "text/html").title == "某市某局2021年度政府信息公开工作报告"


def test_real_page_metadata_block():
    if not REAL.exists():
        pytest.skip(f"{REAL} absent")
    e = extract_page(REAL.read_bytes())
    assert e.metadata == full(index_no="014314799/2024-00002", publisher="沭阳县发展和改革局",
                              published_date="2024-01-17")


def test_agency_from_body_then_publisher_then_site_name():
    anon = "2021年度政府信息公开工作年度报告"
    # The body names the author:
    body = "<p>本报告由上海市徐汇区市场监督管理局编制。</p>"
    assert extract_page(_page(anon, body), "text/html").agency == "上海市徐汇区市场监督管理局"
    # Only the metadata block names it:
    block = "<table><tr><td>发布机构</td><td>上海市徐汇区市场监督管理局</td><td>索引号</td><td>x</td></tr></table>"
    page = _page(anon).replace(b"<div class='article'>", f"<div class='article'>{block}".encode())
    assert extract_page(page, "text/html").agency == "上海市徐汇区市场监督管理局"
    # Nothing on the page: the site's name from the sites file.
    assert extract_page(_page(anon), "text/html").agency is None
    assert extract_page(_page(anon), "text/html", site_name="上海市徐汇区市场监督管理局").agency == "上海市徐汇区市场监督管理局"


# ------------------------------------------------------------------------------ completeness
def test_one_row_other_in_a_2021_layout_is_other_and_expects_186():
    text = seed_path("003").read_text("utf-8")
    start = text.index("(六)其他处理")
    end = text.index("(七)总计")
    one_row = text[:start] + "(六)其他处理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | ||\n" + text[end:]
    e = extract_page(one_row.encode(), "text/plain")
    other = {(c.row, c.col): c.value for c in e.cells if c.table == "applications" and c.row.startswith("other")}
    assert set(other) == {("other", c) for c in ("natural_person", "commercial", "research", "social_welfare",
                                                 "legal_services", "other_org", "total")}
    assert (e.layout, e.expected_cells, e.cells_found, e.check_status) == ("2021", 186, 186, "ok")
    assert e.warnings == []


def test_check_status_incomplete_before_failed():
    text = seed_path("003").read_text("utf-8")
    broken = text.replace("一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
                          "一、本年新收政府信息公开申请数量 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |")
    e = extract_page(broken.encode(), "text/plain")
    assert e.check_status == "failed"  # complete, and its own sums fail: the numbers stay as printed
    assert {(c.row, c.col): c.value for c in e.cells}[("new", "total")] == 5
    narrative = [c for c in e.checks if c.rule == "narrative"]
    assert [(c.row, c.status, c.lhs, c.rhs) for c in narrative] == [("new", "failed", 1, 5)]
    gone = "\n".join(line for line in broken.split("\n") if not line.startswith("二、上年结转"))
    e = extract_page(gone.encode(), "text/plain")
    assert e.check_status == "incomplete"
    assert "applications.carried_over (all 7 columns)" in e.warnings[-1]


# ---------------------------------------------------------------------------- honest empties
@pytest.mark.parametrize("body, kind, says", [
    (make_pdf(["report"]), "pdf", "a PDF file, not a page"),
    (make_docx(["report"]), "docx", "a DOCX file, not a page"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "image", "an image file, not a page"),
    (b"", None, "empty"),
    (bytes(range(256)) * 8, None, "binary data"),
])
def test_documents_and_unreadable_inputs_say_what_they_are(body, kind, says):
    e = extract_page(body, None)
    assert (e.source_kind, e.cells, e.is_report, e.readable) == (kind, [], False, False)
    assert e.warnings[0].startswith(says)


def test_not_a_report_and_no_tables_are_said():
    assert extract_page(_page("关于开展安全生产检查的通知"), "text/html").warnings == [
        "not a report: the title '关于开展安全生产检查的通知' names no annual report of its own"]
    e = extract_page(_page(TITLE, "<p>本报告为图片版。</p>"), "text/html")
    assert (e.is_report, e.check_status, e.expected_cells) == (True, "incomplete", None)
    assert "no statistical tables found in the page" in e.warnings


def test_python_m_extract_exit_codes_and_help(tmp_path):
    pdf, page = tmp_path / "r.pdf", tmp_path / "r.html"
    pdf.write_bytes(make_pdf(["report"]))
    page.write_bytes(_page(TITLE))
    run = lambda *a: subprocess.run([sys.executable, "-m", "extract", *map(str, a)], capture_output=True, text=True)  # noqa: E731
    ok = run(page)
    assert ok.returncode == 0 and json.loads(ok.stdout)["source_kind"] == "html"
    both = run(page, pdf)  # a PDF is read (extract.document): a document that is no report
    assert both.returncode == 0 and len(both.stdout.splitlines()) == 2
    read = json.loads(both.stdout.splitlines()[1])
    assert (read["source_kind"], read["cells"], read["warnings"]) == \
        ("scan", [], ["not a report: no report title and no report tables"])  # make_pdf draws no text layer
    junk = tmp_path / "r.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    bad = run(page, junk)
    assert bad.returncode == 1 and len(bad.stdout.splitlines()) == 2
    assert f"extract: {junk}: binary data in no format this extractor reads" in bad.stderr
    helped = run("--help")
    assert helped.returncode == 0 and "Exit status" in helped.stdout
    assert run().returncode == 2


def test_squeeze_removes_exactly_the_whitespace_of_regular_expressions():
    import re
    from extract.report import squeeze

    space = re.compile(r"\s")
    for point in range(0x110000):
        if 0xD800 <= point < 0xE000:
            continue
        c = chr(point)
        assert squeeze(f"自{c}然") == ("自然" if space.fullmatch(c) else f"自{c}然"), hex(point)

"""HTML tables → cells: the real Word-exported page, and small inline cases of what such pages do."""
from pathlib import Path

import lxml.html
import pytest

from extract.tables import extract_tables, extract_tables_from_html
from test_tables_seeds import EXPECTED, as_set, load_cells

# ../shared beside the checkout (CI lays a copy there too); never committed into the repo.
REAL = Path(__file__).resolve().parents[2] / "shared" / "real-pages" / "shuyang-fgj-2023.html"


def html(body: str):
    return lxml.html.fromstring(f"<html><body>{body}</body></html>")


def cells_of(result, table="applications"):
    return {(c.row, c.col): (c.value, c.raw) for c in result.cells if c.table == table}


# ---------------------------------------------------------------------------------------- real page
@pytest.fixture(scope="module")
def real_root():
    if not REAL.exists():
        pytest.skip(f"{REAL} absent")
    return lxml.html.parse(str(REAL)).getroot()


def test_real_page_exactly(real_root):
    result = extract_tables_from_html(real_root)
    got, expected = as_set(result.cells), load_cells(EXPECTED / "shuyang-fgj-2023.tsv")
    assert sorted(got - expected) == []  # extra cells
    assert sorted(expected - got) == []  # missing cells
    assert len(result.cells) == len(got)
    assert result.layout == "2021"
    assert result.warnings == []


def test_real_page_through_extract_tables(real_root):
    result = extract_tables(real_root, "irrelevant text")
    assert result.layout == "2021"
    assert ("active", "normative_docs", "issued", 8, "int", "8") in as_set(result.cells)


def test_real_page_noise_paragraphs_between_tables(real_root):
    baseline = as_set(extract_tables_from_html(real_root).cells)
    src = REAL.read_text("utf-8").replace(
        "<table", "<p>本年度共办理行政许可12件，重复申请3件，总计15件。</p><p>0</p><table")
    assert as_set(extract_tables_from_html(lxml.html.fromstring(src)).cells) == baseline


# ------------------------------------------------------------------------------------- inline cases
HEADER = (
    '<tr><td rowspan="3" colspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>'
    '<td colspan="7">申请人情况</td></tr>'
    '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>'
    "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
)


def tds(values):
    return "".join(f"<td>{v}</td>" for v in values)


ROW_NEW = '<tr><td colspan="3">一、本年新收政府信息公开申请数量</td>' + tds([3, 1, 0, 0, 0, 0, 4]) + "</tr>"
ROW_OLD = '<tr><td colspan="3">二、上年结转政府信息公开申请数量</td>' + tds([0, 0, 0, 0, 0, 0, 0]) + "</tr>"
ROW_GRANTED = ('<tr><td rowspan="6">三、本年度办理结果</td><td colspan="2">（一）予以公开</td>'
               + tds([2, 1, 0, 0, 0, 0, 3]) + "</tr>")
ROW_SECRET = '<tr><td rowspan="3">（三）不予公开</td><td>1.属于国家秘密</td>' + tds([0] * 7) + "</tr>"
ROW_LAW = "<tr><td>2.其他法律行政法规禁止公开</td>" + tds([1, 0, 0, 0, 0, 0, 1]) + "</tr>"
ROW_SAFE = "<tr><td>3.危及“三安全一稳定”</td>" + tds([0] * 7) + "</tr>"


def test_rowspan_colspan_grid():
    root = html("<table>" + HEADER + ROW_NEW + ROW_OLD + ROW_GRANTED + ROW_SECRET + ROW_LAW + ROW_SAFE + "</table>")
    result = extract_tables_from_html(root)
    got = cells_of(result)
    assert result.warnings == []
    assert got["new", "natural_person"] == (3, "3")
    assert got["new", "commercial"] == (1, "1")
    assert got["new", "total"] == (4, "4")
    assert got["granted", "total"] == (3, "3")
    # Rows under two rowspan labels: the values start at the row's own label, not at column 0.
    assert got["denied_prohibited_by_law", "natural_person"] == (1, "1")
    assert got["denied_prohibited_by_law", "total"] == (1, "1")
    assert len(got) == 6 * 7


def test_table_split_over_two_tables_with_repeated_header():
    first = "<table>" + HEADER + ROW_NEW + ROW_OLD + ROW_GRANTED + ROW_SECRET + "</table>"
    second = "<table>" + HEADER + ROW_LAW + ROW_SAFE + "</table>"  # page break: the header repeats
    result = extract_tables_from_html(html(first + "<p>（续表）</p>" + second))
    got = cells_of(result)
    assert result.warnings == []
    assert got["denied_prohibited_by_law", "total"] == (1, "1")
    assert got["denied_three_safety_stability", "natural_person"] == (0, "0")
    assert len(got) == 6 * 7


def test_vertical_labels_one_character_per_line():
    vertical = "<br>".join("三、本年度办理结果")
    row = (f'<tr><td rowspan="2">{vertical}</td><td colspan="2">（一）<br>予以<br>公开</td>'
           + tds([5, 0, 0, 0, 0, 0, 5]) + "</tr>")
    row2 = '<tr><td colspan="2"><p>（二）部分公开</p><p>（区分处理的，只计这一情形，不计其他情形）</p></td>' + tds([1] * 6 + [6]) + "</tr>"
    active = ("<table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
              "<tr><td><p>规</p><p>章</p></td><td>1</td><td>0</td><td>2</td></tr></table>")
    result = extract_tables_from_html(html(active + "<table>" + HEADER + row + row2 + "</table>"))
    assert result.warnings == []
    assert cells_of(result)["granted", "natural_person"] == (5, "5")
    assert cells_of(result)["partially_granted", "total"] == (6, "6")
    assert cells_of(result, "active") == {("rules", "issued"): (1, "1"), ("rules", "repealed"): (0, "0"),
                                          ("rules", "in_force"): (2, "2")}
    assert result.layout == "2021"


def test_word_spans_o_p_and_nbsp():
    def word(text):
        return f'<p style="line-height:2"><span style="font-family:微软雅黑">{text}</span><span><o:p></o:p></span></p>'

    row = ('<tr><td colspan="3">' + word("一、本年新收") + "</td>").replace(
        "</p></td>", "<span>政府信息公开</span><span>申请</span><span>数量</span></p></td>")
    row += "".join(f"<td>{word(v)}</td>" for v in ["26", "&nbsp;", "<o:p> </o:p>", "&nbsp;&nbsp;", "\u3000", "", "26"])
    row += "</tr>"
    active = ("<table><tr><td>" + word("信息内容") + "</td><td>" + word("本年新制作数量") + "</td><td>"
              + word("本年新公开数量") + "</td><td>" + word("对外公开总数量") + "</td></tr>"
              "<tr><td>" + word("规范性<span>文件</span>") + "</td><td>" + word("&nbsp;3&nbsp;")
              + "</td><td>" + word("３") + "</td><td>" + word("22（其中修订16件）") + "</td></tr></table>")
    result = extract_tables_from_html(html(active + "<table>" + HEADER + row + "</table>"))
    assert result.warnings == []
    assert result.layout == "2019"
    assert cells_of(result) == {
        ("new", "natural_person"): (26, "26"), ("new", "commercial"): (None, ""),
        ("new", "research"): (None, ""), ("new", "social_welfare"): (None, ""),
        ("new", "legal_services"): (None, ""), ("new", "other_org"): (None, ""),
        ("new", "total"): (26, "26"),
    }
    assert cells_of(result, "active") == {
        ("normative_docs", "made"): (3, "3"), ("normative_docs", "published"): (3, "３"),
        ("normative_docs", "total_public"): (22, "22（其中修订16件）"),
    }


def test_th_thead_and_2021_single_value_colspan():
    table = ("<table><thead><tr><th colspan='4'>第二十条第（五）项</th></tr>"
             "<tr><th>信息内容</th><th colspan='3'>本年处理决定数量</th></tr></thead>"
             "<tbody><tr><td>行政许可</td><td colspan='3'>371</td></tr>"
             "<tr><td>信息内容</td><td colspan='3'>本年收费金额（单位：万元）</td></tr>"
             "<tr><td>行政事业性收费</td><td colspan='3'>251000元</td></tr></tbody></table>")
    result = extract_tables_from_html(html(table))
    assert result.layout == "2021"
    assert cells_of(result, "active") == {("licensing", "decisions"): (371, "371"),
                                          ("fees", "amount"): (25.1, "251000元")}


def test_review_table_fifteen_numbers():
    table = ('<table><tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>'
             '<tr><td rowspan="2">结果维持</td><td rowspan="2">结果纠正</td><td rowspan="2">其他结果</td>'
             '<td rowspan="2">尚未审结</td><td rowspan="2">总计</td><td colspan="5">未经复议直接起诉</td>'
             '<td colspan="5">复议后起诉</td></tr><tr>' + tds(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)
             + "</tr><tr>" + tds(range(1, 16)) + "</tr></table>")
    got = cells_of(extract_tables_from_html(html(table)), "review_litigation")
    assert got["review", "upheld"] == (1, "1")
    assert got["review", "total"] == (5, "5")
    assert got["litigation_direct", "upheld"] == (6, "6")
    assert got["litigation_after_review", "total"] == (15, "15")
    assert len(got) == 15


def test_row_missing_a_cell_is_left_out_with_a_warning():
    short = '<tr><td colspan="3">二、上年结转政府信息公开申请数量</td>' + tds([1, 0, 0, 0, 0, 1]) + "</tr>"
    result = extract_tables_from_html(html("<table>" + HEADER + ROW_NEW + short + "</table>"))
    got = cells_of(result)
    assert not [k for k in got if k[0] == "carried_over"]
    assert len(got) == 7
    assert len(result.warnings) == 1 and "applications.carried_over" in result.warnings[0]


def test_value_spanning_rows_is_left_out():
    rows = ('<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td rowspan="2">0</td>' + tds([0] * 6) + "</tr>"
            '<tr><td colspan="3">二、上年结转政府信息公开申请数量</td>' + tds([0] * 6) + "</tr>")
    result = extract_tables_from_html(html("<table>" + HEADER + rows + "</table>"))
    assert cells_of(result) == {}
    assert [w.split(":")[0] for w in result.warnings] == ["applications.new", "applications.carried_over"]


def test_layout_table_around_the_report_and_nested_table():
    inner = "<table>" + HEADER + ROW_NEW + "</table>"
    root = html(f"<table><tr><td><p>正文 2020年 3</p>{inner}</td></tr></table>")
    result = extract_tables_from_html(root)
    assert cells_of(result)["new", "total"] == (4, "4")
    assert result.warnings == []


def test_extract_tables_falls_back_to_text_without_html_tables():
    root = html("<p>一、总体情况</p>")
    text = "二、主动公开政府信息情况\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n规章\t1\t2\t3\n"
    result = extract_tables(root, text)
    assert result.layout == "2019"
    assert cells_of(result, "active")["rules", "total_public"] == (3, "3")
    assert extract_tables(None, text).cells == result.cells
    assert extract_tables_from_html(root).cells == []


def test_cell_text_joins_spans_skips_comments_and_nested_tables():
    from extract.tables.html_grid import cell_text

    td = lxml.html.fromstring("<td>一、本年<span>新收<!-- 注释 -->政府信息<br>公开</span>申请"
                              "<table><tr><td>9</td></tr></table>数量<o:p>&nbsp;</o:p></td>")
    assert cell_text(td) == "一、本年新收政府信息\n\n公开申请数量\xa0"


def test_deeply_nested_markup_does_not_raise():
    deep = "<span>" * 3000 + "7" + "</span>" * 3000
    root = html("<table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
                f"<tr><td>规章</td><td>{deep}</td><td>0</td><td>1</td></tr></table>")
    result = extract_tables_from_html(root)
    assert result.layout == "2021"
    # libxml2 caps the depth and may swallow the row's other cells: then the row is left out.
    assert {(c.col, c.value) for c in result.cells} <= {("issued", 7), ("repealed", 0), ("in_force", 1)}
    assert result.cells or result.warnings


# ------------------------------------------------------------- one pass over the tables, or cell by cell
def _rows_by_elements(root, monkeypatch):
    from extract.tables import html_grid

    with monkeypatch.context() as patched:
        patched.setattr(html_grid, "_cells_by_xslt", lambda *args: None)
        return html_grid.html_rows(root)


def test_one_pass_and_cell_by_cell_read_the_real_page_alike(real_root, monkeypatch):
    from extract.tables.html_grid import html_rows

    rows, warnings = html_rows(real_root)
    assert len(rows) > 40
    assert (rows, warnings) == _rows_by_elements(real_root, monkeypatch)


@pytest.mark.parametrize("mark", ["\ufdd3", "\ufdd4", "\ufdd5", "\ufdd6"])
def test_a_cell_holding_a_mark_of_the_pass_reads_cell_by_cell(mark, monkeypatch):
    """The one-pass read separates tables, rows and cells by noncharacters: a page holding one is
    read element by element, with the same cells."""
    clean = html("<table>" + HEADER + ROW_NEW + ROW_OLD + "</table>")
    marked = html("<table>" + HEADER.replace("勾稽关系", f"勾稽{mark}关系") + ROW_NEW + ROW_OLD + "</table>")
    assert cells_of(extract_tables_from_html(marked)) == cells_of(extract_tables_from_html(clean))
    assert cells_of(extract_tables_from_html(clean))["new", "total"] == (4, "4")
    from extract.tables.html_grid import html_rows

    assert html_rows(marked) == _rows_by_elements(marked, monkeypatch)


def test_the_pass_leaves_the_tree_as_it_found_it():
    """The chosen tables are marked by an attribute for the pass and unmarked after; a page whose
    table already carries that attribute keeps it and is read cell by cell."""
    from extract.tables.html_grid import _CHOSEN

    root = html("<table>" + HEADER + ROW_NEW + "</table><table><tr><td>栏目</td></tr></table>")
    expected = cells_of(extract_tables_from_html(root))
    assert expected["new", "natural_person"] == (3, "3")
    assert [t.get(_CHOSEN) for t in root.iter("table")] == [None, None]
    own = html(f'<table {_CHOSEN}="page\'s own">' + HEADER + ROW_NEW + "</table>")
    assert cells_of(extract_tables_from_html(own)) == expected
    assert [t.get(_CHOSEN) for t in own.iter("table")] == ["page's own"]


def test_nested_report_tables_are_each_read_once_in_one_pass():
    inner = "<table>" + HEADER + ROW_NEW + "</table>"
    root = html(f"<table><tr><td>申请 {inner}</td></tr></table><table>{ROW_OLD}</table>")
    from extract.tables.html_grid import html_rows

    rows, _ = html_rows(root)
    assert [r.where.split(" row ")[0] for r in rows].count("table 1") == 1  # the layout table's one row
    assert [c.text for c in rows[0].cells] == ["申请"]  # its cell without the nested table's text
    result = extract_tables_from_html(root)
    assert cells_of(result)["new", "total"] == (4, "4")
    assert cells_of(result)["carried_over", "total"] == (0, "0")

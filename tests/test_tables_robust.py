"""Robustness: rows that cannot be aligned are left out with a warning; broken input never raises;
noise in the prose around the tables never changes a cell."""
import lxml.etree
import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.tables import extract_tables_from_html, extract_tables_from_text
from test_tables_html import REAL
from test_tables_seeds import LAYOUT, as_set, seed_text

HEAD = "三、收到和处理政府信息公开申请情况\n自然人\t法人或其他组织\t总计\n商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\n"


def app(result):
    return {(c.row, c.col): c.value for c in result.cells if c.table == "applications"}


# ------------------------------------------------------------------------------- unaligned rows
def test_tab_row_short_of_a_number_is_left_out():
    text = HEAD + (
        "一、本年新收政府信息公开申请数量\t\t3\t1\t0\t0\t0\t0\t4\t\n"
        "二、上年结转政府信息公开申请数量\t\t1\t0\t0\t0\t0\t1\t\n"  # six numbers for seven columns
    )
    result = extract_tables_from_text(text)
    assert app(result)["new", "total"] == 4
    assert not [k for k in app(result) if k[0] == "carried_over"]
    assert result.warnings == [
        "applications.carried_over: cannot align 6 cells to 7 columns at line 5 "
        "('二、上年结转政府信息公开申请数量'); row left out"]


def test_tab_row_with_leading_placeholder_and_missing_total_is_not_shifted():
    # A leading empty field could be a blank natural_person or a rowspan placeholder: not certain.
    text = HEAD + "\t(一) 予以公开\t\t2\t0\t0\t0\t0\t2\n"
    result = extract_tables_from_text(text)
    assert app(result) == {}
    assert result.warnings[0].startswith("applications.granted: cannot align 6 cells")


def test_blank_between_numbers_keeps_its_position():
    text = HEAD + "一、本年新收政府信息公开申请数量\t3\t\t0\t0\t0\t0\t3\n"
    result = extract_tables_from_text(text)
    assert app(result)["new", "natural_person"] == 3
    assert app(result)["new", "commercial"] is None
    assert app(result)["new", "total"] == 3
    assert result.warnings == []


def test_pipe_row_with_too_many_numbers_is_left_out():
    text = HEAD + "一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 | 9 |\n"
    result = extract_tables_from_text(text)
    assert app(result) == {}
    assert "applications.new: cannot align 8 cells to 7 columns" in result.warnings[0]


def test_one_cell_per_line_row_short_of_values_is_left_out():
    text = HEAD + "\n".join(["一、本年新收政府信息公开申请数量", "1", "0", "0", "二、上年结转政府信息公开申请数量"]
                            + ["0"] * 7) + "\n"
    result = extract_tables_from_text(text)
    assert set(app(result)) == {("carried_over", c) for c in
                                ("natural_person", "commercial", "research", "social_welfare",
                                 "legal_services", "other_org", "total")}
    assert len(result.warnings) == 1 and result.warnings[0].startswith("applications.new: cannot align 3 cells")


def test_pipe_variants_leading_pipe_and_one_cell_per_line():
    md = ("二、主动公开政府信息情况\n| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |\n"
          "|---|---|---|---|\n| 规章 | 1 | / | 3 |\n")
    result = extract_tables_from_text(md)
    assert {(c.row, c.col): (c.value, c.raw) for c in result.cells} == {
        ("rules", "made"): (1, "1"), ("rules", "published"): (None, "/"), ("rules", "total_public"): (3, "3")}
    per_line = HEAD + "申请人情况 |\n一、本年新收政府信息公开申请数量 |\n5 |\n|\n|\n|\n|\n|\n5 |\n"
    got = app(extract_tables_from_text(per_line))
    assert got["new", "natural_person"] == 5 and got["new", "total"] == 5
    assert [got["new", c] for c in ("commercial", "research", "social_welfare", "legal_services", "other_org")] == [None] * 5


def test_other_other_needs_the_other_group():
    text = HEAD + "3.其他\t0\t0\t0\t0\t0\t0\t0\n"  # 3.其他 with no （六）其他处理 before it: not placed
    assert app(extract_tables_from_text(text)) == {}
    text = HEAD + ("(六)其他处理\t2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\t0\t0\t0\t0\t0\t0\t0\n"
                   "3.其他\t1\t0\t0\t0\t0\t0\t1\n")
    got = app(extract_tables_from_text(text))
    assert got["other_other", "total"] == 1 and got["other_no_fee", "total"] == 0


def test_row_printed_twice_with_other_values_is_left_out_and_named():
    text = HEAD + ("一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n"
                   "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\n"
                   "一、本年新收政府信息公开申请数量\t2\t0\t0\t0\t0\t0\t2\n")
    result = extract_tables_from_text(text)
    assert set(app(result)) == {("carried_over", c) for c in ("natural_person", "commercial", "research",
                                                              "social_welfare", "legal_services", "other_org", "total")}
    assert result.warnings == ["applications.new: printed twice with other values (at line 4 and line 6); row left out"]


def test_row_printed_twice_with_the_same_values_is_kept_once():
    row = "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n"
    result = extract_tables_from_text(HEAD + row + row)
    assert app(result)["new", "total"] == 1 and len(result.cells) == 7 and result.warnings == []


def test_without_a_header_the_standard_order_is_assumed_and_said():
    text = "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n"
    result = extract_tables_from_text(text)
    assert app(result)["new", "natural_person"] == 1 and app(result)["new", "total"] == 1
    assert result.warnings == ["applications: no column header found; the standard column order was assumed"]


def test_no_tables_no_layout():
    result = extract_tables_from_text("一、总体情况\n2020年，我局共发布信息102条。\n")
    assert (result.layout, result.cells, result.warnings) == (None, [], [])


# ------------------------------------------------------------------------------ property tests
SEED_TEXTS = {sid: seed_text(sid) for sid in LAYOUT}
BASELINE = {sid: extract_tables_from_text(t) for sid, t in SEED_TEXTS.items()}

PROSE = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而"
         "方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开"
         "政府信息公开申请行政复议诉讼许可处罚规章第二十条项总计其他自然人，、；：“”（）0123456789 ")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sid=st.sampled_from(sorted(LAYOUT)), cut=st.floats(0, 1), start=st.floats(0, 1))
def test_truncated_text_never_raises(sid, cut, start):
    text = SEED_TEXTS[sid]
    a = int(len(text) * start * 0.5)
    b = a + int((len(text) - a) * cut)
    result = extract_tables_from_text(text[a:b])
    assert result.layout in (None, "2019", "2021")
    assert all(c.value is None or isinstance(c.value, (int, float)) for c in result.cells)


def _prose_positions(lines):
    """Line boundaries in the prose: up to the heading 二、主动公开政府信息情况 and after the heading 五、."""
    start = next(i for i, l in enumerate(lines) if l.strip() == "二、主动公开政府信息情况")
    end = next(i for i, l in enumerate(lines) if i > start and l.startswith("五、"))
    return list(range(0, start + 1)) + list(range(end + 1, len(lines) + 1))


@settings(max_examples=150, deadline=None)
@given(sid=st.sampled_from(sorted(LAYOUT)), data=st.data())
def test_noise_paragraphs_in_prose_never_change_a_cell(sid, data):
    lines = SEED_TEXTS[sid].split("\n")
    positions = _prose_positions(lines)
    inserts = data.draw(st.lists(
        st.tuples(st.sampled_from(positions), st.text(PROSE, min_size=1, max_size=80), st.sampled_from(["", "。"])),
        min_size=1, max_size=6))
    for pos, noise, end in sorted(inserts, reverse=True):
        lines[pos:pos] = [noise.strip() + end, ""]
    result = extract_tables_from_text("\n".join(lines))
    assert as_set(result.cells) == as_set(BASELINE[sid].cells)
    assert result.layout == BASELINE[sid].layout


REAL_SRC = REAL.read_text("utf-8") if REAL.exists() else (
    "<html><body><table>" + "<tr><td>规章</td><td>1</td><td>0</td><td>2</td></tr>" * 3 + "</table></body></html>")


@settings(max_examples=100, deadline=None)
@given(cut=st.floats(0, 1))
def test_truncated_html_never_raises(cut):
    src = REAL_SRC[: int(len(REAL_SRC) * cut)]
    try:
        root = lxml.html.fromstring(src)
    except (lxml.etree.ParserError, ValueError):
        return  # nothing an HTML parser can hold: not our input
    result = extract_tables_from_html(root)
    assert result.layout in (None, "2019", "2021")


def test_label_broken_over_lines_in_one_cell_per_line_text():
    text = HEAD + "\n\n".join(["一、本年新收政府信息公开申", "请数量"] + ["1", "0", "0", "0", "0", "0", "1"]) + "\n"
    result = extract_tables_from_text(text)
    assert app(result)["new", "total"] == 1
    assert len(app(result)) == 7
    assert result.warnings == []


def test_short_html_row_starting_with_an_empty_cell_is_not_shifted():
    from test_tables_html import HEADER, ROW_NEW, html, tds

    # Ten grid columns; this row fills nine: a two-column label, an empty cell, six numbers. It may
    # be natural_person blank + six values, or a placeholder + six values with the total dropped.
    short = '<tr><td colspan="2">二、上年结转政府信息公开申请数量</td>' + tds(["", 1, 0, 0, 0, 0, 1]) + "</tr>"
    result = extract_tables_from_html(html("<table>" + HEADER + ROW_NEW + short + "</table>"))
    assert not [k for k in app(result) if k[0] == "carried_over"]
    assert result.warnings and result.warnings[0].startswith("applications.carried_over")
    # The same row filling all ten columns is certain: natural_person is blank.
    full = '<tr><td colspan="3">二、上年结转政府信息公开申请数量</td>' + tds(["", 1, 0, 0, 0, 0, 1]) + "</tr>"
    result = extract_tables_from_html(html("<table>" + HEADER + ROW_NEW + full + "</table>"))
    assert app(result)["carried_over", "natural_person"] is None
    assert app(result)["carried_over", "commercial"] == 1
    assert result.warnings == []

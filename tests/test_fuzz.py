"""The extractor never raises and stays bounded: fuzzed real pages (fixed seed), pages nested past
libxml2's depth limit, control characters, absurd spans, huge tables and text nodes.
The full 10,000 inputs with timings and memory are bench/fuzz.py."""
from __future__ import annotations

import pytest

from demo_portal import fuzz
from demo_portal.sites import all_sites
from extract.page import extract_page
from test_seed_pages import PAGES, cell_set, expected
from test_tables_html import REAL
from test_tables_seeds import EXPECTED, load_cells

JIANGBEI = ("jiangbei", "/art/2021/1/18/art_1229138290_3676543.html")
YANLIANG = ("yanliang", "/xxgk/gzbg/5fe1a2b3.html")  # 繁體


@pytest.fixture(scope="module")
def built():
    return {site.key: site.build() for site in all_sites()}


def page(built, key) -> bytes:
    return built[key[0]][key[1]][0]


def real_page() -> bytes:
    if not REAL.exists():
        pytest.skip(f"{REAL} absent")
    return REAL.read_bytes()


def test_three_hundred_fuzzed_inputs_never_raise():
    failures = []
    for item in fuzz.inputs(seed=20261204, count=300, big_rows=(3_000,)):
        try:
            e = extract_page(item.body, item.content_type)
        except Exception as exc:  # noqa: BLE001 - the test lists every input that raised
            failures.append(f"{item.name}: {type(exc).__name__}: {exc}")
            continue
        assert e.layout in (None, "2019", "2021"), item.name
        assert all(c.value is None or type(c.value) in (int, float) for c in e.cells), item.name
    assert failures == []


@pytest.mark.parametrize("depth", [260, 2100])
def test_nested_divs_give_the_same_cells_as_the_unnested_page(built, depth):
    seed = PAGES[JIANGBEI][0]
    e = extract_page(fuzz.deeply_nested(page(built, JIANGBEI), depth), "text/html")
    assert cell_set(e.cells) == expected(seed)
    # Past libxml2's 2,048 even with huge_tree: read without the wrappers, and said so.
    assert e.warnings == ([] if depth < 2048 else [
        "page nested deeper than the HTML parser allows: read without its layout wrappers (div, span …)"])


def test_real_page_under_260_divs_gives_its_200_cells():
    e = extract_page(fuzz.deeply_nested(real_page(), 260), None)
    assert cell_set(e.cells) == load_cells(EXPECTED / "shuyang-fgj-2023.tsv")
    assert len(e.cells) == 200 and e.warnings == []


def test_nul_laden_traditional_page_gives_its_cells(built):
    body = fuzz.nul_laden(page(built, YANLIANG))
    assert body.count(b"\x00") > 500
    e = extract_page(body, "text/html; charset=utf-8")
    assert (e.title, e.agency, e.year) == ("阎良区应急管理局2020年政府信息公开年度报告", "阎良区应急管理局", 2020)
    assert cell_set(e.cells) == expected("002")
    assert e.warnings == []


def test_control_characters_surrogates_and_noncharacters_are_dropped():
    body = page_with_text("规\x00章\x01\x1f\ufffe\uffff")
    e = extract_page(body + "\udcff".encode("utf-8", "surrogatepass"), "text/html; charset=utf-8")
    assert "规章" in e.text


def page_with_text(text: str) -> bytes:
    return f"<html><body><div id='zoom'><p>{text}</p></div></body></html>".encode("utf-8", "surrogatepass")


def test_huge_spans_are_capped_with_a_warning(built):
    body = page(built, JIANGBEI).replace(b'<td rowspan="3" colspan="3">', b'<td rowspan="100000" colspan="100000">', 1)
    e = extract_page(body, "text/html")
    assert any("a span of more than 60 cells read as 60" in w for w in e.warnings)


def test_table_of_thousands_of_report_rows_is_read_up_to_the_cap():
    row = "<tr><td>一、本年新收政府信息公开申请数量</td>" + "<td>1</td>" * 7 + "</tr>"
    body = (f"<html><body><h1>某局2020年政府信息公开工作年度报告</h1><p>三、收到和处理政府信息公开申请情况</p>"
            f"<table>{row * 5000}</table></body></html>").encode()
    e = extract_page(body, "text/html")
    assert "table 1 has more than 400 rows: only the first 400 read" in e.warnings


def test_big_data_table_after_the_report_leaves_its_cells_exact(built):
    body = fuzz.big_table(page(built, JIANGBEI), 20_000, before=False)
    assert len(body) > 1_500_000
    e = extract_page(body, "text/html")
    assert cell_set(e.cells) == expected(PAGES[JIANGBEI][0])


def test_page_past_the_tag_bound_is_read_up_to_it_and_says_so(built):
    body = fuzz.big_table(page(built, JIANGBEI), 40_000, before=True)
    e = extract_page(body, "text/html")
    assert any(w.startswith("page has more than 250,000 tags: read up to character") for w in e.warnings)


def test_text_node_longer_than_libxml2s_10_mb_default_is_kept(built):
    long_text = "说明" * 5_500_000  # 11M characters in one text node
    body = page(built, JIANGBEI).replace(b'<div id="zoom">', f'<div id="zoom"><p>{long_text}</p>'.encode(), 1)
    e = extract_page(body, "text/html")
    assert cell_set(e.cells) == expected(PAGES[JIANGBEI][0])
    assert long_text in e.text

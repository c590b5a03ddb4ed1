"""Mutations of real report pages and the seeds' HTML pages: values follow their headers, a column
that is not printed leaves only its cells absent, spacer rows change nothing, a row with two labels
or printed twice with other numbers is left out and named. Every case asserts the exact cell set."""
from __future__ import annotations

import pytest

import mutate
from demo_portal.sites import all_sites
from extract.page import extract_page
from test_seed_pages import PAGES, expected
from test_tables_html import REAL
from test_tables_seeds import EXPECTED, load_cells

DEMO = {  # (site, path) → seed: a Word-export page (2019) and a plain CMS page (2021)
    ("jiangbei", "/art/2021/1/18/art_1229138290_3676543.html"): "000",
    ("quzhou", "/art/2024/1/22/art_1229020318_58876121.html"): "003",
}


def _pages():
    built = {site.key: site.build() for site in all_sites()}
    out = {seed: built[site][path][0] for (site, path), seed in DEMO.items()}
    return out


@pytest.fixture(scope="module", params=["000", "003", "shuyang"])
def case(request):
    """(page bytes, expected cell set) — the seeds' HTML and the real page."""
    if request.param == "shuyang":
        if not REAL.exists():
            pytest.skip(f"{REAL} absent")
        return REAL.read_bytes(), load_cells(EXPECTED / "shuyang-fgj-2023.tsv")
    return _pages()[request.param], expected(request.param)


def cells(body: bytes):
    e = extract_page(body, "text/html")
    return {(c.table, c.row, c.col, c.value, type(c.value).__name__, c.raw) for c in e.cells}, e


def swapped(want: set, table: str, a: str, b: str) -> set:
    """The expected cells with columns a and b exchanged in every row of `table`."""
    out = set()
    for t, row, col, value, kind, raw in want:
        if t == table and col in (a, b):
            col = b if col == a else a
        out.add((t, row, col, value, kind, raw))
    return out


def test_unmutated_pages_are_exact(case):
    body, want = case
    got, e = cells(body)
    assert got == want and e.check_status in ("ok", "failed") and e.expected_cells == len(want)


def test_applicant_headers_swapped_values_follow_them(case):
    body, want = case
    got, e = cells(mutate.swap_headers(body, "自然人", "总计"))
    assert got == swapped(want, "applications", "natural_person", "total")
    assert not [w for w in e.warnings if "applications" in w and "incomplete" not in w]


def test_review_result_headers_swapped_values_follow_them(case):
    body, want = case
    got, _ = cells(mutate.swap_headers(body, "结果维持", "尚未审结", mutate.review_table, all_of_them=True))
    assert got == swapped(want, "review_litigation", "upheld", "pending")


def test_total_column_removed_only_its_cells_are_absent(case):
    body, want = case
    got, e = cells(mutate.remove_total_column(body))
    assert got == {c for c in want if not (c[0] == "applications" and c[2] == "total")}
    assert e.check_status == "incomplete" and e.cells_found == e.expected_cells - 25 + (
        2 if e.layout == "2019" else 0)
    (missing,) = [w for w in e.warnings if w.startswith("incomplete:")]
    assert "applications.new (total)" in missing and "applications.carried_forward (total)" in missing


def test_total_column_moved_first_gives_the_same_cells(case):
    body, want = case
    got, e = cells(mutate.total_column_first(body))
    assert got == want and e.check_status != "incomplete"


def test_spacer_rows_give_the_same_cells(case):
    body, want = case
    got, e = cells(mutate.spacer_rows(body))
    assert got == want
    assert e.warnings == [] or all("narrative" not in w for w in e.warnings)


def test_row_with_two_labels_is_left_out_and_named(case):
    body, want = case
    got, e = cells(mutate.second_label(body, "一、本年新收", "二、上年结转政府信息公开申请数量"))
    assert got == {c for c in want if not (c[0] == "applications" and c[1] == "new")}
    (flagged,) = [w for w in e.warnings if "also carries" in w]
    assert flagged.startswith("applications.carried_over: the row at") and flagged.endswith("; row left out")
    assert "'一、本年新收政府" in flagged and mutate.squeeze_text(flagged).endswith("信息公开申请数量';rowleftout")
    assert e.check_status == "incomplete"


def test_row_printed_twice_with_other_numbers_is_left_out_and_named(case):
    body, want = case
    got, e = cells(mutate.printed_twice(body, "一、本年新收", "二、上年结转"))
    assert got == {c for c in want if not (c[0] == "applications" and c[1] == "new")}
    assert any(w.startswith("applications.new: printed twice with other values") for w in e.warnings)
    assert e.check_status == "incomplete"


def test_rows_removed_make_the_report_incomplete_and_are_named(case):
    body, want = case
    got, e = cells(mutate.remove_rows(body, ("二、上年结转", "四、结转下年度")))
    assert got == {c for c in want if not (c[0] == "applications" and c[1] in ("carried_over", "carried_forward"))}
    assert (e.check_status, e.cells_found) == ("incomplete", e.expected_cells - 14)
    (missing,) = [w for w in e.warnings if w.startswith("incomplete:")]
    assert "applications.carried_over (all 7 columns)" in missing and "applications.carried_forward (all 7 columns)" in missing

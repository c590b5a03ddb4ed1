"""Flattened text in every real shape, from the seeds' numbers (tests/text_shapes.py), and the real
page-text dump in ../shared/real-pages: every cell placed, or the row left out and named."""
from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import pytest

import text_shapes as shapes
from extract.page import extract_page
from extract.tables import extract_tables_from_layout_text, extract_tables_from_text
from test_tables_seeds import EXPECTED, SEEDS, as_set, load_cells

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-pages"
SEED_LAYOUTS = {"000": "2019", "001": "2019", "002": "2019", "003": "2021", "004": "2019", "demo-qz-2022": "2021"}
# Seeds whose rows all end in a printed number: a bare `a | b |  ` row ending in an empty cell
# cannot be told from a closed one, so the bare shape is checked where it is unambiguous.
ENDS_IN_NUMBERS = ("000", "003", "004", "demo-qz-2022")


def seed(sid):
    return load_cells(SEEDS / f"{sid}.cells.tsv")


def check(text, sid, want=None):
    result = extract_tables_from_text(text)
    assert result.layout == SEED_LAYOUTS[sid]
    assert sorted(as_set(result.cells) ^ (seed(sid) if want is None else want)) == []
    return result


@pytest.mark.parametrize("sid", sorted(SEED_LAYOUTS))
@pytest.mark.parametrize("shape", ["outer", "runs", "lines"])
def test_pipe_shapes(sid, shape):
    render = {"outer": functools.partial(shapes.pipes, outer=True),
              "runs": functools.partial(shapes.pipes, outer=False, runs=True),
              "lines": shapes.pipe_lines}[shape]
    assert check(render(sid, SEED_LAYOUTS[sid]), sid).warnings == []


@pytest.mark.parametrize("sid", ENDS_IN_NUMBERS)
def test_pipe_rows_without_outer_pipes(sid):
    assert check(shapes.pipes(sid, SEED_LAYOUTS[sid], outer=False), sid).warnings == []


@pytest.mark.parametrize("sid", sorted(SEED_LAYOUTS))
def test_each_table_on_one_line(sid):
    # Blank cells printed as "/" on a one-line table: blank, raw "/".
    want = {(t, r, c, v, k, raw or "/") for t, r, c, v, k, raw in seed(sid)}
    assert check(shapes.one_line(sid, SEED_LAYOUTS[sid]), sid, want).warnings == []


@pytest.mark.parametrize("sid", sorted(SEED_LAYOUTS))
def test_pdftotext_layout_columns_from_positions(sid):
    text = shapes.layout_text(sid, SEED_LAYOUTS[sid])
    assert check(text, sid).warnings == []
    assert as_set(extract_tables_from_layout_text(text).cells) == seed(sid)


# Cells run together: a row whose digits split more than one way (行政规范性文件21726: 2 17 26?
# 21 7 26?) is left out and named; every other row is exact.
AMBIGUOUS = {"003": [("active", "normative_docs", "21726")], "demo-qz-2022": [("active", "normative_docs", "3541")]}


@pytest.mark.parametrize("sid", sorted(AMBIGUOUS))
def test_cells_run_together_split_only_when_proven(sid):
    rows = {(t, r) for t, r, _ in AMBIGUOUS[sid]}
    want = {c for c in seed(sid) if (c[0], c[1]) not in rows}
    result = check(shapes.run_together(sid, SEED_LAYOUTS[sid]), sid, want)
    assert result.warnings == [
        f"{t}.{r}: cannot align 1 cells to 3 columns at line 1 ('行政规范性文件'); cells run together: "
        "more than one split fits; row left out" for t, r, _ in AMBIGUOUS[sid]]


def test_signs_run_between_digits_are_never_split():
    # Seed 000's 行政许可 row prints 25, -5, 75: run together `25-575` is not readable.
    result = extract_tables_from_text(shapes.run_together("000", "2019"))
    got = {(c.table, c.row) for c in result.cells}
    assert {("active", r) for r in ("licensing", "other_services", "penalty", "coercion")} & got == set()
    assert "active.licensing: cannot align 1 cells to 3 columns at line 1 ('行政许可'); cells run together: " \
           "a sign between digits run together; row left out" in result.warnings
    assert {c for c in as_set(result.cells)} <= seed("000")  # nothing wrong, only less


def real(name):
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} absent")
    return path.read_bytes()


def test_real_page_txt_dump_every_cell():
    e = extract_page(real("pingtan-jjf-2022.page.txt"), "text/plain")
    assert as_set(e.cells) == load_cells(EXPECTED / "pingtan-jjf-2022.tsv")
    assert (e.title, e.agency, e.year, e.layout) == (
        "平潭综合实验区经济发展局2022年度政府信息公开工作年度报告", "平潭综合实验区经济发展局", 2022, "2021")
    assert (e.expected_cells, e.cells_found, e.check_status, e.warnings) == (200, 200, "ok", [])
    assert e.metadata["published_date"] == "2023-01-05" and e.metadata["doc_no"] == ""
    # Its prose: 共收到政府信息公开申请3条; 未有政府信息公开行政复议及行政诉讼.
    assert {(c.row, c.status, c.lhs, c.rhs) for c in e.checks if c.rule == "narrative"} == {
        ("new", "ok", 3, 3), ("review", "ok", 0, 0), ("litigation", "ok", 0, 0)}


def _pdf_layout_text(pdf: Path) -> str | None:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
    try:
        import pdfplumber
    except ImportError:
        return None
    with pdfplumber.open(pdf) as doc:
        return "\n".join(page.extract_text(layout=True) or "" for page in doc.pages)


def test_real_pdf_text_layer_read_by_positions():
    real("huaian-gov-2024.pdf")
    text = _pdf_layout_text(REAL / "huaian-gov-2024.pdf")
    if text is None:
        pytest.skip("neither pdftotext nor pdfplumber installed")
    result = extract_tables_from_layout_text(text)
    got = {(c.table, c.row, c.col): c.value for c in result.cells}
    assert (result.layout, len(result.cells), result.warnings) == ("2021", 200, [])
    from extract.checks import run_checks
    assert {c.status for c in run_checks(result.layout, result.cells)} == {"ok"}  # its own sums hold
    # Its own prose (../shared/real-pages/README.md): 3119 new, 103 carried forward; 351 reviews
    # (72 upheld, 64 corrected, 178 other, 37 pending); 46 lawsuits.
    assert got[("applications", "new", "total")] == 3119
    assert got[("applications", "carried_forward", "total")] == 103
    assert [got[("review_litigation", "review", c)] for c in ("upheld", "corrected", "other", "pending", "total")] == [
        72, 64, 178, 37, 351]

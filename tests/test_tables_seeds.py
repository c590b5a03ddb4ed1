"""The five seed reports (flattened text, five shapes) → exactly their hand-made cells (demo_portal/seeds/*.cells.tsv)."""
from pathlib import Path

import pytest

from extract.chinese import to_simplified
from extract.tables import extract_tables_from_text

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "demo_portal" / "seeds"
EXPECTED = ROOT / "tests" / "data" / "cells"

LAYOUT = {"000": "2019", "001": "2019", "002": "2019", "003": "2021", "004": "2019"}


def load_cells(path: Path) -> set:
    """(table, row, col, value, type, raw): the type keeps 7 and 7.0 apart."""
    out = set()
    for line in path.read_text("utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("table\t"):
            continue
        table, row, col, value, raw = line.split("\t")
        if value == "null":
            v = None
        elif "." in value:
            v = float(value)
        else:
            v = int(value)
        out.add((table, row, col, v, type(v).__name__, raw))
    return out


def as_set(cells) -> set:
    return {(c.table, c.row, c.col, c.value, type(c.value).__name__, c.raw) for c in cells}


def seed_text(sid: str) -> str:
    (path,) = SEEDS.glob(f"{sid}_*.txt")
    return to_simplified(path.read_text("utf-8"))


@pytest.mark.parametrize("sid", sorted(LAYOUT))
def test_seed_cells_exactly(sid):
    expected_file = SEEDS / f"{sid}.cells.tsv"
    if not expected_file.exists():
        pytest.fail(f"expected cells {expected_file} missing")
    result = extract_tables_from_text(seed_text(sid))
    got, expected = as_set(result.cells), load_cells(expected_file)
    assert sorted(got - expected) == []  # extra cells
    assert sorted(expected - got) == []  # missing cells
    assert len(result.cells) == len(got)  # no cell twice
    assert result.layout == LAYOUT[sid]
    assert result.warnings == []


def test_seed_002_is_converted_from_traditional():
    raw = next(SEEDS.glob("002_*.txt")).read_text("utf-8")
    assert "規范性文件" in raw and "规范性文件" in seed_text("002")


def test_seed_000_signed_change_and_money():
    cells = {(c.row, c.col): c for c in extract_tables_from_text(seed_text("000")).cells}
    assert (cells["penalty", "change"].value, cells["penalty", "change"].raw) == (185, "+185")
    assert (cells["licensing", "change"].value, cells["licensing", "change"].raw) == (-5, "-5")
    amount = cells["procurement", "amount"]
    assert (amount.value, type(amount.value), amount.raw) == (7.98, float, "7.98万元")


def test_seed_001_blank_cells_are_null_not_zero():
    cells = {(c.table, c.row, c.col): c for c in extract_tables_from_text(seed_text("001")).cells}
    assert cells["applications", "granted", "natural_person"].value is None
    assert cells["applications", "new", "natural_person"].value == 0
    assert cells["review_litigation", "litigation_after_review", "total"].value is None
    assert cells["review_litigation", "litigation_after_review", "pending"].value == 0


def test_seed_002_one_number_then_six_blanks_is_natural_person():
    cells = {(c.row, c.col): c.value for c in extract_tables_from_text(seed_text("002")).cells
             if c.table == "applications"}
    assert cells["new", "natural_person"] == 0
    assert [cells["new", c] for c in ("commercial", "research", "social_welfare", "legal_services",
                                      "other_org", "total")] == [None] * 6


def test_seed_extraction_takes_milliseconds():
    import timeit

    text = seed_text("000")
    per_run = min(timeit.repeat(lambda: extract_tables_from_text(text), number=10, repeat=3)) / 10
    assert per_run < 0.05  # measured ~1–2 ms; the bound only catches an accidental blow-up

"""Shared by the tests of documents: expected cells and identity of the seeds, and comparisons."""
from __future__ import annotations

from pathlib import Path

from test_extract_page import SEEDS as SEED_IDENTITY  # seed: (title, agency, year)
from test_tables_seeds import LAYOUT, SEEDS as SEED_DIR, as_set, load_cells

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-pages"
EXPECTED = ROOT / "tests" / "data" / "cells"
SEED_IDS = sorted(LAYOUT)

__all__ = ["SEED_IDENTITY", "LAYOUT", "SEED_IDS", "REAL", "EXPECTED", "as_set", "expected_cells", "load_cells",
           "cell_set"]


def expected_cells(seed_id: str) -> set:
    return load_cells(SEED_DIR / f"{seed_id}.cells.tsv")


def cell_set(extraction) -> set:
    """(table, row, col, value, type, raw) of every cell, confidence left aside."""
    return as_set(extraction.cells)

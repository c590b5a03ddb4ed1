"""`govarchive export`: one row per current report, the exact cells of seed 000, in csv, parquet
and xlsx; the writing rules (the archive refused, an existing file only with --force)."""
from __future__ import annotations

import csv
import os

import openpyxl
import pyarrow.parquet as pq
import pytest

from conftest import run_cli
from demo_portal.seeds import seed_cells
from expected import EXPECTED_REPORTS

JIANGBEI = "宁波市江北区应急管理局"
FIXED = ["report_id", "agency", "year", "layout", "check_status"]


@pytest.fixture(scope="module")
def exports(crawled, tmp_path_factory):
    db = crawled[0]
    out = tmp_path_factory.mktemp("export")
    for fmt in ("csv", "parquet", "xlsx"):
        result = run_cli("export", "--db", str(db), "--format", fmt, str(out / f"reports.{fmt}"))
        assert result.stdout.startswith(f"wrote {len(EXPECTED_REPORTS)} reports to ")
    return out


def seed_000() -> dict:
    return {f"{c.table}.{c.row}.{c.col}": c.value for c in seed_cells("000")}


def test_csv_one_row_per_report_and_the_cells_of_seed_000(exports, portal):
    with open(exports / "reports.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(EXPECTED_REPORTS)
    assert sorted((r["agency"], int(r["year"])) for r in rows) == sorted(EXPECTED_REPORTS.values())
    header = list(rows[0])
    assert header[:len(FIXED)] == FIXED and "source_url" in header
    (row,) = [r for r in rows if r["agency"] == JIANGBEI]
    assert (row["year"], row["layout"], row["check_status"]) == ("2020", "2019", "ok")
    assert row["source_url"] == portal.url("jiangbei", "/art/2021/1/18/art_1229138290_3676543.html")
    cells = {k: v for k, v in row.items() if k.count(".") == 2}
    expected = seed_000()
    assert {k: v for k, v in cells.items() if v != ""} == {k: str(v) for k, v in expected.items() if v is not None}
    assert cells["active.procurement.amount"] == "7.98" and cells["applications.new.total"] == "0"
    assert all(cells[k] == "" for k in cells if k not in expected)  # 2021-layout codes: not printed, blank
    with open(exports / "reports.dictionary.csv", newline="", encoding="utf-8") as fh:
        words = {d["column"]: d for d in csv.DictReader(fh)}
    assert list(words) == header
    assert words["applications.new.total"]["label_zh"] == "一、本年新收政府信息公开申请数量·总计"
    assert words["active.procurement.amount"]["unit"] == "万元" and words["active.procurement.amount"]["layouts"] == "2019"
    assert words["applications.other_other.total"]["layouts"] == "2021"


def test_parquet_reads_back_with_the_same_values(exports):
    table = pq.read_table(exports / "reports.parquet")
    assert table.num_rows == len(EXPECTED_REPORTS)
    (row,) = [r for r in table.to_pylist() if r["agency"] == JIANGBEI]
    expected = seed_000()
    got = {k: v for k, v in row.items() if k.count(".") == 2 and k in expected}
    assert got == expected and all(type(got[k]) is type(expected[k]) for k in expected if expected[k] is not None)
    assert all(v is None for k, v in row.items() if k.count(".") == 2 and k not in expected)
    assert table.schema.field("applications.new.total").metadata[b"label_zh"].decode() == "一、本年新收政府信息公开申请数量·总计"
    assert table.schema.field("active.procurement.amount").metadata[b"unit"].decode() == "万元"


def test_xlsx_reads_back_with_codes_labels_and_values(exports):
    sheet = openpyxl.load_workbook(exports / "reports.xlsx", read_only=True)["reports"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    codes, labels, data = rows[0], rows[1], rows[2:]
    assert codes[:len(FIXED)] == FIXED and labels[:3] == ["报告编号", "报告机关", "报告年度"]
    assert len(data) == len(EXPECTED_REPORTS)
    (row,) = [dict(zip(codes, r)) for r in data if r[1] == JIANGBEI]
    expected = seed_000()
    assert {k: row[k] for k in expected} == expected
    assert all(row[k] is None for k in codes if k.count(".") == 2 and k not in expected)


def test_export_writing_rules(crawled, tmp_path):
    db = str(crawled[0])
    before = os.stat(db).st_mtime_ns, os.path.getsize(db)
    for fmt in ("csv", "xlsx"):
        refused = run_cli("export", "--db", db, "--format", fmt, "--force", db, check=False)
        assert refused.returncode == 2 and refused.stderr == f"govarchive: {db}: is the archive itself; refusing to write over it\n"
    assert (os.stat(db).st_mtime_ns, os.path.getsize(db)) == before
    out = tmp_path / "r.csv"
    out.write_text("keep me")
    again = run_cli("export", "--db", db, "--format", "csv", str(out), check=False)
    assert again.returncode == 2 and "exists; refusing to overwrite it (use --force)" in again.stderr
    assert out.read_text() == "keep me" and not (tmp_path / "r.dictionary.csv").exists()
    (tmp_path / "s.dictionary.csv").write_text("keep me too")  # the dictionary beside it is guarded too
    blocked = run_cli("export", "--db", db, "--format", "csv", str(tmp_path / "s.csv"), check=False)
    assert blocked.returncode == 2 and "s.dictionary.csv: exists" in blocked.stderr and not (tmp_path / "s.csv").exists()
    run_cli("export", "--db", db, "--format", "csv", "--force", str(out))
    assert out.read_text().startswith("report_id,agency,year,layout,check_status,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.dictionary.csv", "s.dictionary.csv"]  # no .part left
    bad = run_cli("export", "--db", db, "--format", "tsv", str(tmp_path / "x"), check=False)
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1 and "invalid choice: 'tsv'" in bad.stderr
    missing = run_cli("export", "--db", str(tmp_path / "none.db"), "--format", "csv", str(tmp_path / "x.csv"), check=False)
    assert missing.returncode == 2 and missing.stderr == f"govarchive: {tmp_path / 'none.db'}: no such archive\n"

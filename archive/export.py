"""`govarchive export`: one row per current report — who, which year, which layout, how its checks
came out, where it was published — then one column per cell code, for R, Stata, pandas or Excel.

Chinese labels, per format:
- csv: one header row of codes, and a data dictionary beside it (OUT's stem + .dictionary.csv):
  a second header row would make every column text to R, Stata and pandas.
- xlsx: row 1 the codes, row 2 the Chinese labels (the sheet is read by people), data from row 3
  with both rows frozen; a `dictionary` sheet as well.
- parquet: typed columns cannot take a second header row: each field's metadata carries its
  `label_zh` (and `unit`), and the file's metadata the whole dictionary as JSON.
Blank cells (printed blank, or not printed) are empty / null, never 0.
"""
from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass

import sqlite_utils

from archive import report_format
from archive.output import check_output, output_file
from extract.tables.schema import MONEY

FORMATS = ("csv", "parquet", "xlsx")
# (column, label, reports column); expected_cells and cells_found only where the archive has them.
FIXED = (("report_id", "报告编号", "id"), ("agency", "报告机关", "agency"), ("year", "报告年度", "year"),
         ("layout", "表格格式", "layout"), ("check_status", "勾稽关系状态", "check_status"),
         ("expected_cells", "应有单元格数", "expected_cells"), ("cells_found", "提取单元格数", "cells_found"),
         ("source_url", "来源网址", "url"))


@dataclass
class Export:
    columns: list[str]
    labels: list[str]
    rows: list[list]
    dictionary: list[dict]


def dictionary_path(out: str) -> str:
    stem = out[:-4] if out.lower().endswith(".csv") else out
    return stem + ".dictionary.csv"


def _layouts_of(code: str, layouts: dict[str, set[str]]) -> str:
    found = [name for name in ("2019", "2021", "2021-one-row") if code in layouts[name]]
    if found == ["2021", "2021-one-row"]:
        return "2021"
    return ", ".join(found).replace("2021-one-row", "2021 printing （六） as one row")


def collect(db: sqlite_utils.Database) -> Export:
    present = {c.name for c in db["reports"].columns} | {"url"}
    fixed = [f for f in FIXED if f[2] in present]
    codes = report_format.all_codes()
    reports = db.execute(f"SELECT {', '.join(f[2] for f in fixed)} FROM current_reports ORDER BY agency, year, id").fetchall()
    index = {code: i for i, code in enumerate(codes)}
    values: dict[int, list] = {r[0]: [None] * len(codes) for r in reports}
    for report_id, table, row, col, value in db.execute(
            "SELECT c.report_id, c.table_code, c.row_code, c.col_code, c.value FROM report_cells c "
            "JOIN current_reports r ON r.id = c.report_id"):
        i = index.get(f"{table}.{row}.{col}")
        if i is not None:
            values[report_id][i] = value
    layouts = report_format.layout_codes()
    dictionary = [{"column": f[0], "label_zh": f[1], "layouts": "", "unit": ""} for f in fixed] + [
        {"column": code, "label_zh": report_format.cell_label(code), "layouts": _layouts_of(code, layouts),
         "unit": "万元" if tuple(code.split(".")[1:]) in MONEY else ""} for code in codes]
    return Export(columns=[d["column"] for d in dictionary], labels=[d["label_zh"] for d in dictionary],
                  rows=[list(r) + values[r[0]] for r in reports], dictionary=dictionary)


def _csv_bytes(header: list[str], rows) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return text.getvalue().encode("utf-8")


def write_csv(data: Export, out: str, protect: str, force: bool) -> list[str]:
    dict_out = dictionary_path(out)
    check_output(dict_out, protect, force)
    with output_file(out, protect, force) as fh:
        fh.write(_csv_bytes(data.columns, data.rows))
    with output_file(dict_out, protect, force) as fh:
        keys = list(data.dictionary[0])
        fh.write(_csv_bytes(keys, ([d[k] for k in keys] for d in data.dictionary)))
    return [out, dict_out]


def _arrow_type(pa, values: list):
    kinds = {type(v) for v in values if v is not None}
    if kinds <= {int}:
        return pa.int64()
    if kinds <= {int, float}:
        return pa.float64()
    return pa.string()


def write_parquet(data: Export, out: str, protect: str, force: bool) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = list(zip(*data.rows)) if data.rows else [()] * len(data.columns)
    fields, arrays = [], []
    for entry, values in zip(data.dictionary, columns):
        kind = _arrow_type(pa, list(values))
        values = [float(v) if kind == pa.float64() and v is not None else v for v in values]
        meta = {"label_zh": entry["label_zh"], **({"unit": entry["unit"]} if entry["unit"] else {})}
        fields.append(pa.field(entry["column"], kind, metadata=meta))
        arrays.append(pa.array(values, type=kind))
    schema = pa.schema(fields, metadata={"govarchive.dictionary": json.dumps(data.dictionary, ensure_ascii=False)})
    with output_file(out, protect, force) as fh:
        pq.write_table(pa.Table.from_arrays(arrays, schema=schema), fh)
    return [out]


def write_xlsx(data: Export, out: str, protect: str, force: bool) -> list[str]:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "reports"
    sheet.append(data.columns)
    sheet.append(data.labels)
    for row in data.rows:
        sheet.append(row)
    sheet.freeze_panes = "C3"
    keys = list(data.dictionary[0])
    words = book.create_sheet("dictionary")
    words.append(keys)
    for entry in data.dictionary:
        words.append([entry[k] for k in keys])
    with output_file(out, protect, force) as fh:
        book.save(fh)
    return [out]


WRITERS = {"csv": write_csv, "parquet": write_parquet, "xlsx": write_xlsx}


def export(db: sqlite_utils.Database, db_path: str, fmt: str, out: str, force: bool) -> tuple[int, list[str]]:
    """Write the export; (reports written, files written)."""
    data = collect(db)
    return len(data.rows), WRITERS[fmt](data, out, os.fspath(db_path), force)

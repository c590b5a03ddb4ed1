"""GET /-/report/{id}: one report's three tables as the national format prints them, its checks
beside them, and where it came from."""
from __future__ import annotations

import json

from datasette.utils.asgi import NotFound, Response

from archive import report_format
from archive.browse import checks as check_words
from archive.browse.common import archive_db, one, page, rows
from archive.report_format import Empty, Label

CHECK_STATUS_WORDS = {"ok": "全部勾稽关系通过", "failed": "有勾稽关系不符", "incomplete": "缺少应有的单元格",
                      "not_assessable": "部分勾稽关系无法核对", "none": "没有可核对的表格"}


def display(value) -> str:
    """The number as stored: blank (NULL) stays blank, never 0."""
    return "" if value is None else str(value)


def grid_rows(grid: list[list], cells: dict, failed: dict[str, list[str]]) -> list[list[dict]]:
    out = []
    for row in grid:
        line = []
        for item in row:
            if isinstance(item, Label):
                line.append({"kind": "label", "text": item.text, "rowspan": item.rowspan, "colspan": item.colspan,
                             "group": item.group})
            elif isinstance(item, Empty):
                line.append({"kind": "empty", "colspan": item.colspan})
            else:
                cell = cells.get(item.code)
                line.append({"kind": "value", "code": item.code, "colspan": item.colspan,
                             "absent": cell is None, "blank": cell is not None and cell["value"] is None,
                             "text": display(cell["value"]) if cell else "", "raw": cell["raw"] if cell else None,
                             "failed": failed.get(item.code, [])})
        out.append(line)
    return out


async def context(db, report_id: int) -> dict:
    columns = set(await db.table_columns("reports"))
    report = await one(db, "SELECT r.*, p.url, p.final_url, p.fetched_at, p.sha256, p.site, p.title AS page_title "
                           "FROM reports r LEFT JOIN pages p ON p.id = r.page WHERE r.id = ?", [report_id])
    if report is None:
        raise NotFound(f"no report {report_id}")
    cells = {f"{c['table_code']}.{c['row_code']}.{c['col_code']}": c for c in await rows(
        db, "SELECT table_code, row_code, col_code, value, raw FROM report_cells WHERE report_id = ?", [report_id])}
    grids = report_format.grids(report["layout"], set(cells))
    printed = {code for grid in grids.values() for code in report_format.grid_codes(grid)}
    stored_checks = await rows(db, "SELECT * FROM report_checks WHERE report_id = ? ORDER BY rowid", [report_id])
    failed: dict[str, list[str]] = {}
    for check in stored_checks:
        check["description"] = check_words.describe(check)
        check["status_words"] = check_words.STATUS_WORDS.get(check["status"], check["status"])
        check["lhs_text"], check["rhs_text"] = check_words.side(check["lhs"]), check_words.side(check["rhs"])
        if check["status"] == "failed":
            for code in check_words.cells_of(check, printed):
                failed.setdefault(code, []).append(f"{check['description']}：{check['lhs_text']} ≠ {check['rhs_text']}")
    tables = [{"code": code, "title": report_format.TABLE_TITLES[code], "rows": grid_rows(grid, cells, failed),
               "wide": code == "review_litigation"} for code, grid in grids.items()]
    extra = sorted(set(cells) - printed)  # cells the printed grid has no place for (e.g. another layout's)
    completeness = {
        # The extractor stores what it expected where its archive has the columns; else counted here.
        "expected": report["expected_cells"] if "expected_cells" in columns else len(printed),
        "found": report["cells_found"] if "cells_found" in columns else len(printed & set(cells)),
        "stored": "expected_cells" in columns,
    }
    attachments = await rows(db, "SELECT id, url, filename, content_type, size, sha256 FROM attachments "
                                 "WHERE page_id = ? OR (page_id IS NULL AND source_page = ?) ORDER BY id",
                             [report["page"], report["url"]])
    # A page version's report: the one that counts where the page gave it twice (its HTML and a file).
    counts = " AND r.duplicate_of IS NULL" if "duplicate_of" in columns else ""
    versions = await rows(db, "SELECT p.id AS page_id, p.fetched_at, p.last_seen_at, p.sha256, min(r.id) AS report_id "
                              f"FROM pages p LEFT JOIN reports r ON r.page = p.id{counts} WHERE p.url = ? "
                              "GROUP BY p.id ORDER BY p.id DESC", [report["url"]])
    years = await rows(db, "SELECT id, year, layout, check_status, title FROM current_reports "
                           "WHERE agency = ? ORDER BY year, id", [report["agency"]]) if report["agency"] else []
    return {
        "report": report, "tables": tables, "extra_cells": [cells[c] | {"code": c} for c in extra],
        "failed_checks": [c for c in stored_checks if c["status"] == "failed"],
        "other_checks": [c for c in stored_checks if c["status"] != "failed"],
        "n_ok": sum(c["status"] == "ok" for c in stored_checks),
        "status_words": CHECK_STATUS_WORDS.get(report["check_status"], report["check_status"]),
        "completeness": completeness, "warnings": json.loads(report["warnings"] or "[]"),
        "attachments": attachments, "versions": versions, "years": years,
        "duplicate_of": report.get("duplicate_of"),
    }


async def find(datasette, request):
    """GET /-/report?agency=…&year=…: the current report of an agency and year (URLs that stay
    right across archives, where ids differ); several are listed."""
    db = await archive_db(datasette, request)
    agency, year = request.args.get("agency", ""), request.args.get("year", "")
    found = await rows(db, "SELECT id, title, url, check_status FROM current_reports WHERE agency = ? AND year = ? "
                           "ORDER BY id", [agency, int(year) if year.isdigit() else None])
    if len(found) == 1:
        return Response.redirect(datasette.urls.path(f"/-/report/{found[0]['id']}"))
    if not found:
        raise NotFound(f"no current report of {agency or '(no agency given)'} for {year or '(no year given)'}")
    return await page(datasette, request, "govarchive_choose.html", {"agency": agency, "year": year, "found": found})


async def view(datasette, request):
    db = await archive_db(datasette, request)
    return await page(datasette, request, "govarchive_report.html",
                      await context(db, int(request.url_vars["report_id"])))

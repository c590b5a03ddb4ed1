"""Report rows: one per source a report was read from (a page's HTML, a file it links, its images),
and which of them counts when one page gives the same report twice.

Which one wins (the others keep their rows and cells as evidence, `duplicate_of` pointing at it):
the page's own report when it is complete (`check_status` is not `incomplete`) — the HTML is what
the agency published as text, read without a conversion or OCR in between; otherwise the source
with the most cells found (the page on a tie, then the earliest stored file).
"""
from __future__ import annotations

import json

import sqlite_utils

from extract.page import Extraction


def write_report(db: sqlite_utils.Database, extraction: Extraction, *, page_id: int, source: str,
                 attachment_id: int | None, old_id: int | None, extracted_at: str) -> int:
    """Insert or rewrite one report row with its cells and checks (old ones already deleted);
    the caller holds the transaction. A report keeps its id across re-extractions."""
    fields = [extraction.title, extraction.agency, extraction.year, extraction.layout, len(extraction.cells),
              sum(c.status == "failed" for c in extraction.checks), extraction.check_status, extraction.expected_cells,
              extraction.cells_found, json.dumps(extraction.warnings, ensure_ascii=False),
              extraction.extractor_version, extracted_at, extraction.source_kind]
    if old_id is None:
        report_id = db.execute(
            "INSERT INTO reports (title, agency, year, layout, cell_count, checks_failed, check_status, expected_cells,"
            " cells_found, warnings, extractor_version, extracted_at, source_kind, page, source, attachment)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            fields + [page_id, source, attachment_id],
        ).lastrowid
    else:
        report_id = old_id
        db.execute(
            "UPDATE reports SET title = ?, agency = ?, year = ?, layout = ?, cell_count = ?, checks_failed = ?,"
            " check_status = ?, expected_cells = ?, cells_found = ?, warnings = ?, extractor_version = ?,"
            " extracted_at = ?, source_kind = ? WHERE id = ?", fields + [report_id],
        )
    db.conn.executemany(
        "INSERT INTO report_cells (report_id, table_code, row_code, col_code, value, raw) VALUES (?,?,?,?,?,?)",
        [(report_id, c.table, c.row, c.col, c.value, c.raw) for c in extraction.cells],
    )
    db.conn.executemany(
        "INSERT INTO report_checks (report_id, rule, table_code, row_code, col_code, status, lhs, rhs)"
        " VALUES (?,?,?,?,?,?,?,?)",
        [(report_id, c.rule, c.table, c.row, c.col, c.status, c.lhs, c.rhs) for c in extraction.checks],
    )
    return report_id


def clear_report(db: sqlite_utils.Database, report_id: int, *, delete: bool) -> None:
    """Its cells and checks gone (and the row, when `delete`); reports that deferred to it are
    settled again by the caller (settle_duplicates)."""
    db.execute("DELETE FROM report_cells WHERE report_id = ?", [report_id])
    db.execute("DELETE FROM report_checks WHERE report_id = ?", [report_id])
    if delete:
        db.execute("UPDATE reports SET duplicate_of = NULL WHERE duplicate_of = ?", [report_id])
        db.execute("DELETE FROM reports WHERE id = ?", [report_id])


def _same_report(a: dict, b: dict) -> bool:
    """The same agency's report of the same year: equal years, and agencies equal, unnamed on one
    side, or one the other's short form (阎良区应急管理局 / 西安市阎良区应急管理局)."""
    if a["year"] != b["year"]:
        return False
    x, y = a["agency"], b["agency"]
    return not x or not y or x == y or x.endswith(y) or y.endswith(x)


def _rank(report: dict) -> tuple:
    if report["source"] == "page" and report["check_status"] != "incomplete":
        return (1, 0, 0, 0)
    return (0, report["cells_found"] or 0, report["source"] == "page", -report["id"])


def settle_duplicates(db: sqlite_utils.Database, page_id: int) -> None:
    """Mark, among the reports read from one page version, each one that repeats another (same
    agency and year) as a duplicate of the winner. Reports of other years (a listing's files) stay
    apart. The caller holds the transaction."""
    cursor = db.execute("SELECT id, source, agency, year, check_status, cells_found, duplicate_of FROM reports"
                        " WHERE page = ? ORDER BY id", [page_id])
    names = [d[0] for d in cursor.description]
    reports = [dict(zip(names, row)) for row in cursor.fetchall()]
    groups: list[list[dict]] = []
    for report in reports:
        group = next((g for g in groups if all(_same_report(report, other) for other in g)), None)
        if group is None:
            groups.append([report])
        else:
            group.append(report)
    for group in groups:
        winner = max(group, key=_rank)
        for report in group:
            wanted = None if report is winner else winner["id"]
            if report["duplicate_of"] != wanted:
                db.execute("UPDATE reports SET duplicate_of = ? WHERE id = ?", [wanted, report["id"]])

"""What an archive holds, as lines for a terminal (`govarchive reports`)."""
from __future__ import annotations

import sqlite_utils


def report_lines(db: sqlite_utils.Database, agency: str | None = None, year: int | None = None) -> list[str]:
    """One line per current report: agency, year, layout, cells, check status, URL (and the file or
    images it was read from); then a count."""
    where, params = [], []
    if agency:
        where.append("agency LIKE ?")
        params.append(f"%{agency}%")
    if year:
        where.append("year = ?")
        params.append(year)
    sql = ("SELECT agency, year, layout, cell_count, check_status, url, source, source_kind, attachment_url"
           " FROM current_reports"
           + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY agency, year")
    rows = db.execute(sql, params).fetchall()
    width = max((len(r[0] or "") for r in rows), default=10)
    lines = [f"{(a or '(agency not named)'):{width}}  {y or '----'}  layout {lay or '-':4}  {n or 0:3} cells  "
             f"{status or '-':14}  {url}" + _read_from(source, kind, file_url)
             for a, y, lay, n, status, url, source, kind, file_url in rows]
    lines.append(f"{len(rows)} reports")
    return lines


def _read_from(source: str | None, kind: str | None, file_url: str | None) -> str:
    if source == "attachment":
        return f"  (from {kind} {file_url})"
    if source == "images":
        return "  (from its images)"
    return ""

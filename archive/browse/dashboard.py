"""GET /-/dashboard: what the archive holds, at a glance. A page of the plugin rather than
datasette-dashboards: that plugin brings datasette-leaflet and datasette-render-markdown onto every
page and draws Vega-Lite in the browser from JSON queries; four bar charts need neither — they are
drawn here as inline SVG (archive/browse/svg.py), with the numbers beside them as tables."""
from __future__ import annotations

from collections import defaultdict

from archive.browse import svg
from archive.browse.common import archive_db, page, rows

OUTCOMES = (  # (label, SQL condition on the row code) over column 总计 of table 三
    ("新收申请", "c.row_code = 'new'"),
    ("予以公开", "c.row_code = 'granted'"),
    ("部分公开", "c.row_code = 'partially_granted'"),
    ("不予公开", "c.row_code LIKE 'denied\\_%' ESCAPE '\\'"),
    ("无法提供", "c.row_code LIKE 'unavailable\\_%' ESCAPE '\\'"),
    ("不予处理", "c.row_code LIKE 'not\\_processed\\_%' ESCAPE '\\'"),
    ("其他处理", "c.row_code LIKE 'other%'"),
)
STATUSES = ("ok", "not_assessable", "none", "incomplete", "failed")
STATUS_COLORS = ("#3ca951", "#efb118", "#9498a0", "#ff8c00", "#d62728")


async def reports_per_year(db):
    found = await rows(db, "SELECT year, count(*) AS n FROM current_reports GROUP BY year ORDER BY year IS NULL, year")
    chart = svg.bars([r["year"] or "?" for r in found], [("报告数 reports", [r["n"] for r in found])],
                     title="reports per year")
    return chart, found


async def coverage(db):
    """Agency × year: which reports the archive holds, and the years between its first and last
    year in which an agency has none."""
    found = await rows(db, "SELECT agency, year, id, check_status FROM current_reports "
                           "WHERE agency IS NOT NULL AND year IS NOT NULL ORDER BY agency, year, id")
    years = list(range(min(r["year"] for r in found), max(r["year"] for r in found) + 1)) if found else []
    held = defaultdict(dict)
    for r in found:
        held[r["agency"]].setdefault(r["year"], r)
    grid = [{"agency": a, "cells": [held[a].get(y) for y in years],
             "missing": [y for y in years if y not in held[a]]} for a in sorted(held)]
    return years, grid


async def outcomes(db):
    sums = ", ".join(f"sum(CASE WHEN {cond} THEN c.value END) AS o{i}" for i, (_, cond) in enumerate(OUTCOMES))
    found = await rows(db, f"SELECT r.year, count(DISTINCT r.id) AS reports, {sums} FROM current_reports r "
                           "JOIN report_cells c ON c.report_id = r.id AND c.table_code = 'applications' "
                           "AND c.col_code = 'total' WHERE r.year IS NOT NULL GROUP BY r.year ORDER BY r.year")
    years = [r["year"] for r in found]
    new = svg.bars(years, [(OUTCOMES[0][0], [r["o0"] for r in found])], title="new applications per year")
    results = svg.bars(years, [(label, [r[f"o{i}"] for r in found]) for i, (label, _) in enumerate(OUTCOMES) if i],
                       stacked=True, title="outcomes per year")
    return new, results, found


async def check_shares(db):
    found = await rows(db, "SELECT year, check_status, count(*) AS n FROM current_reports GROUP BY year, check_status")
    years = sorted({r["year"] for r in found}, key=lambda y: (y is None, y))
    count = {(r["year"], r["check_status"]): r["n"] for r in found}
    statuses = [s for s in STATUSES if any(k[1] == s for k in count)] + sorted(
        {k[1] or "?" for k in count} - set(STATUSES))
    chart = svg.bars([y or "?" for y in years], [(s, [count.get((y, s)) for y in years]) for s in statuses],
                     stacked=True, percent=True, title="share of reports by check status",
                     colors=tuple(STATUS_COLORS[STATUSES.index(s)] if s in STATUSES else "#555" for s in statuses))
    total = sum(count.values())
    flagged = sum(n for (_, s), n in count.items() if s in ("failed", "incomplete"))
    return chart, {"total": total, "flagged": flagged, "share": 100 * flagged / total if total else 0}


async def view(datasette, request):
    db = await archive_db(datasette, request)
    per_year, per_year_rows = await reports_per_year(db)
    years, grid = await coverage(db)
    new, results, outcome_rows = await outcomes(db)
    shares, flagged = await check_shares(db)
    return await page(datasette, request, "govarchive_dashboard.html", {
        "per_year": per_year, "per_year_rows": per_year_rows, "years": years, "grid": grid,
        "new": new, "results": results, "outcome_rows": outcome_rows, "outcome_labels": [o[0] for o in OUTCOMES],
        "shares": shares, "flagged": flagged,
    })

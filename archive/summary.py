"""Human summaries of what a crawl archived, read back from the archive itself."""
from __future__ import annotations

import json

import sqlite_utils

from archive.failures import run_failures

_NAMED = 20  # failures listed by URL per site in the printed summary; all are in fetch_errors


def crawl_summary(db: sqlite_utils.Database, crawl_id: int) -> dict:
    crawl = db.execute("SELECT started, finished, status, sites, stats FROM crawls WHERE id = ?", [crawl_id]).fetchone()
    if crawl is None:
        raise KeyError(f"no crawl {crawl_id}")
    stats = json.loads(crawl[4] or "{}")
    sites = json.loads(crawl[3] or "[]")
    per_site = []
    failures = run_failures(db, crawl_id, include_policy=True)
    for name in sites:
        mine = [f for f in failures if f["site"] == name]
        kinds: dict[str, int] = {}
        for f in mine:
            key = f"{f['kind']} {f['status']}" if f["status"] else f["kind"]
            kinds[key] = kinds.get(key, 0) + 1
        per_site.append({
            "site": name,
            "pages": stats.get(f"govarchive/stored/{name}", 0),
            "new_versions": stats.get(f"govarchive/new_versions/{name}", 0),
            "new_reports": stats.get(f"govarchive/new_reports/{name}", 0),
            "not_modified": stats.get(f"govarchive/not_modified/{name}", 0),
            "reports": stats.get(f"govarchive/reports/{name}", 0),
            "attachments": stats.get(f"govarchive/attachments_stored/{name}", 0),
            "renders": stats.get(f"govarchive/renders/{name}", 0),
            "challenges_passed": stats.get(f"govarchive/challenge_renders/{name}", 0),
            "errors": len([f for f in mine if f["kind"] != "robots"]),
            "errors_by_kind": kinds,
            "failures": mine,
        })
    # Seen by this crawl; a report read twice from one page (its HTML and a file) once, as the winner.
    reports = db.execute(
        "SELECT r.agency, r.year, r.layout, p.url, r.source, r.source_kind, r.cells_found, r.expected_cells,"
        " (SELECT count(*) FROM attachments a WHERE a.page_id = r.page AND a.image_index IS NOT NULL)"
        " FROM reports r JOIN pages p ON p.id = r.page"
        " WHERE p.last_seen_at >= ? AND r.duplicate_of IS NULL ORDER BY r.agency, r.year",
        [crawl[0]],
    ).fetchall()
    return {
        "crawl": crawl_id,
        "status": crawl[2],
        "started": crawl[0],
        "finished": crawl[1],
        "sites": per_site,
        "reports": [{"agency": a, "year": y, "layout": lay, "url": u, "source": src, "source_kind": kind,
                     "cells_found": found, "expected_cells": expected, "images": images}
                    for a, y, lay, u, src, kind, found, expected, images in reports],
    }


def format_summary(summary: dict) -> str:
    lines = [f"crawl {summary['crawl']}: {summary['status']} ({summary['started']} → {summary['finished']})"]
    lines.append(f"sites: {len(summary['sites'])}, pages fetched: {sum(s['pages'] for s in summary['sites'])}")
    for s in summary["sites"]:
        errors = ", ".join(f"{k} ×{v}" for k, v in sorted(s["errors_by_kind"].items()))
        lines.append(f"  {s['site']}: {s['pages']} pages, {s['new_versions']} new versions, "
                     f"{s['reports']} report pages ({s['new_reports']} new), {s['not_modified']} unchanged (304), "
                     f"{s['attachments']} attachments, {s['renders']} listings rendered, "
                     f"{s['challenges_passed']} challenges passed, "
                     f"{s['errors']} failed for good" + (f" ({errors})" if errors else ""))
        for f in s["failures"][:_NAMED]:
            what = f"{f['kind']} {f['status']}" if f["status"] else f["kind"]
            lines.append(f"    {what}: {f['url']}" + (f" — {f['detail']}" if f["detail"] and not f["status"] else ""))
        if len(s["failures"]) > _NAMED:
            lines.append(f"    … and {len(s['failures']) - _NAMED} more (fetch_errors)")
    lines.append(f"report pages found: {len(summary['reports'])}")
    by_agency: dict[str, list[str]] = {}
    for r in summary["reports"]:  # one line per agency: its years, each with its layout (and its file)
        by_agency.setdefault(r["agency"] or "(agency not named)", []).append(f"{r['year']} ({_source(r)})")
    for agency, years in by_agency.items():
        lines.append(f"  {agency} {', '.join(years)}")
    return "\n".join(lines)


def _source(report: dict) -> str:
    """`layout 2019` for a page's own report; where it was read from a file or the page's images,
    which, and its cells: `layout 2019; from a PDF attachment, 198 of 198 cells`."""
    text = f"layout {report['layout']}"
    if report.get("source") == "attachment":
        text += f"; from a {(report['source_kind'] or 'file').upper()} attachment"
    elif report.get("source") == "images":
        text += f"; from {report['images']} page images"
    else:
        return text
    return text + f", {report['cells_found'] or 0} of {report['expected_cells'] or '?'} cells"


def store_summary(db: sqlite_utils.Database, crawl_id: int) -> str:
    text = format_summary(crawl_summary(db, crawl_id))
    with db.atomic():
        db.execute("UPDATE crawls SET summary = ? WHERE id = ?", [text, crawl_id])
    return text

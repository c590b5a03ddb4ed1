"""Links from datasette's tables, views and canned queries to the plugin's pages: a report id to
the report as printed, a page id or a page's title to the archived page."""
from __future__ import annotations

from markupsafe import Markup, escape

REPORT_TABLES = frozenset({"reports", "current_reports"})


def _link(datasette, path: str, text) -> Markup:
    return Markup('<a href="{}">{}</a>').format(datasette.urls.path(path), text)


def render_cell(row, value, column, table, database, datasette):
    if value is None or not isinstance(value, int):
        if column == "title" and isinstance(value, str) and table in REPORT_TABLES | {"pages"}:
            key = "id" if "id" in row.keys() else None
            if key is not None and isinstance(row[key], int):
                path = f"/-/report/{row[key]}" if table in REPORT_TABLES else f"/-/page/{row[key]}"
                return _link(datasette, path, escape(value))
        return None
    if column.endswith("report_id") or (column == "id" and table in REPORT_TABLES):
        return _link(datasette, f"/-/report/{value}", value)
    if column == "page_id" or (column == "page" and table in REPORT_TABLES):
        return _link(datasette, f"/-/page/{value}", value)
    return None

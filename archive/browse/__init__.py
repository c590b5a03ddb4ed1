"""The archive as a researcher reads it: a datasette plugin (registered by the `datasette` entry
point in pyproject.toml) with the report as printed, archived pages viewed safely, search with
snippets, a dashboard, Chinese column labels, cell links and Host checking."""
from __future__ import annotations

from datasette import hookimpl

from archive import bodies
from archive.browse import dashboard, hosts, labels, links, page_view, report_view, search


@hookimpl
def register_routes():
    return [
        (r"^/-/report/(?P<report_id>\d+)$", report_view.view),
        (r"^/-/report$", report_view.find),
        (r"^/-/page/(?P<page_id>\d+)$", page_view.view),
        (r"^/-/page/(?P<page_id>\d+)/raw$", page_view.raw),
        (r"^/-/attachment/(?P<attachment_id>\d+)$", page_view.attachment),
        (r"^/-/search$", search.view),
        (r"^/-/dashboard$", dashboard.view),
    ]


@hookimpl
def prepare_connection(conn):
    bodies.register(conn)  # raw_body(body, body_codec) for queries over stored bodies


@hookimpl
def asgi_wrapper():
    return hosts.wrap


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    return links.render_cell(row, value, column, table, database, datasette)


@hookimpl
def extra_body_script(datasette):
    return labels.body_script(datasette)


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/-/search"), "label": "搜索 Search"},
            {"href": datasette.urls.path("/-/dashboard"), "label": "概览 Dashboard"}]

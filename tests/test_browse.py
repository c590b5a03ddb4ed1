"""The archive as a person sees it: `govarchive serve` in real headless Chromium (Debian's).

Screenshots land in artifacts/screenshots/ (git-ignored) for a look after the run.
"""
from __future__ import annotations

import http.server
import json
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from archive.db import open_archive
from archive.store import Fetch, insert_version
from conftest import ROOT, free_port, serving
from demo_portal.seeds import seed_cells

SHOTS = ROOT / "artifacts" / "screenshots"
LAUNCH = {"executable_path": "/usr/bin/chromium", "headless": True,
          "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                   "--no-first-run", "--disable-sync"]}
SCRIPTED_URL = "http://127.0.0.1:9/scripted.html"
# A stored page whose script, were it run, would mark the page and call a server of the test's.
SCRIPTED = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>有脚本的页面</title></head><body>
<p id="marker">marker unset</p><img src="http://127.0.0.1:{port}/image.png">
<script>document.getElementById("marker").textContent = "marker set by script";
fetch("http://127.0.0.1:{port}/beacon"); top.location.href = "http://127.0.0.1:{port}/escaped";</script>
</body></html>"""


class Beacon(http.server.ThreadingHTTPServer):
    """Records every request that reaches it: none must, from the archived page."""

    def __init__(self):
        self.seen: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.seen.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", free_port()), Handler)


@pytest.fixture(scope="module")
def beacon():
    server = Beacon()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def archive_copy(crawled, beacon, tmp_path_factory):
    """The crawled archive plus one stored page with a script: (path, that page's id)."""
    path = tmp_path_factory.mktemp("browse") / "browse.db"
    with sqlite3.connect(crawled[0]) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    db = open_archive(path)
    page_id, _ = insert_version(db, Fetch(url=SCRIPTED_URL, site="test",
                                          body=SCRIPTED.format(port=beacon.server_port).encode(),
                                          headers={"Content-Type": ["text/html; charset=utf-8"]}))
    db.close()
    return path, page_id


@pytest.fixture(scope="module")
def site(archive_copy):
    db, _ = archive_copy
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(db) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(**LAUNCH)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield base, Path(db).stem, page
        browser.close()


def report_id(base: str, name: str, agency: str, year: int) -> int:
    q = urllib.parse.urlencode({"agency": agency, "year": year, "_shape": "array", "_col": "id"})
    (row,) = json.loads(urllib.request.urlopen(f"{base}/{name}/current_reports.json?{q}").read())
    return row["id"]


def visit(page, url: str, shot: str, wait_for: str | None = None):
    page.goto(url, wait_until="networkidle")
    if wait_for:
        page.wait_for_selector(wait_for, timeout=15000)
    page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
    return page.inner_text("body")


def test_home_page(site):
    base, name, page = site
    text = visit(page, base + "/", "home")
    assert "政府信息公开工作年度报告 archive" in text and name in text


def test_reports_table_with_facets(site):
    base, name, page = site
    text = visit(page, f"{base}/{name}/reports", "reports", wait_for=".facet-info")
    assert "Reports (年度报告)" in text
    facets = page.inner_text(".facet-results")
    for facet in ("agency", "year", "layout", "check_status"):
        assert facet in facets
    assert "衢州市应急管理局" in facets and "2021" in facets


def test_full_text_search_for_a_chinese_term(site):
    # The pages table's search form (its description): the index keeps no token positions, so
    # datasette's own table search (FTS5 phrase queries) is not offered; /-/search is.
    base, name, page = site
    visit(page, f"{base}/{name}/pages", "pages")
    page.fill("form.ga-page-search input[name=q]", "依申请公开")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("form.ga-page-search button")
    assert urllib.parse.unquote(page.url) == f"{base}/-/search?q=依申请公开"
    page.screenshot(path=str(SHOTS / "search.png"), full_page=True)
    text = page.inner_text("body")
    assert "宁波市江北区应急管理局2020年政府信息公开工作年度报告" in text
    assert "衢州市应急管理局2023年政府信息公开工作年度报告" in text
    assert "关于报送2020年度政府信息公开工作年度报告的通知" not in text  # the notice does not say it


def test_canned_query(site):
    base, name, page = site
    text = visit(page, f"{base}/{name}/outcomes_by_agency_year", "outcomes")
    assert "Outcomes per agency and year" in text
    assert "衢州市应急管理局" in page.inner_text("table.rows-and-columns")


def test_chart_of_new_applications(site):
    base, name, page = site
    q = urllib.parse.urlencode({"agency": "衢州市应急管理局"})
    url = f"{base}/{name}/agency_new_applications?{q}#g.mark=line&g.x_column=year&g.x_type=ordinal&g.y_column=new_applications&g.y_type=quantitative"
    text = visit(page, url, "chart", wait_for=".vega-embed canvas")
    assert "Charting options" in text
    chosen = page.eval_on_selector_all("select", "els => els.map(e => e.value)")
    assert "year" in chosen and "new_applications" in chosen
    assert page.is_checked("input[type=radio][value=line]")
    # The chart itself is drawn on a canvas: count the pixels that are not background.
    inked = page.eval_on_selector(".vega-embed canvas", """c => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 200 || d[i + 1] < 200)) n++;
        return n; }""")
    assert inked > 500
    data = json.loads(urllib.request.urlopen(f"{base}/{name}/agency_new_applications.json?{q}&_shape=array").read())
    assert [(r["year"], r["new_applications"]) for r in data] == [(2021, 3), (2022, 3), (2023, 1)]
    assert all(isinstance(r["report_id"], int) for r in data)


def test_report_page_of_seed_000(site):
    base, name, page = site
    rid = report_id(base, name, "宁波市江北区应急管理局", 2020)
    text = visit(page, f"{base}/-/report/{rid}", "report-000")
    for label in ("三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量", "（七）总计", "本年新制作数量",
                  "政府集中采购", "行政复议", "未经复议直接起诉"):
        assert label in text
    shown = page.eval_on_selector_all("td[data-cell]", "tds => tds.map(td => [td.dataset.cell, td.innerText, td.dataset.raw, td.title])")
    expected = {f"{c.table}.{c.row}.{c.col}": c for c in seed_cells("000")}
    assert {code for code, *_ in shown} == set(expected)
    for code, value_text, raw, title in shown:
        cell = expected[code]
        assert (value_text.strip(), raw) == ("" if cell.value is None else str(cell.value), cell.raw), code
        assert title.startswith(f"印作「{cell.raw}」"), code  # the printed text, on hover
    page.hover("td[data-cell='active.procurement.amount']")
    assert page.inner_text("td[data-cell='active.procurement.amount']") == "7.98"


def test_failed_check_highlighted(site):
    base, name, page = site
    rid = report_id(base, name, "衢州市应急管理局", 2021)
    visit(page, f"{base}/-/report/{rid}", "report-failed")
    colour = "td => getComputedStyle(td).backgroundColor"
    assert page.eval_on_selector("td[data-cell='applications.granted.natural_person']", colour) == "rgb(251, 211, 208)"
    assert page.eval_on_selector("td[data-cell='applications.new.natural_person']", colour) != "rgb(251, 211, 208)"
    assert page.inner_text("#check-status") == "failed"
    rows = page.eval_on_selector_all("#failed-checks tr.failed", "trs => trs.map(tr => tr.innerText)")
    assert len(rows) == 2 and "\t3\t2" in rows[0] and "\t2\t1" in rows[1]


def test_page_viewer_runs_no_script_of_the_stored_page(site, archive_copy, beacon):
    base, name, page = site
    _, page_id = archive_copy
    text = visit(page, f"{base}/-/page/{page_id}", "viewer")
    assert SCRIPTED_URL in text and "download the stored bytes" in text
    page.wait_for_timeout(500)
    frame = next(f for f in page.frames if f.url.endswith(f"/-/page/{page_id}/raw"))
    assert frame.inner_text("#marker") == "marker unset"
    assert page.url == f"{base}/-/page/{page_id}" and beacon.seen == []  # no navigation, no request left
    # The same bytes in an unsandboxed page do run: the marker is a real test.
    control = page.context.browser.new_page()
    control.set_content(SCRIPTED.format(port=beacon.server_port).replace("top.location.href = ", "void "))
    control.wait_for_function("document.getElementById('marker').textContent === 'marker set by script'")
    control.close()
    assert "/beacon" in beacon.seen or "/image.png" in beacon.seen
    beacon.seen.clear()


def test_search_shows_a_snippet(site):
    base, name, page = site
    text = visit(page, f"{base}/-/search?q=" + urllib.parse.quote("依申请公开"), "search-snippet")
    assert "宁波市江北区应急管理局2020年政府信息公开工作年度报告" in text
    marks = page.eval_on_selector_all(".ga-hit .snippet mark", "ms => ms.map(m => m.innerText)")
    assert marks and set(marks) == {"依申请公开"}
    assert page.eval_on_selector(".ga-hit .snippet mark", "m => getComputedStyle(m).backgroundColor") == "rgb(255, 224, 102)"
    short = visit(page, f"{base}/-/search?q=" + urllib.parse.quote("年报"), "search-short")
    assert "fewer than three characters" in short


def test_dashboard_charts_are_wide(site):
    base, name, page = site
    text = visit(page, f"{base}/-/dashboard", "dashboard")
    assert "Reports per year" in text and "Agencies missing a year" in text
    widths = page.eval_on_selector_all("svg.ga-chart", "els => els.map(e => e.getBoundingClientRect().width)")
    assert len(widths) == 4 and min(widths) > 400
    bars = page.eval_on_selector_all("#chart-reports-per-year rect title", "ts => ts.map(t => t.textContent)")
    assert "2021 报告数 reports: 1" in bars and "2020 报告数 reports: 4" in bars


def test_column_labels_in_chinese(site):
    base, name, page = site
    visit(page, f"{base}/{name}/report_summary", "report-summary")
    labels = page.eval_on_selector_all("table.rows-and-columns th .zh-label", "ls => ls.map(l => l.innerText)")
    assert {"报告", "报告机关", "报告年度", "本年新收申请", "行政复议总计"} <= set(labels)
    visit(page, f"{base}/{name}/failed_checks", "failed-checks")
    assert page.title() == f"Reports whose checks fail — {name}"
    labels = page.eval_on_selector_all("table.rows-and-columns th .zh-label", "ls => ls.map(l => l.innerText)")
    assert {"报告机关", "勾稽规则", "左边", "右边"} <= set(labels)


def test_host_header_checked_on_serve(site):
    base, name, _ = site
    port = urllib.parse.urlsplit(base).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        with urllib.request.urlopen(urllib.request.Request(base + "/-/versions.json", headers={"Host": host})) as r:
            assert r.status == 200
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}"):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(urllib.request.Request(base + f"/{name}/reports.json", headers={"Host": host}))
        assert err.value.code == 403

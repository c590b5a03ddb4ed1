"""The archive as a person sees it: `govarchive serve` in real headless Chromium (Debian's).

Screenshots land in artifacts/screenshots/ (git-ignored) for a look after the run.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from conftest import ROOT, serving

SHOTS = ROOT / "artifacts" / "screenshots"
LAUNCH = {"executable_path": "/usr/bin/chromium", "headless": True,
          "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                   "--no-first-run", "--disable-sync"]}


@pytest.fixture(scope="module")
def site(crawled):
    db, _, _ = crawled
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(db) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(**LAUNCH)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield base, Path(db).stem, page
        browser.close()


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
    base, name, page = site
    q = urllib.parse.quote("依申请公开")
    text = visit(page, f"{base}/{name}/pages?_search={q}", "search")
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
    assert data == [{"year": 2022, "new_applications": 3}, {"year": 2023, "new_applications": 1}]

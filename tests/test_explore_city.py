"""From one portal URL to every department's reports: the demo city portal (demo_portal/city.py) crawled
from its home page alone, through 信息公开 hubs, directories drawn by scripts and department homes,
on a budget, never walking the news section; the site map makes the next night cheap; `discover`
writes a sites file whose crawl finds the same reports."""
from __future__ import annotations

import sqlite3
import tomllib
from urllib.parse import unquote, urlsplit

import pytest

from conftest import crawl, run_cli
from demo_portal import city_truth as truth
from demo_portal.city import CityPortal

pytestmark = pytest.mark.slow


def rows(db, sql, params=()):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def city():
    with CityPortal() as portal:
        yield portal


def _key(portal, url: str):
    origin = {server.port: name for name, server in portal.servers.items()}
    parts = urlsplit(unquote(url))
    return origin.get(parts.port), parts.path + ("?" + parts.query if parts.query else "")


def _hub_keys() -> set:
    return {(origin, form) for (origin, path) in truth.HUBS for form in truth.same_page(path)}


@pytest.fixture(scope="module")
def explored(city, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("city")
    sites = city.write_sites_file(tmp / "city.toml")
    db = tmp / "city.db"
    start = len(city.log)
    first = crawl(sites, db)
    city.wait_idle()
    log = [(r.site, r.path) for r in city.log[start:]]
    return sites, db, first, log


def test_every_report_of_every_department_from_the_home_page(city, explored):
    _, db, first, _ = explored
    assert first.returncode == 0, first.stderr[-3000:]
    found = {_key(city, u): (agency, year) for u, agency, year in rows(
        db, "SELECT p.url, r.agency, r.year FROM reports r JOIN pages p ON p.id = r.page")}
    assert found == truth.REPORTS  # every report, its agency (the directory's name where the page names none), no other


def test_the_news_section_is_not_walked(explored):
    *_, log = explored
    assert not set(log) & truth.NEWS_PAGES


def test_exploration_is_cheap(explored, capsys):
    *_, log = explored
    reports = sum(1 for key in log if key in truth.REPORTS)
    other = len(log) - reports
    with capsys.disabled():
        print(f"\ncity portal: {len(log)} requests, {reports} reports, {other / reports:.2f} other requests per report")
    assert other / reports <= 3


def test_hubs_and_columns_in_the_site_map(city, explored):
    _, db, _, _ = explored
    columns = {_key(city, u): agency for u, agency in rows(db, "SELECT url, agency FROM site_map WHERE kind = 'column'")}
    for key, (agency, _cms) in truth.COLUMNS.items():
        assert columns.get(key) == agency, key
    hubs = {_key(city, u) for (u,) in rows(db, "SELECT url FROM site_map WHERE kind = 'hub'")}
    assert ("city", "/") in hubs and truth.RENDER_HUBS <= {(o, p) for o, p in hubs}


def test_the_next_night_fetches_no_fresh_hub(city, explored):
    sites, db, _, _ = explored
    start = len(city.log)
    second = crawl(sites, db)
    city.wait_idle()
    asked = {(r.site, r.path) for r in city.log[start:]}
    assert second.returncode == 0, second.stderr[-2000:]
    assert not asked & _hub_keys()
    columns = {(o, form) for (o, p) in truth.COLUMNS for form in truth.same_page(p)}
    assert {k for k in columns if k in asked}  # it went straight to the known columns


def test_discover_writes_a_sites_file_that_finds_the_same_reports(city, explored, tmp_path):
    _, db, _, _ = explored
    out = tmp_path / "found.toml"
    result = run_cli("discover", city.home_url, "-o", str(out), "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=WARNING")
    assert result.stdout.startswith(f"{len(truth.COLUMNS)} report columns")
    found = tomllib.loads(out.read_text(encoding="utf-8"))["site"]
    assert {(s["name"], _key(city, s["start_urls"][0])) for s in found} == {
        (agency, key) for key, (agency, _cms) in truth.COLUMNS.items()}
    again = tmp_path / "again.db"
    assert crawl(out, again).returncode == 0
    expected = {_key(city, u): year for u, year in rows(db, "SELECT p.url, r.year FROM reports r JOIN pages p ON p.id = r.page")}
    got = {_key(city, u): year for u, year in rows(again, "SELECT p.url, r.year FROM reports r JOIN pages p ON p.id = r.page")}
    assert got == expected

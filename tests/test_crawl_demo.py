"""A real Scrapy crawl of the demo portal over HTTP on 127.0.0.1, checked in the SQLite archive."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from urllib.parse import unquote

from archive import bodies
from archive.bodies import page_html
from conftest import crawl

from expected import DETAIL_PAGES, EXPECTED_ATTACHMENTS, EXPECTED_PAGES, EXPECTED_REPORTS, LISTING_PAGES, RENDERED


def rows(db, sql, params=()):
    with sqlite3.connect(db) as conn:
        bodies.register(conn)  # raw_body(body, body_codec): the bytes as served
        return conn.execute(sql, params).fetchall()


def site_path(portal, url: str) -> tuple[str, str]:
    key = next(k for k, s in portal.servers.items() if url.startswith(s.origin + "/"))
    return key, unquote(url[len(portal.servers[key].origin):])


def test_archives_exactly_the_expected_pages(portal, crawled):
    db, _, _ = crawled
    archived = {site_path(portal, u) for (u,) in rows(db, "SELECT url FROM pages")}
    assert archived == {(site, path) for site, paths in EXPECTED_PAGES.items() for path in paths}
    assert rows(db, "SELECT count(*) FROM pages")[0][0] == len(archived)  # one row per page
    rendered = {site_path(portal, u) for (u,) in rows(db, "SELECT url FROM pages WHERE rendered = 1")}
    assert rendered == RENDERED


def test_finds_exactly_the_report_pages_with_agency_and_year(portal, crawled):
    db, _, _ = crawled
    found = {site_path(portal, url): (agency, year) for url, agency, year in rows(
        db, "SELECT p.url, r.agency, r.year FROM reports r JOIN pages p ON p.id = r.page")}
    assert found == EXPECTED_REPORTS
    assert {site_path(portal, u) for (u,) in rows(db, "SELECT url FROM pages WHERE is_report = 1")} == set(found)
    assert {site_path(portal, u) for u in portal.expected_report_urls()} == set(found)


def test_attachments_archived_byte_identical(portal, crawled):
    db, _, _ = crawled
    got = rows(db, "SELECT url, source_page, page_id, raw_body(body, body_codec), size, sha256, content_type"
                  " FROM attachments")
    assert {(*site_path(portal, u), site_path(portal, src)[1]) for u, src, *_ in got} == EXPECTED_ATTACHMENTS
    for url, source, page_id, body, size, sha, ctype in got:
        key, path = site_path(portal, url)
        served, served_type = portal.servers[key].pages[path]
        assert body == served and size == len(served) and sha == hashlib.sha256(served).hexdigest()
        assert ctype == served_type
        assert rows(db, "SELECT url FROM pages WHERE id = ?", [page_id]) == [(source,)]


def test_seed_000_page_metadata(portal, crawled):
    db, _, _ = crawled
    url = portal.url("jiangbei", "/art/2021/1/18/art_1229138290_3676543.html")
    (row,) = rows(db, "SELECT index_no, publisher, written_date, doc_no, topic, disclosure, genre, title"
                      " FROM pages WHERE url = ?", [url])
    assert row == ("768511246/2021-00409", "区应急管理局", "2021-01-18", "", "应急,安全", "主动公开", "其他",
                   "宁波市江北区应急管理局2020年政府信息公开工作年度报告")


def test_bodies_are_byte_exact_with_headers(portal, crawled):
    db, _, _ = crawled
    for url, method, body, sha, size, headers, status in rows(
            db, "SELECT url, method, raw_body(body, body_codec), sha256, size, headers, status FROM pages"
                " WHERE rendered = 0"):
        key, path = site_path(portal, url)
        server = portal.servers[key]
        if method == "POST":  # a data-proxy answer: what the site answers to that call
            log = next(r for r in portal.log if r.site == key and r.method == "POST" and unquote(r.path) == path)
            _, served_type, served = server.site.handle("POST", path, log.headers, log.body)
        else:
            served, served_type = server.pages[path]
        assert body == served, url
        assert sha == hashlib.sha256(served).hexdigest() and size == len(served)
        assert json.loads(headers)["Content-Type"] == [served_type]
        assert status == 200


def test_traditional_report_archived_as_served_titled_in_simplified(portal, crawled):
    db, _, _ = crawled
    (stored_html, title, body, ctype) = rows(db, "SELECT html, title, raw_body(body, body_codec), content_type"
                                                 " FROM pages WHERE url = ?",
                                                 [portal.url("yanliang", "/xxgk/gzbg/5fe1a2b3.html")])[0]
    assert stored_html is None  # not stored: derived from the body
    html = page_html(body, ctype)
    assert "閻良區應急管理局2020年政府信息公開年度報告" in html and "主動公開政府信息情況" in html
    assert body == portal.servers["yanliang"].pages["/xxgk/gzbg/5fe1a2b3.html"][0]
    assert title == "阎良区应急管理局2020年政府信息公开年度报告"


def test_polite_crawl(portal, crawled):
    _, _, log = crawled
    paths = {(r.site, r.path) for r in log}
    # robots.txt is read on every site, and what it disallows is never requested.
    assert {site for site, path in paths if path == "/robots.txt"} == set(EXPECTED_PAGES)
    assert not [p for _, p in paths if p.startswith("/private/")]
    scrapy_ua = "govarchive/0.1 (annual-report archiver; +https://github.com/govarchive/govarchive)"
    # No browser at all on the Hanweb and TRS sites.
    assert {r.headers.get("User-Agent") for r in log if r.site in ("jiangbei", "quzhou", "ningxia")} == {scrapy_ua}
    # On the 加速乐 site the browser only goes where Scrapy was refused with the challenge (521).
    browser = {r.path for r in log if r.site == "yanliang" and r.headers.get("User-Agent") != scrapy_ua}
    challenged = {r.path for r in log if r.site == "yanliang" and r.status == 521
                  and r.headers.get("User-Agent") == scrapy_ua}
    assert browser and browser <= challenged
    # No page is served twice within one crawl to Scrapy (challenge answers and the browser's own
    # requests aside: a challenged request is sent again once the challenge is passed; so is a
    # rendered listing whose own XHR met the challenge — its first render was incomplete).
    pages = [(r.site, r.path) for r in log if r.path != "/robots.txt" and r.status == 200
             and r.headers.get("User-Agent", "").startswith("govarchive") and (r.site, r.path) not in RENDERED]
    assert len(pages) == len(set(pages))


def test_summary_names_sites_pages_and_reports(crawled):
    _, result, _ = crawled
    out = result.stdout
    assert f"sites: 5, pages fetched: {sum(map(len, EXPECTED_PAGES.values()))}" in out
    assert f"report pages found: {len(EXPECTED_REPORTS)}" in out
    assert "  衢州市应急管理局 2021 (layout 2021), 2022 (layout 2021), 2023 (layout 2021)\n" in out


def test_second_crawl_adds_no_rows(portal, sites_file, crawled, tmp_path):
    db = tmp_path / "again.db"
    with sqlite3.connect(crawled[0]) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    tables = ("pages", "reports", "report_cells", "report_checks", "attachments")
    order = {"report_cells": "report_id, table_code, row_code, col_code"}  # WITHOUT ROWID: ordered by its key
    before = {t: rows(db, f"SELECT * FROM {t} ORDER BY {order.get(t, 'rowid')}") for t in tables}
    start = len(portal.log)
    crawl(sites_file, db)
    for t in ("reports", "report_cells", "report_checks"):
        assert rows(db, f"SELECT * FROM {t} ORDER BY {order.get(t, 'rowid')}") == before[t], t
    assert len(rows(db, "SELECT * FROM pages")) == len(before["pages"])
    assert len(rows(db, "SELECT * FROM attachments")) == len(before["attachments"])
    assert rows(db, "SELECT count(*) FROM crawls")[0][0] == 2
    # Listings were fetched again (and found unchanged); detail pages archived minutes ago were not asked for.
    (second_started,) = rows(db, "SELECT started FROM crawls ORDER BY id DESC LIMIT 1")[0]
    again = {site_path(portal, u) for (u,) in rows(db, "SELECT url FROM pages WHERE last_seen_at >= ?", [second_started])}
    requested = {(r.site, unquote(r.path)) for r in portal.log[start:]}
    assert not requested & DETAIL_PAGES
    assert not [a for a in EXPECTED_ATTACHMENTS if (a[0], a[1]) in requested]
    assert again == LISTING_PAGES


def test_scrapy_crawl_the_scrapy_way(portal, tmp_path):
    """`scrapy crawl reports -a sites=FILE -s ARCHIVE_DB=PATH` from the project root does the same crawl."""
    import subprocess
    import sys
    from pathlib import Path

    from conftest import ROOT

    sites = tmp_path / "one.toml"
    sites.write_text(f'[[site]]\nname = "宁夏回族自治区应急管理厅"\nstart_urls = ["{portal.url("ningxia", "/")}"]\n',
                     encoding="utf-8")
    db = tmp_path / "scrapy.db"
    scrapy = str(Path(sys.executable).with_name("scrapy"))
    subprocess.run([scrapy, "crawl", "reports", "-a", f"sites={sites}", "-s", f"ARCHIVE_DB={db}",
                    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "LOG_LEVEL=WARNING"],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    assert {u for (u,) in rows(db, "SELECT url FROM pages")} == {portal.url("ningxia", p) for p in EXPECTED_PAGES["ningxia"]}
    assert sorted(rows(db, "SELECT r.agency, r.year FROM reports r")) == [
        ("宁夏回族自治区应急管理厅", 2019), ("宁夏回族自治区应急管理厅", 2020)]
    assert rows(db, "SELECT status FROM crawls") == [("finished",)]

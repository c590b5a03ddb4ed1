"""A hostile site (demo_portal/hostile.py): redirect loops, offsite redirects, an endless listing,
100 MB pages, a gzip bomb, path-traversal filenames, 1,000 attachments, broken headers. The crawl
ends by itself with bounded memory, never sends a request outside the site, archives the genuine
reports and names every trap in fetch_errors."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import threading
import time
from urllib.parse import unquote, urlsplit

import pytest

from conftest import FAST, GOVARCHIVE, ROOT
from demo_portal.hostile import HOSTILE_FILENAMES, HostilePortal

pytestmark = pytest.mark.slow

BOUNDS = ["-s", "LISTING_PAGES_MAX=8", "-s", "SITE_LISTINGS_MAX=30", "-s", "SITE_REQUESTS_MAX=400",
          "-s", "ATTACHMENTS_PER_PAGE_MAX=10", "-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_BACKOFF_BASE=0.1",
          "-s", "MEMUSAGE_CHECK_INTERVAL_SECONDS=0.25"]  # Scrapy's memusage/max: the crawler's own peak


def rows(db, sql, params=()):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    with HostilePortal() as portal:
        sites = portal.write_sites_file(tmp / "sites.toml")
        db = tmp / "hostile.db"
        started = time.monotonic()
        with open(tmp / "out", "w") as out, open(tmp / "err", "w") as err:
            proc = subprocess.Popen(GOVARCHIVE + ["crawl", "--sites", str(sites), "--db", str(db), *FAST, *BOUNDS],
                                    cwd=ROOT, stdout=out, stderr=err)
            watchdog = threading.Timer(600, proc.kill)  # it ends by itself, or this test fails
            watchdog.start()
            _, status, usage = os.wait4(proc.pid, 0)  # wait4: the crawler's own peak RSS
            watchdog.cancel()
        seconds = time.monotonic() - started
        portal.wait_idle()
        yield (portal, db, os.waitstatus_to_exitcode(status), (tmp / "out").read_text(), (tmp / "err").read_text(),
               seconds, usage.ru_maxrss / 1024, list(portal.log))


def _errors(db) -> dict[str, str]:
    """path → kind of the open failures."""
    return {urlsplit(unquote(u)).path + ("?" + urlsplit(u).query if urlsplit(u).query else ""): k
            for u, k in rows(db, "SELECT url, kind FROM fetch_errors WHERE resolved_at IS NULL")}


def test_the_crawl_ends_by_itself_and_names_its_losses(hostile):
    portal, db, code, out, err, seconds, rss_mib, log = hostile
    assert code == 5, err[-3000:]  # finished, with failures named
    assert "requests failed for good" in err
    assert seconds < 300
    # A 3 GiB bomb, 100 MiB pages: never held whole. The caps bound what is (pages 16 MiB, files
    # 64 MiB, two downloads at a time per site, a body copied once more for the extraction workers);
    # the crawler's own peak (Scrapy's memusage/max, the process's ru_maxrss) was 130 MiB alone and
    # up to 594 MiB in a loaded full suite, as the capped downloads happen to overlap.
    (stats,) = rows(db, "SELECT stats FROM crawls")[0]
    assert json.loads(stats)["memusage/max"] < 1024 * 2**20
    # The process tree (wait4: the largest of the crawler, its extraction workers and the OCR worker
    # the hostile PDFs without a text layer start, which loads RapidOCR's models: ~600 MiB alone)
    assert rss_mib < 1024
    assert rows(db, "SELECT status FROM crawls") == [("finished",)]


def test_not_one_request_outside_the_site(hostile):
    portal, db, *_, log = hostile
    assert portal.offsite_requests() == []
    assert not [r for r in log if "localhost" in r.headers.get("Host", "")]
    errors = _errors(db)
    for path in ("/xxgk/ndbg/away/2016.html", "/xxgk/ndbg/away/2015.html", "/xxgk/ndbg/away/2014.html"):
        assert errors.get(path) == "offsite", (path, errors)
    assert errors.get("/xxgk/ndbg/away/2013.html") == "offsite"  # its meta refresh
    assert not rows(db, "SELECT url FROM pages WHERE final_url NOT LIKE ?", [portal.url("hostile", "/") + "%"])


def test_redirect_loops_are_named(hostile):
    portal, db, *_ = hostile
    errors = _errors(db)
    assert errors.get("/xxgk/ndbg/loop/a.html") == "redirect_loop"
    assert errors.get("/xxgk/ndbg/loop/next.html?n=1") == "redirect_loop"


def test_endless_listing_is_bounded_and_the_bound_named(hostile):
    portal, db, *_, log = hostile
    endless = [r for r in log if r.path.startswith("/xxgk/gknb/")]
    listing_pages = [r for r in endless if re.search(r"/index(_\d+)?\.html$", r.path)]
    # its pages link ahead (尾页, page numbers): still exactly LISTING_PAGES_MAX of them, each once
    assert len(listing_pages) == len({r.path for r in listing_pages}) == 8
    assert len(log) <= 400 + 60  # SITE_REQUESTS_MAX, robots.txt and redirect hops aside
    capped = rows(db, "SELECT detail FROM fetch_errors WHERE kind = 'capped'")
    assert any("LISTING_PAGES_MAX=8" in d for (d,) in capped)


def test_site_bounds_hold_when_asked_again(tmp_path):
    """From the endless listing alone: SITE_LISTINGS_MAX and SITE_REQUESTS_MAX stop it, however often
    every page links the pages refused."""
    with HostilePortal() as portal:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[[site]]\nname = "青石县应急管理局"\n'
                         f'start_urls = ["{portal.url("hostile", "/xxgk/gknb/index.html")}"]\n', encoding="utf-8")
        db = tmp_path / "endless.db"
        proc = subprocess.run(GOVARCHIVE + ["crawl", "--sites", str(sites), "--db", str(db), *FAST,
                                            "-s", "LISTING_PAGES_MAX=100", "-s", "SITE_LISTINGS_MAX=5",
                                            "-s", "SITE_REQUESTS_MAX=30"],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        portal.wait_idle()
        log = [r for r in portal.log if r.path != "/robots.txt"]
    assert proc.returncode == 5, proc.stderr[-2000:]  # capped: named as failures
    listing_pages = {r.path for r in log if re.search(r"/index(_\d+)?\.html$", r.path)}
    assert len(listing_pages) == 5
    assert len(log) == len({r.path for r in log}) == 30
    capped = [d for (d,) in rows(db, "SELECT detail FROM fetch_errors WHERE kind = 'capped'")]
    assert sorted(capped) == ["not followed: SITE_LISTINGS_MAX=5 listing pages this run",
                              "not followed: SITE_REQUESTS_MAX=30 requests this run"]


def test_too_large_and_bombs_are_failures_never_stored(hostile):
    portal, db, *_ = hostile
    errors = _errors(db)
    assert errors.get("/xxgk/ndbg/big/t20110120_1010.html") == "too_large"
    assert errors.get("/xxgk/ndbg/big/t20100120_1009.html") == "too_large"
    assert errors.get("/xxgk/ndbg/big/t20090120_1008.html") == "decompression"
    assert errors.get("/uploadfiles/2021/01/P020210118_big.pdf") == "too_large"
    assert rows(db, "SELECT max(size) FROM pages")[0][0] < 16 * 1024 * 1024
    assert not rows(db, "SELECT url FROM pages WHERE url LIKE '%/big/%'")


def test_broken_answers(hostile):
    portal, db, *_ = hostile
    errors = _errors(db)
    assert errors.get("/xxgk/ndbg/bad/t20190125_1007.html") in ("reset", "other")
    assert errors.get("/xxgk/ndbg/bad/t20170125_1005.html") in ("reset", "other")
    assert errors.get("/xxgk/ndbg/bad/t20160125_1004.html") == "timeout"
    # a header line with no colon: dropped by Twisted; the page itself is fine and archived
    assert rows(db, "SELECT count(*) FROM pages WHERE url LIKE '%/bad/t20180125_1006.html'") == [(1,)]


def test_hostile_filenames_are_stored_safe(hostile):
    portal, db, *_ = hostile
    names = {urlsplit(u).path: n for u, n in rows(db, "SELECT url, filename FROM attachments")}
    stored = {path: names.get(path) for path in HOSTILE_FILENAMES}
    assert stored["/uploadfiles/2021/01/P020210118_1.pdf"] == "passwd"
    for path, name in stored.items():
        assert name, path
        assert "/" not in name and "\\" not in name and not name.startswith(".")
        assert not re.search(r"[\x00-\x1f\x7f]", name) and len(name.encode()) <= 200


def test_attachments_per_page_capped(hostile):
    portal, db, *_, log = hostile
    many = [r for r in log if r.path.startswith("/uploadfiles/2020/01/P020200116_")]
    assert len(many) == 10
    (detail,) = rows(db, "SELECT detail FROM fetch_errors WHERE kind = 'capped' AND url LIKE '%t20200116_1002.html'")[0]
    assert "1000 attachment links" in detail


def test_the_genuine_reports_are_archived(hostile):
    portal, db, *_ = hostile
    reports = rows(db, "SELECT p.url, r.year, r.cell_count FROM reports r JOIN pages p ON p.id = r.page"
                       " WHERE p.url LIKE '%/xxgk/ndbg/20%' ORDER BY r.year")
    assert [(urlsplit(u).path, y) for u, y, _ in reports] == [("/xxgk/ndbg/202001/t20200116_1002.html", 2019),
                                                             ("/xxgk/ndbg/202101/t20210118_1001.html", 2020)]
    assert all(n >= 190 for _, _, n in reports)

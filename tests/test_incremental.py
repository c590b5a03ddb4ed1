"""Scheduled re-crawls: conditional requests, versions, new reports, the archive lock, resumable jobs."""
from __future__ import annotations

import dataclasses
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote

import pytest

from archive import bodies
from conftest import FAST, GOVARCHIVE, ROOT, crawl
from demo_portal.server import DemoPortal
from demo_portal.sites import Document, ningxia, yanliang

AGAIN = ["-s", "REFETCH_AFTER=0"]  # every detail page is due: asked for conditionally


def rows(db, sql, params=()):
    with sqlite3.connect(db) as conn:
        bodies.register(conn)  # raw_body(body, body_codec): the bytes as served
        return conn.execute(sql, params).fetchall()


@pytest.fixture
def one_site(tmp_path):
    with DemoPortal((yanliang(),)) as portal:
        yield portal, portal.write_sites_file(tmp_path / "sites.toml"), portal.servers["yanliang"]


def test_changed_page_gets_one_new_version_the_rest_answer_304(one_site, tmp_path):
    portal, sites, server = one_site
    db = tmp_path / "a.db"
    crawl(sites, db)
    before = rows(db, "SELECT id, url, sha256, raw_body(body, body_codec) FROM pages ORDER BY id")
    report = "/xxgk/gzbg/5fe1a2b3.html"
    old_body = server.pages[report][0]
    server.set_page(report, old_body.replace(b"</body>", "<p>更正：第二部分數據有誤。</p></body>".encode()))
    start = len(portal.log)
    out = crawl(sites, db, *AGAIN).stdout
    after = rows(db, "SELECT id, url, sha256, raw_body(body, body_codec) FROM pages ORDER BY id")
    assert after[:len(before)] == before  # every old version untouched, bytes and all
    (new,) = after[len(before):]
    assert unquote(new[1]) == portal.url("yanliang", report) and new[3] == server.pages[report][0]
    # What Scrapy was answered, the 加速乐 guard's 521s (and the browser's reloads passing them) aside.
    answers = {(r.path, r.status) for r in portal.log[start:] if r.path.endswith(".html") and "gzbg/5f" in r.path
               and r.status != 521 and r.headers.get("User-Agent", "").startswith("govarchive")}
    assert answers == {(report, 200), ("/xxgk/gzbg/5fd0c4e1.html", 304)}
    # Both versions keep their report; the views count the newest.
    assert rows(db, "SELECT count(*) FROM reports")[0][0] == 2
    assert rows(db, "SELECT page FROM current_reports") == [(new[0],)]
    assert rows(db, "SELECT versions FROM page_versions WHERE url = ?", [new[1]]) == [(2,)]
    assert "1 new versions" in out and "1 unchanged (304)" in out


def test_new_report_found_on_the_next_run(one_site, tmp_path):
    portal, sites, server = one_site
    db = tmp_path / "a.db"
    crawl(sites, db)
    site = server.site
    doc = Document("/xxgk/gzbg/61a0b2c4.html", "閻良區應急管理局2021年政府信息公開年度報告", "2022-01-20",
                   site.documents[0].content.replace("2020年", "2021年"), is_report=True)
    server.site = dataclasses.replace(site, documents=[doc] + site.documents)
    server.pages = server.site.build()
    out = crawl(sites, db).stdout  # default REFETCH_AFTER: old detail pages not even asked for
    found = rows(db, "SELECT r.year, p.url FROM reports r JOIN pages p ON p.id = r.page ORDER BY r.year")
    assert [(y, unquote(u)) for y, u in found] == [(2020, portal.url("yanliang", "/xxgk/gzbg/5fe1a2b3.html")),
                                                  (2021, portal.url("yanliang", doc.path))]
    assert "report pages (1 new)" in out


def test_second_concurrent_crawl_is_refused(tmp_path):
    with DemoPortal((ningxia(),)) as portal:
        sites = portal.write_sites_file(tmp_path / "sites.toml")
        db = tmp_path / "a.db"
        first = subprocess.Popen(GOVARCHIVE + ["crawl", "--sites", str(sites), "--db", str(db), *FAST,
                                               "-s", "DOWNLOAD_DELAY=0.5"], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lock = tmp_path / "a.db.lock"
        deadline = time.time() + 30
        while not (lock.exists() and lock.read_text().startswith("pid")):
            assert time.time() < deadline and first.poll() is None
            time.sleep(0.05)
        seen = len(portal.log)
        t0 = time.time()
        second = crawl(sites, db, check=False)
        assert second.returncode == 3 and time.time() - t0 < 10
        assert f"govarchive: {db}: a crawl is already running on this archive (pid {first.pid})" in second.stderr
        assert first.wait(120) == 0
        assert len(rows(db, "SELECT * FROM crawls")) == 1
        # Only the first crawl's requests: robots.txt, 8 pages, 1 attachment — each once.
        paths = [r.path for r in portal.log[seen:]]
        assert len(paths) == len(set(paths)) == 10
        assert crawl(sites, db).returncode == 0  # the lock is free again once the first crawl ended


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_crawl_resumes_from_jobdir(tmp_path, signum):
    """SIGINT or SIGTERM → exit 4 and status interrupted; the same command again finishes the job: listings
    are fetched again (always), no detail page or file twice; the jobdir is emptied at the end."""
    with DemoPortal((ningxia(),)) as portal:
        sites = portal.write_sites_file(tmp_path / "sites.toml")
        db, jobdir = tmp_path / "a.db", tmp_path / "job"
        args = GOVARCHIVE + ["crawl", "--sites", str(sites), "--db", str(db), "--jobdir", str(jobdir), *FAST,
                             "-s", "DOWNLOAD_DELAY=0.6", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
        first = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while sum(1 for r in portal.log if r.path != "/robots.txt") < 3:
            assert time.time() < deadline and first.poll() is None
            time.sleep(0.05)
        first.send_signal(signum)  # as a Ctrl-C, cron's timeout or systemd would
        assert first.wait(60) == 4
        (status,) = rows(db, "SELECT status FROM crawls")[0]
        assert status == "interrupted"
        assert not Path(f"{db}.lock").exists()
        part = {unquote(u) for (u,) in rows(db, "SELECT url FROM pages")}
        assert 0 < len(part) < 8
        seen = len(portal.log)
        second = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stderr
        urls = {unquote(u) for (u,) in rows(db, "SELECT url FROM pages")}
        assert urls == {portal.url("ningxia", p) for p in (
            "/", "/xxgk/zfxxgknb/index.html", "/xxgk/zfxxgknb/index_1.html", "/xxgk/zfxxgknb/index_2.html",
            "/xxgk/zfxxgknb/index_3.html", "/xxgk/zfxxgknb/202101/t20210126_2575380.html",
            "/xxgk/zfxxgknb/202001/t20200120_1950321.html", "/xxgk/zfxxgknb/202101/t20210111_2560021.html")}
        # The second run asked for every listing again, and for no detail page the first one stored
        # (a request in flight at SIGINT whose answer was dropped is asked for again: it was never stored).
        again = {portal.url("ningxia", r.path) for r in portal.log[seen:]}
        listings = {portal.url("ningxia", p) for p in ("/", "/xxgk/zfxxgknb/index.html",
                                                       "/xxgk/zfxxgknb/index_1.html", "/xxgk/zfxxgknb/index_2.html")}
        assert listings <= again
        assert not (part - listings) & again
        assert rows(db, "SELECT status FROM crawls ORDER BY id") == [("interrupted",), ("finished",)]
        assert list(jobdir.iterdir()) == []

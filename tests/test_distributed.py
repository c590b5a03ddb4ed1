"""Distributed crawling on a real Redis (Debian's redis-server, started here on a free loopback port
with no persistence): crawlers on a shared scrapy-redis frontier writing WARC files, one ingest
writing the archive — the same archive as one process, nothing lost when a crawler is killed or the
ingest is killed and restarted, each site's politeness held across crawlers."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import redis
from warcio.archiveiterator import ArchiveIterator

from conftest import FAST, GOVARCHIVE, ROOT, free_port, run_cli
from demo_portal.server import DemoPortal
from demo_portal.sites import ningxia
from expected import EXPECTED_REPORTS, RENDERED
from test_faults import by_path

# Short waits for a test: a crawler stops 2 s after the frontier ran dry, a dead crawler's sites are
# free again after 3 s; WARC files rotate every 40 kB (the demo crawl writes ~80 kB).
QUICK = [*FAST, "-s", "MAX_IDLE_TIME_BEFORE_CLOSE=2", "-s", "LEASE_TTL=3", "-s", "WARC_MAX_SIZE=40000"]


def rows(db, sql, params=()):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def redis_url():
    assert shutil.which("redis-server"), "redis-server is missing: `make setup` installs Debian's"
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    client = redis.Redis(port=port)
    deadline = time.time() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.time() < deadline and server.poll() is None, "redis-server did not start"
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(GOVARCHIVE + list(args), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def ingest(url: str, db: Path, crawl: str) -> subprocess.Popen:
    return start("ingest", "--redis", url, "--db", str(db), "--crawl", crawl, "--until-idle", "--idle", "60")


def crawler(url: str, sites: Path, warcs: Path, crawl: str, *extra: str) -> subprocess.Popen:
    return start("crawl", "--sites", str(sites), "--redis", url, "--warc-dir", str(warcs), "--crawl", crawl,
                 *QUICK, *extra)


def finish(proc: subprocess.Popen, timeout: float = 240) -> tuple[str, str]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"{proc.args} exited {proc.returncode}\n{out[-3000:]}\n{err[-3000:]}"
    return out, err


def warc_fetches(directory: Path) -> set[tuple[str, str]]:
    """(URL, sha256 of the body) of every response and rendered DOM in a directory's WARC files."""
    found = set()
    for path in sorted(directory.glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type in ("response", "resource"):
                    found.add((record.rec_headers.get_header("WARC-Target-URI"),
                               hashlib.sha256(record.content_stream().read()).hexdigest()))
    return found


def stored(db) -> set[tuple[str, str]]:
    return set(rows(db, "SELECT url, sha256 FROM pages UNION SELECT url, sha256 FROM attachments"))


def crawl_keys_left(url: str, crawl: str) -> list[bytes]:
    return sorted(redis.Redis.from_url(url).keys(f"govarchive:{crawl}:*"))


@pytest.mark.slow
def test_two_crawlers_and_an_ingest_archive_what_one_process_does(portal, sites_file, crawled, redis_url, tmp_path):
    db = tmp_path / "distributed.db"
    start_log = len(portal.log)
    writer = ingest(redis_url, db, "demo")
    crawlers = [crawler(redis_url, sites_file, tmp_path / f"warc{i}", "demo", "-s", "CRAWLER_SITES_MAX=3")
                for i in (1, 2)]
    outs = [finish(c)[0] for c in crawlers]
    summary, _ = finish(writer)
    portal.wait_idle()
    log = portal.log[start_log:]

    assert by_path(db) == by_path(crawled[0])  # versions, renders, attachments, reports, every cell
    assert rows(db, "SELECT status FROM crawls") == [("finished",)]
    assert rows(db, "SELECT count(*) FROM pages WHERE extraction_digest IS NULL") == [(0,)]
    assert f"report pages found: {len(EXPECTED_REPORTS)}\n" in summary  # the demo's 8, each once
    # Every URL fetched once across both crawlers (challenge answers, the browser's own requests
    # and rendered listings aside, as in one process: tests/test_crawl_demo.py).
    pages = [(r.site, r.path) for r in log if r.path != "/robots.txt" and r.status == 200
             and r.headers.get("User-Agent", "").startswith("govarchive") and (r.site, r.path) not in RENDERED]
    assert len(pages) == len(set(pages))
    # Each crawler wrote WARC files (rotated at 40 kB); together they hold every stored body, and the
    # archive nothing they do not.
    files = [sorted((tmp_path / f"warc{i}").glob("*.warc.gz")) for i in (1, 2)]
    assert all(files) and max(map(len, files)) > 1, files
    assert warc_fetches(tmp_path / "warc1") | warc_fetches(tmp_path / "warc2") == stored(db)
    assert sum("seeded the crawl" in out for out in outs) == 1  # seeded once, not once per crawler
    assert sum("crawl finished" in out for out in outs) == 1
    # The crawl's keys are gone (the next crawl of the same id starts afresh); the stream is empty.
    assert crawl_keys_left(redis_url, "demo") == [b"govarchive:demo:index"]
    assert redis.Redis.from_url(redis_url).xlen("govarchive:demo:index") == 0


def _in_flight(server, crawl: str, pid: int) -> int:
    """Requests crawler `pid` took from the frontier and has not finished, on the sites it holds."""
    n = 0
    for key in server.keys(f"govarchive:{crawl}:lease:*"):
        if f"-{pid}-" in (server.get(key) or b"").decode():
            n += server.hlen(f"govarchive:{crawl}:inflight:" + key.decode().split(":lease:", 1)[1])
    return n


@pytest.mark.slow
def test_killed_crawler_and_restarted_ingest_lose_nothing(portal, sites_file, crawled, redis_url, tmp_path):
    db = tmp_path / "killed.db"
    server = redis.Redis.from_url(redis_url)
    writer = ingest(redis_url, db, "kill")
    # The survivor holds two of the five sites at most: were it first to take all five, the victim
    # would find no work and idle out before it could be killed mid-run.
    survivor = crawler(redis_url, sites_file, tmp_path / "warc1", "kill", "-s", "CRAWLER_SITES_MAX=2")
    victim = crawler(redis_url, sites_file, tmp_path / "warc2", "kill", "-s", "CRAWLER_SITES_MAX=5")
    # Kill the second crawler once it has written a record and has requests in flight, and the
    # ingest once it has stored something: both at once, so that the crawl cannot have finished
    # (the dead crawler's requests come back only when its leases expire, LEASE_TTL later).
    deadline = time.time() + 120
    while not (list((tmp_path / "warc2").glob("*.warc.gz")) and _in_flight(server, "kill", victim.pid)
               and db.exists() and rows(db, "SELECT count(*) FROM pages")[0][0] >= 3):
        assert time.time() < deadline and victim.poll() is None, "the second crawler never got to work"
        assert writer.poll() is None
        time.sleep(0.01)
    os.killpg(victim.pid, signal.SIGKILL)  # the crawler, its browser driver and Chromium
    os.killpg(writer.pid, signal.SIGKILL)  # the ingest, with its extraction workers
    victim.wait(30)
    writer.wait(30)
    assert server.get("govarchive:kill:view:ready") is not None  # the ingest died mid-crawl
    restarted = ingest(redis_url, db, "kill")
    out, err = finish(survivor)
    assert "crawl finished" in out  # it drained the frontier, the dead crawler's sites included,
    assert "took over" in err and "requests a stopped crawler left in flight" in err  # and its requests in flight
    summary, _ = finish(restarted)

    assert by_path(db) == by_path(crawled[0])
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "SELECT url, sha256 FROM pages GROUP BY url, sha256 HAVING count(*) > 1") == []
    assert rows(db, "SELECT url, sha256 FROM attachments GROUP BY url, sha256 HAVING count(*) > 1") == []
    assert rows(db, "SELECT page FROM reports GROUP BY page HAVING count(*) > 1") == []
    assert rows(db, "SELECT count(*) FROM pages WHERE extraction_digest IS NULL") == [(0,)]
    assert rows(db, "SELECT status FROM crawls") == [("finished",)]  # the restarted ingest went on with its row
    assert rows(db, "SELECT kind, attempts FROM fetch_errors") == rows(crawled[0], "SELECT kind, attempts FROM fetch_errors")
    assert f"report pages found: {len(EXPECTED_REPORTS)}\n" in summary  # the demo's 8, each once
    assert stored(db) <= warc_fetches(tmp_path / "warc1") | warc_fetches(tmp_path / "warc2")
    assert crawl_keys_left(redis_url, "kill") == [b"govarchive:kill:index"]


@pytest.mark.slow
def test_a_site_is_crawled_by_one_crawler_at_its_own_pace(redis_url, tmp_path):
    """Two crawlers, one site at download_delay = 1: its requests reach the server at least 1 s apart
    (AutoThrottle on), all from the crawler holding its lease."""
    with DemoPortal((ningxia(),)) as portal:
        site = portal.servers["ningxia"].site
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[[site]]\nname = "{site.name}"\nstart_urls = ["{portal.url("ningxia", "/")}"]\n'
                         "download_delay = 1.0\nconcurrency = 2\n", encoding="utf-8")
        writer = ingest(redis_url, tmp_path / "a.db", "polite")
        crawlers = [crawler(redis_url, sites, tmp_path / f"warc{i}", "polite") for i in (1, 2)]
        for c in crawlers + [writer]:
            finish(c)
        portal.wait_idle()
        times = sorted(r.time for r in portal.log)
    assert len(times) == 10  # robots.txt, 8 pages, 1 PDF
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 1.0, [round(g, 3) for g in gaps]  # as the server saw them: tests/test_politeness.py
    fetched = [warc_fetches(tmp_path / f"warc{i}") for i in (1, 2)]
    assert sorted(map(len, fetched)) == [0, 9]  # one crawler did the site; the other had nothing to take


def test_bad_distributed_input_is_refused_in_one_line(sites_file, tmp_path):
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    cases = [
        (["crawl", "--sites", str(sites_file), "--redis", nowhere, "--warc-dir", str(tmp_path / "w")], "--redis"),
        (["crawl", "--sites", str(sites_file), "--redis", nowhere], "--warc-dir"),
        (["crawl", "--sites", str(sites_file), "--redis", nowhere, "--warc-dir", str(sites_file)], "--warc-dir"),
        (["crawl", "--sites", str(sites_file), "--redis", nowhere, "--warc-dir", str(tmp_path), "--crawl", "a b"],
         "--crawl"),
        (["crawl", "--sites", str(sites_file), "--db", str(tmp_path / "a.db"), "--redis", nowhere], "--redis"),
        (["crawl", "--sites", str(sites_file), "--db", str(tmp_path / "a.db"), "--warc-dir", str(tmp_path)],
         "--warc-dir"),
        (["ingest", "--redis", nowhere, "--db", str(tmp_path / "a.db")], "--redis"),
        (["ingest", "--redis", "http://x", "--db", str(tmp_path / "a.db")], "--redis"),
    ]
    for args, named in cases:
        result = run_cli(*args, check=False, timeout=60)
        assert result.returncode == 2, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and named in result.stderr, (args, result.stderr)
        assert not (tmp_path / "w").exists() and not (tmp_path / "a.db").exists()

"""Left on cron for years: killed runs resumed by running the same command again, losing nothing;
the README's own cron line working night after night."""
from __future__ import annotations

import dataclasses
import os
import random
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import FAST, GOVARCHIVE, ROOT, crawl
from demo_portal.server import DemoPortal
from demo_portal.sites import Document
from expected import LISTING_PAGES

pytestmark = pytest.mark.slow


def rows(db, sql, params=()):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def archived(db) -> dict:
    """What an archive holds, as comparable sets."""
    return {
        "versions": set(rows(db, "SELECT url, sha256 FROM pages")),
        "attachments": set(rows(db, "SELECT url, sha256 FROM attachments")),
        "reports": set(rows(db, "SELECT p.url, r.agency, r.year, r.layout, r.check_status FROM reports r"
                                " JOIN pages p ON p.id = r.page")),
        "cells": set(rows(db, "SELECT p.url, c.table_code, c.row_code, c.col_code, c.value, c.raw FROM report_cells c"
                              " JOIN reports r ON r.id = c.report_id JOIN pages p ON p.id = r.page")),
    }


def differences(got: dict, want: dict) -> dict:
    """Per kind, what only one of two archives holds (empty when they hold the same)."""
    return {kind: {"only here": sorted(got[kind] - want[kind], key=repr)[:20],
                   "only in the reference": sorted(want[kind] - got[kind], key=repr)[:20]}
            for kind in want if got[kind] != want[kind]}


def test_sigkill_at_three_seeded_points_loses_nothing(portal, sites_file, crawled, tmp_path):
    reference, _, _ = crawled
    db = tmp_path / "killed.db"
    rng = random.Random(8)
    points = [rng.randrange(3, 20) for _ in range(3)]  # requests into each run when it is killed
    killed = 0
    for point in points:
        start = len(portal.log)
        run = subprocess.Popen(GOVARCHIVE + ["crawl", "--sites", str(sites_file), "--db", str(db), *FAST], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + 120
        while len(portal.log) - start < point and run.poll() is None:
            assert time.time() < deadline
            time.sleep(0.01)
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)  # the whole group: the crawler, its extraction workers, the browser driver
            killed += 1
        run.wait(30)
    assert killed == 3
    # each run marked the row its dead predecessor left running; the last one is still as it was left
    assert rows(db, "SELECT status FROM crawls ORDER BY id") == [("interrupted",)] * 2 + [("running",)]
    final = crawl(sites_file, db)
    assert final.returncode == 0, final.stderr
    assert differences(archived(db), archived(reference)) == {}
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "SELECT url, sha256 FROM pages GROUP BY url, sha256 HAVING count(*) > 1") == []
    assert rows(db, "SELECT page FROM reports GROUP BY page HAVING count(*) > 1") == []
    assert rows(db, "SELECT status FROM crawls ORDER BY id") == [("interrupted",)] * 3 + [("finished",)]
    assert rows(db, "SELECT count(*) FROM pages WHERE extraction_digest IS NULL") == [(0,)]
    assert not Path(f"{db}.lock").exists()


def _readme_cron_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (line,) = [line for line in readme.splitlines() if re.match(r"^\d+ \d+ \* \* \*\s", line)]
    return re.sub(r"^\d+ \d+ \* \* \*\s+", "", line)


def test_the_readme_cron_command_three_nights_running(tmp_path):
    """The README's line as printed (paths moved to a test directory), three times: each run fetches
    every listing and exits 0; a report published before the third night is found by it."""
    home = tmp_path / "srv"
    (home / "sites").mkdir(parents=True)
    (home / ".venv").symlink_to(ROOT / ".venv")
    log = tmp_path / "govarchive.log"
    command = _readme_cron_command()
    assert "/srv/govarchive" in command and "sites/seed-agencies.toml" in command
    command = command.replace("/var/log/govarchive.log", str(log)).replace("/srv/govarchive", str(home))
    with DemoPortal() as portal:
        portal.write_sites_file(home / "sites" / "seed-agencies.toml")
        db = home / "reports.db"
        for night in (1, 2, 3):
            if night == 3:
                server = portal.servers["yanliang"]
                site = server.site
                doc = Document("/xxgk/gzbg/61a0b2c4.html", "閻良區應急管理局2021年政府信息公開年度報告", "2022-01-20",
                               site.documents[0].content.replace("2020年", "2021年"), is_report=True)
                server.site = dataclasses.replace(site, documents=[doc] + site.documents)
                server.pages = server.site.build()
            start = len(portal.log)
            result = subprocess.run(["bash", "-c", command], timeout=300)
            assert result.returncode == 0, log.read_text()[-3000:]
            asked = {(r.site, r.path) for r in portal.log[start:]}
            assert LISTING_PAGES <= asked, f"night {night} did not fetch its listings"
        found = rows(db, "SELECT r.year, p.url FROM reports r JOIN pages p ON p.id = r.page WHERE p.site = ?"
                         " ORDER BY r.year", ["西安市阎良区应急管理局"])
        assert [(y, unquote(u)) for y, u in found] == [(2020, portal.url("yanliang", "/xxgk/gzbg/5fe1a2b3.html")),
                                                      (2021, portal.url("yanliang", doc.path))]
        assert rows(db, "SELECT status FROM crawls ORDER BY id") == [("finished",)] * 3
        assert log.read_text(encoding="utf-8").count("crawl ") >= 3

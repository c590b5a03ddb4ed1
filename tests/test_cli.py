"""The command line as a new user meets it: quiet, helpful, every entry point with --help."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from conftest import GOVARCHIVE, ROOT, crawl, run_cli


def test_a_default_crawl_prints_little_and_tries_no_network(crawled):
    _, result, _ = crawled
    lines = (result.stdout + result.stderr).splitlines()
    assert len(lines) <= 60, "\n".join(lines)
    assert "tldextract" not in result.stderr and "Traceback" not in result.stderr
    assert "[scrapy" not in result.stderr  # Scrapy's INFO chatter only with -v


def test_version_and_help_everywhere():
    version = subprocess.run(GOVARCHIVE + ["--version"], capture_output=True, text=True)
    assert version.stdout.strip().startswith("govarchive 0.")
    top = subprocess.run(GOVARCHIVE + ["--help"], capture_output=True, text=True).stdout
    for command in ("crawl", "discover", "check-site", "reports", "reextract", "serve", "export", "export-warc", "demo"):
        assert f"    {command}" in top
        assert subprocess.run(GOVARCHIVE + [command, "--help"], capture_output=True, text=True).returncode == 0
    portal = subprocess.run([sys.executable, "-m", "demo_portal", "--help"], capture_output=True, text=True, timeout=30)
    assert portal.returncode == 0 and "usage: python -m demo_portal" in portal.stdout
    assert not (ROOT / "--help").exists()


def test_crawl_one_site_of_the_file(portal, sites_file, tmp_path):
    db = tmp_path / "one.db"
    start = len(portal.log)
    result = crawl(sites_file, db, "--site", "衢州市应急管理局")
    assert result.returncode == 0
    assert {r.site for r in portal.log[start:]} == {"quzhou"}
    bad = run_cli("crawl", "--sites", str(sites_file), "--db", str(db), "--site", "无此站点", check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("govarchive: --site '无此站点': not in ")


def test_reports_lists_the_archive(crawled):
    db, _, _ = crawled
    out = run_cli("reports", "--db", str(db)).stdout.splitlines()
    assert out[-1] == "8 reports"
    quzhou = [line for line in out if line.startswith("衢州市应急管理局")]
    assert [line.split()[1] for line in quzhou] == ["2021", "2022", "2023"]
    assert all("layout 2021" in line and " cells " in line for line in quzhou)
    only = run_cli("reports", "--db", str(db), "--year", "2019").stdout.splitlines()
    assert only[-1] == "1 reports" and only[0].startswith("宁夏回族自治区应急管理厅")


def test_check_site_tries_one_url_without_an_archive(portal, tmp_path):
    url = portal.url("ningxia", "/xxgk/zfxxgknb/index.html")
    result = subprocess.run(GOVARCHIVE + ["check-site", url, "-s", "DOWNLOAD_DELAY=0"], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"listing {url}: CMS trs, 4 pages read, 3 candidate pages, 2 look like reports" in out
    assert "  report 自治区应急管理厅2020年政府信息公开工作年度报告" in out
    assert "  other  关于报送2020年政府信息公开工作年度报告的函" in out
    assert list(tmp_path.iterdir()) == []  # no archive, nothing written


@pytest.mark.slow
def test_make_demo_twice_adds_nothing(tmp_path):
    db = tmp_path / "demo.db"
    from demo_portal.city_truth import REPORTS as CITY_REPORTS
    from demo_portal.sites import DOCUMENTS
    from expected import EXPECTED_REPORTS

    found = len(EXPECTED_REPORTS) + len(CITY_REPORTS)  # 8 + 42, each counted once
    first = run_cli("demo", "--db", str(db), timeout=300)
    assert f"report pages found: {found}\n" in first.stdout
    count = "SELECT count(*), (SELECT count(*) FROM reports), (SELECT count(*) FROM current_reports) FROM pages"
    with sqlite3.connect(db) as conn:
        before = conn.execute(count).fetchone()
    second = run_cli("demo", "--db", str(db), timeout=300)
    with sqlite3.connect(db) as conn:
        after = conn.execute(count).fetchone()
    # Every page report, and one more row per report also read from a file or images (DOCUMENTS).
    assert after == before and before[1:] == (found + len(DOCUMENTS), found)
    assert "report pages found: 0" in second.stdout and "0 new versions" in second.stdout
